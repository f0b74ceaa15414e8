import { LIST_SEPARATOR, STAGE_LABEL, formatDate, formatMoney, type DealRecord, type DigestList, type LocationDigest } from '../src/domain';
import { t, type Locale, type MessageKey } from './i18n';
import { messageCard } from './messageCard';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/digest.json';

/**
 * Issue 17: a location's daily digest — what needs attention, one section per kind, each item opens its deal; waiting
 * referrals carry Accept and Decline (the referral card's own verbs). Dates and days left are the location's.
 */

interface Item {
  name: string;
  detail: string;
  line: string;
  color: 'Default' | 'Attention' | 'Warning';
  open: { dealId: string };
  answer: { show: boolean; acceptTitle: string; declineTitle: string; data: Record<string, unknown> };
}

const NO_ANSWER: Item['answer'] = { show: false, acceptTitle: '', declineTitle: '', data: {} };

export function digestCard(locale: Locale, digest: LocationDigest, staleDays: number): AdaptiveCard {
  const zone = digest.timeZone;
  const sep = LIST_SEPARATOR[locale];
  const item = (deal: DealRecord, line: string, color: Item['color'] = 'Default', answer = NO_ANSWER): Item => ({
    name: `#${deal.number} ${deal.name}`,
    detail: [deal.customer.name, formatMoney(deal.value, deal.currency, locale)].join(sep),
    line,
    color,
    open: { dealId: deal.id },
    answer,
  });
  const section = <T>(key: MessageKey, list: DigestList<T>, toItem: (entry: T) => Item, params: Record<string, number> = {}) =>
    list.total === 0
      ? []
      : [
          {
            heading: t(locale, key, { count: list.total, ...params }),
            items: list.items.map(toItem),
            more: list.total > list.items.length ? t(locale, 'digest.more', { count: list.total - list.items.length }) : '',
          },
        ];
  const sections = [
    ...section('digest.referrals', digest.referrals, ({ deal, daysLeft }) => {
      const date = deal.expiresAt ? formatDate(deal.expiresAt, locale, zone) : '';
      const line = daysLeft <= 0 ? t(locale, 'digest.expiresToday', { date }) : daysLeft === 1 ? t(locale, 'digest.expiresInOne', { date }) : t(locale, 'digest.expiresIn', { date, days: daysLeft });
      return item(deal, line, daysLeft <= 3 ? 'Attention' : 'Default', {
        show: true,
        acceptTitle: t(locale, 'referral.action.accept'),
        declineTitle: t(locale, 'referral.action.decline'),
        data: { dealId: deal.id, version: deal.version },
      });
    }),
    ...section('digest.overdue', digest.overdue, (deal) => item(deal, t(locale, 'digest.overdueLine', { date: formatDate(deal.closeDate, locale) }), 'Attention')),
    ...section(
      'digest.stale',
      digest.stale,
      ({ deal, since }) => item(deal, t(locale, 'digest.staleLine', { stage: STAGE_LABEL[deal.stage][locale], date: formatDate(since, locale, zone) }), 'Warning'),
      { days: staleDays },
    ),
    ...section('digest.registrations', digest.registrations, (deal) =>
      item(deal, deal.registration ? t(locale, 'digest.registrationLine', { name: deal.registration.submittedByName, date: formatDate(deal.registration.submittedAt, locale, zone) }) : ''),
    ),
    ...section('digest.syncFailures', digest.syncFailures, (deal) => item(deal, t(locale, 'digest.syncFailureLine'), 'Attention')),
  ];
  return renderCard(template, {
    title: t(locale, 'digest.title', { location: digest.locationName }),
    subtitle: t(locale, 'digest.subtitle', { date: formatDate(digest.day, locale) }),
    sections,
  });
}

/** `digest now` found nothing anywhere it looked: said once, so the admin knows it ran. */
export function digestNothingCard(locale: Locale, locationNames: readonly string[]): AdaptiveCard {
  return messageCard(t(locale, 'digest.nothing.title'), [t(locale, 'digest.nothing.line', { locations: locationNames.join(LIST_SEPARATOR[locale]) })], 'good');
}

