import { LIST_SEPARATOR, formatDate } from '../src/domain';
import type { DealRecord } from '../src/domain';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/referralReminder.json';

/** R17: a reminder that an unanswered referral is about to expire, with a button to the user's own view of it. */
export function referralReminderCard(deal: DealRecord, locale: Locale, daysLeft: number): AdaptiveCard {
  const params = {
    number: deal.number,
    days: daysLeft,
    name: deal.name,
    sender: [deal.sender?.name, deal.sender?.organizationName].filter(Boolean).join(LIST_SEPARATOR[locale]) || '—',
    date: deal.expiresAt ? formatDate(deal.expiresAt, locale, deal.locationTimeZone ?? (locale === 'ja' ? 'Asia/Tokyo' : 'UTC')) : '—',
  };
  return renderCard(template, {
    title: daysLeft <= 1 ? t(locale, 'referral.reminder.titleOneDay', params) : t(locale, 'referral.reminder.title', params),
    text: t(locale, daysLeft <= 0 ? 'referral.reminder.textToday' : 'referral.reminder.text', params),
    buttonTitle: t(locale, 'deal.action.refresh'),
    buttonData: { dealId: deal.id },
  });
}
