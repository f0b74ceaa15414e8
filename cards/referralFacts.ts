import type { DealRecord } from '../src/domain';
import { t, type Locale } from './i18n';

/** The referral-only lines of the deal card (R14): when it expires, what the sender asks for, what they wrote. */

const DAY_MS = 86_400_000;

/** "2026-12-13 (in 5 days)": whole days left, rounded up, so "in 1 day" means "before this time tomorrow". */
export function expiresText(expiresAt: Date, locale: Locale, now = new Date()): string {
  const date = expiresAt.toISOString().slice(0, 10);
  const days = Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS);
  return days <= 1 && expiresAt.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)
    ? t(locale, 'referral.expiresToday', { date })
    : days <= 1
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
  if (deal.status === 'New' && deal.expiresAt) facts.push({ title: t(locale, 'deal.fact.expires'), value: expiresText(deal.expiresAt, locale, now) });
  if (deal.status === 'New' && deal.inviteNotes) facts.push({ title: t(locale, 'referral.fact.invite'), value: deal.inviteNotes });
  return facts;
}
