import { calendarDaysBetween, formatDate, type DealRecord } from '../src/domain';
import { t, type Locale } from './i18n';

/** The referral-only lines of the deal card (R14): when it expires, what the sender asks for, what they wrote. */

/**
 * "2026年12月13日 (あと 5 日)": the expiry day and the calendar days left to it, both counted in the location's zone
 * (R17, issue 14), so a Tokyo team's "today" is Tokyo's today.
 */
export function expiresText(expiresAt: Date, locale: Locale, now = new Date(), zone = 'UTC'): string {
  const date = formatDate(expiresAt, locale, zone);
  const days = calendarDaysBetween(now, expiresAt, zone);
  return days <= 0
    ? t(locale, 'referral.expiresToday', { date })
    : days === 1
      ? t(locale, 'referral.expiresInOneDay', { date })
      : t(locale, 'referral.expiresIn', { date, days });
}

export function referralFacts(deal: DealRecord, locale: Locale, now = new Date()): { title: string; value: string }[] {
  if (deal.direction !== 'inbound') return [];
  const facts: { title: string; value: string }[] = [];
  // A solution assessment shows its assessment type; the solutions a sender asked for are its requirements.
  if (deal.type === 'solutionAssessment' && deal.solutions.length) {
    facts.push({ title: t(locale, 'referral.fact.requirements'), value: deal.solutions.map((s) => s.name).join(', ') });
  }
  if (deal.status === 'New' && deal.expiresAt) facts.push({ title: t(locale, 'deal.fact.expires'), value: expiresText(deal.expiresAt, locale, now, deal.locationTimeZone ?? (locale === 'ja' ? 'Asia/Tokyo' : 'UTC')) });
  if (deal.status === 'New' && deal.inviteNotes) facts.push({ title: t(locale, 'referral.fact.invite'), value: deal.inviteNotes });
  return facts;
}
