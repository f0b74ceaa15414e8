import type { CommandOutcome, DealRecord } from '../domain';
import type { JobSpec } from '../store/jobs';

/**
 * What follows a committed deal change, as durable jobs written in the change's transaction. Every surface gets the
 * same follow-ups because every change goes through src/services/dealCommands.ts, which asks this module. The
 * listeners that do the work are registered where the work is (Teams: bot/listeners.ts).
 */

export const JOB = {
  /** Bring every posted copy of the deal's card that shows an older version up to date. */
  refreshCards: 'cards.refresh',
  /** R14: post a new referral's card where its location's referrals go. */
  announceReferral: 'referral.announce',
  /** R17: post "expires in N days" where the card went. */
  remindReferral: 'referral.remind',
  /** Issue 13: send the deal's changes to Partner Center (PATCH under If-Match, or POST for a deal made here). */
  pushToPartnerCenter: 'pc.push',
  /** Issue 13: read a referral Partner Center told us about (a webhook) and apply it. */
  fetchFromPartnerCenter: 'pc.fetch',
  /** Issue 13: ask Partner Center for every referral changed since the last poll (catches missed webhooks). */
  pollPartnerCenter: 'pc.poll',
  /** Issue 13: tell the admins about a referral for a Partner Center location no location here is mapped to. */
  announceUnmapped: 'pc.unmapped',
  /** Issue 17: post a location's daily digest (or, asked for with `digest now`, the digests of some locations). */
  postDigest: 'digest.post',
} as const;

export type JobKind = (typeof JOB)[keyof typeof JOB];

/**
 * Jobs with one key run one at a time, in the order written. A deal's card refreshes share a key (two workers never
 * update the same copies at once); announcing and reminding have keys of their own, so a referral whose card cannot
 * be posted yet never holds back the updates of copies shown elsewhere. Any order of the three ends right: each
 * copy records the version it shows, and a refresh sends only what is behind.
 */
export const cardsOrderKey = (dealId: string) => `deal:${dealId}:cards`;
export const CARDS_ORDER_KEY_TEMPLATE = cardsOrderKey('{id}');

export interface RefreshPayload {
  /** The version the change produced (copies at it or later need nothing). */
  version: number;
  /** Re-send every copy even if it shows this version (who may act changed, not the deal). */
  all?: boolean;
}

export const refreshCards = (deal: Pick<DealRecord, 'id' | 'version'>, all = false): JobSpec => ({
  kind: JOB.refreshCards,
  dealId: deal.id,
  orderKey: cardsOrderKey(deal.id),
  payload: { version: deal.version, ...(all ? { all } : {}) } satisfies RefreshPayload,
});

export const announceReferral = (deal: Pick<DealRecord, 'id'>): JobSpec => ({
  kind: JOB.announceReferral,
  dealId: deal.id,
  orderKey: `deal:${deal.id}:announce`,
});

export const remindReferral = (dealId: string, daysLeft: number): JobSpec => ({
  kind: JOB.remindReferral,
  dealId,
  orderKey: `deal:${dealId}:remind`,
  payload: { daysLeft },
});

/** One deal's Partner Center pushes run one at a time, in the order of the changes. */
export const partnerCenterOrderKey = (dealId: string) => `pc:deal:${dealId}`;

export const pushToPartnerCenter = (dealId: string): JobSpec => ({ kind: JOB.pushToPartnerCenter, dealId, orderKey: partnerCenterOrderKey(dealId) });

/** Reads of one referral run one at a time (a webhook and a retry of it never apply it twice at once). */
export const fetchFromPartnerCenter = (uri: string, referralId: string): JobSpec => ({
  kind: JOB.fetchFromPartnerCenter,
  orderKey: `pc:referral:${referralId}`,
  payload: { uri },
});

export const pollPartnerCenter = (runAfter?: Date): JobSpec => ({ kind: JOB.pollPartnerCenter, orderKey: 'pc:poll', ...(runAfter ? { runAfter } : {}) });

export const announceUnmapped = (referralId: string): JobSpec => ({ kind: JOB.announceUnmapped, orderKey: `pc:unmapped:${referralId}`, payload: { referralId } });

/** What a digest job posts: one location's day (scheduled), or locations into the asker's conversation (`digest now`). */
export interface DigestPayload {
  /** The moment the digest speaks of (ISO): days left and dates are counted from it. */
  at: string;
  /** Scheduled: the location and its local day (the DigestRun key). */
  locationId?: string;
  day?: string;
  /** `digest now`: the locations, the conversation to post into and the asker's language. */
  locationIds?: string[];
  conversationId?: string;
  locale?: string;
}

export const postDailyDigest = (locationId: string, day: string, at: Date): JobSpec => ({
  kind: JOB.postDigest,
  orderKey: `digest:${locationId}`,
  payload: { at: at.toISOString(), locationId, day } satisfies DigestPayload,
});

export const postDigestNow = (locationIds: string[], conversationId: string, locale: string, at: Date): JobSpec => ({
  kind: JOB.postDigest,
  orderKey: `digest:now:${conversationId}`,
  payload: { at: at.toISOString(), locationIds, conversationId, locale } satisfies DigestPayload,
});

/**
 * Issue 13: whether a deal's changes go to Partner Center — a deal that came from Partner Center, or one made here
 * (created in Partner Center by its first push). A referral from our own intake API belongs to its sender.
 */
export const syncsWithPartnerCenter = (deal: Pick<DealRecord, 'direction' | 'partnerCenter'>): boolean =>
  !!deal.partnerCenter?.referralId || deal.direction === 'outbound';

/** After a change to an existing deal: its posted cards follow. */
export function afterChange(outcome: CommandOutcome): JobSpec[] {
  return [refreshCards(outcome.deal)];
}

/** After a referral arrived: its card is posted (R14). */
export function afterReceive(outcome: CommandOutcome): JobSpec[] {
  return [announceReferral(outcome.deal)];
}

/** After the wizard created a deal: its only card is the creator's own reply; nothing else yet. */
export function afterCreate(_outcome: CommandOutcome): JobSpec[] {
  return [];
}

/** After Partner Center changed a deal: the posted cards follow; nothing goes back (their value is the agreed one). */
export function afterPartnerCenter(outcome: CommandOutcome): JobSpec[] {
  return [refreshCards(outcome.deal)];
}
