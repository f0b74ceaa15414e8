import { LIST_SEPARATOR, calendarDaysBetween, formatDate, formatMoney, type DealRecord } from '../src/domain';
import { zoneFor } from './dealCard';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/inbox.json';
import nudgeTemplate from './templates/nudge.json';

/**
 * Issue 14, section 4: "which referrals are waiting for me?" — the referrals in the reader's scope nobody has answered,
 * soonest expiry first, each with its days left and Accept/Decline; then the reader's own deals whose close date has
 * passed or that have not moved for a while.
 */
export interface InboxData {
  referrals: readonly DealRecord[];
  /** The reader's deals that need a look, with why: the close date passed, or nothing happened for `staleDays`. */
  attention: readonly { deal: DealRecord; reason: 'overdue' | 'stale' }[];
  staleDays: number;
  now: Date;
  /** Referrals and deals left off (more than fit). */
  more: number;
}

export function inboxCard(locale: Locale, data: InboxData): AdaptiveCard {
  const sep = LIST_SEPARATOR[locale];
  const referrals = data.referrals.map((d) => {
    const zone = zoneFor(d, locale);
    const days = d.expiresAt ? calendarDaysBetween(data.now, d.expiresAt, zone) : null;
    const date = d.expiresAt ? formatDate(d.expiresAt, locale, zone) : '';
    return {
      name: `#${d.number} ${d.name}`,
      detail: [d.customer.name, formatMoney(d.value, d.currency, locale), d.locationName || d.locationId].join(sep),
      expires:
        days === null ? '' : days <= 0 ? t(locale, 'inbox.expiresToday', { date }) : t(locale, 'inbox.expiresIn', { date, days }),
      expiresColor: days !== null && days <= 3 ? 'Attention' : 'Default',
      acceptTitle: t(locale, 'referral.action.accept'),
      declineTitle: t(locale, 'referral.action.decline'),
      data: { dealId: d.id, version: d.version },
    };
  });
  const deals = data.attention.map(({ deal, reason }) => ({
    name: `#${deal.number} ${deal.name}`,
    why:
      reason === 'overdue'
        ? t(locale, 'inbox.overdue', { date: formatDate(deal.closeDate, locale) })
        : t(locale, 'inbox.stale', { days: data.staleDays, date: formatDate(deal.updatedAt, locale, zoneFor(deal, locale)) }),
    data: { dealId: deal.id },
  }));
  return renderCard(template, {
    title: t(locale, 'inbox.title'),
    referralsTitle: t(locale, 'inbox.referrals', { count: referrals.length }),
    referralsEmpty: referrals.length ? '' : t(locale, 'inbox.noReferrals'),
    referrals,
    dealsTitle: t(locale, 'inbox.deals', { count: deals.length }),
    dealsEmpty: deals.length ? '' : t(locale, 'inbox.noDeals'),
    deals,
    footer: data.more > 0 ? t(locale, 'inbox.more', { count: data.more }) : '',
  });
}

/** One line for text that is not a command: the closest command, and buttons for the inbox and help. */
export function nudgeCard(locale: Locale, line: string, buttons: readonly { title: string; command: string }[]): AdaptiveCard {
  return renderCard(nudgeTemplate, { line, buttons });
}
