import { Prisma, type PrismaClient } from '@prisma/client';
import { SyncBaseSchema, adminEvent, type Actor, type DealRecord, type PartnerCenterLink, type SyncNotice, type SyncState } from '../domain';
import { appendEvents } from './audit';
import { findRecordRow } from './deals/repository';
import { recordInclude, toRecord } from './deals/mapping';
import { syncColumns } from './deals/sync';

/**
 * The Partner Center sync's tables (issue 13): the location mapping, each deal's referral link (eTag, merge base) as
 * the sync reads it, the poll's high-water mark and the admins' view (backlog, failures, last poll and webhook),
 * and the referrals waiting for a location mapping. Changes to deals themselves go through DealCommands.
 */

const FEED = 'referrals';

export interface LinkedDeal {
  deal: DealRecord;
  link: PartnerCenterLink | null;
}

export interface SyncOverview {
  lastPollAt: Date | null;
  lastPollError: string | null;
  highWater: Date | null;
  lastWebhookAt: Date | null;
  lastWebhookEvent: string | null;
  /** Deals whose latest change is not in Partner Center yet. */
  pending: number;
  failed: { dealId: string; number: number; name: string; reason: string | null }[];
  conflicts: number;
  unmapped: { id: string; name: string; targetId: string; receivedAt: Date }[];
  oldestPendingAt: Date | null;
}

export class PartnerCenterStore {
  constructor(private readonly prisma: PrismaClient) {}

  // -- deals as the sync sees them -------------------------------------------------------------------------------

  private linkOf(row: { pcReferralId: string | null; pcEngagementId: string | null; pcETag: string | null; pcUpdatedAt: Date | null; pcBase: Prisma.JsonValue }): PartnerCenterLink | null {
    if (!row.pcReferralId) return null;
    const base = SyncBaseSchema.safeParse(row.pcBase);
    if (!base.success) return null;
    return { referralId: row.pcReferralId, engagementId: row.pcEngagementId, eTag: row.pcETag, updatedAt: row.pcUpdatedAt, base: base.data };
  }

  async byReferralId(referralId: string): Promise<LinkedDeal | null> {
    const row = await this.prisma.deal.findUnique({ where: { pcReferralId: referralId }, include: recordInclude });
    return row ? { deal: toRecord(row), link: this.linkOf(row) } : null;
  }

  /** A page's referrals we already have, in one read (a poll applies hundreds at a time). */
  async byReferralIds(referralIds: readonly string[]): Promise<Map<string, LinkedDeal>> {
    if (!referralIds.length) return new Map();
    const rows = await this.prisma.deal.findMany({ where: { pcReferralId: { in: [...referralIds] } }, include: recordInclude });
    return new Map(rows.map((row) => [row.pcReferralId!, { deal: toRecord(row), link: this.linkOf(row) }]));
  }

  async byDealId(dealId: string): Promise<LinkedDeal | null> {
    const row = await findRecordRow(this.prisma, dealId);
    return row ? { deal: toRecord(row), link: this.linkOf(row) } : null;
  }

  /**
   * After a push Partner Center accepted: the new eTag and base, but only if nobody recorded a newer referral since
   * the push read the deal (an applied webhook wins: compare-and-set on the eTag the push sent). The deal is marked
   * synced only if it has not changed since the push read it (else its own push is still to come).
   */
  async afterPush(dealId: string, sent: { eTag: string | null; version: number }, link: PartnerCenterLink): Promise<{ linked: boolean; synced: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      const linked = await tx.deal.updateMany({ where: { id: dealId, pcETag: sent.eTag }, data: syncColumns({ link }) as Prisma.DealUpdateManyMutationInput });
      if (!linked.count) return { linked: false, synced: false };
      const synced = await tx.deal.updateMany({ where: { id: dealId, version: sent.version }, data: { pcState: 'synced', pcNotice: Prisma.DbNull } });
      return { linked: true, synced: synced.count === 1 };
    });
  }

  /** The link after Partner Center sent what we already have (an echo): newer eTag and base, nothing else. */
  async relink(dealId: string, link: PartnerCenterLink): Promise<void> {
    await this.prisma.deal.updateMany({
      where: { id: dealId, OR: [{ pcUpdatedAt: null }, ...(link.updatedAt ? [{ pcUpdatedAt: { lte: link.updatedAt } }] : [])] },
      data: syncColumns({ link }) as Prisma.DealUpdateManyMutationInput,
    });
  }

  /** How the deal's sync stands (no deal change: no version bump). Returns whether the state changed. */
  async setState(dealId: string, state: SyncState, notice?: SyncNotice | null): Promise<boolean> {
    return (await this.setStateReturning(dealId, state, notice)).changed;
  }

  /**
   * Sets the deal's sync state (and notice) in one statement, returning whether the state changed and the notice it
   * replaced — so a repeated failure keeps the time the deal first stopped reaching Partner Center.
   */
  async setStateReturning(dealId: string, state: SyncState, notice?: SyncNotice | ((before: SyncNotice | null) => SyncNotice | null) | null): Promise<{ changed: boolean; before: SyncNotice | null }> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ pcState: string | null; pcNotice: SyncNotice | null }[]>`
        SELECT "pcState", "pcNotice" FROM "Deal" WHERE id = ${dealId} FOR UPDATE`;
      const before = row?.pcNotice ?? null;
      const next = typeof notice === 'function' ? notice(before) : notice;
      await tx.deal.update({ where: { id: dealId }, data: syncColumns({ state, ...(next !== undefined ? { notice: next } : {}) }) as Prisma.DealUpdateInput });
      return { changed: row?.pcState !== state, before };
    });
  }

  // -- locations ---------------------------------------------------------------------------------------------------

  async locationFor(pcLocationId: string): Promise<string | null> {
    const row = await this.prisma.location.findUnique({ where: { partnerCenterId: pcLocationId }, select: { id: true } });
    return row?.id ?? null;
  }

  /** Every mapping, for a poll that maps many referrals without a query each. */
  async locationMap(): Promise<Map<string, string>> {
    const rows = await this.prisma.location.findMany({ where: { partnerCenterId: { not: null } }, select: { id: true, partnerCenterId: true } });
    return new Map(rows.map((r) => [r.partnerCenterId!, r.id]));
  }

  async partnerCenterIdOf(locationId: string): Promise<string | null> {
    const row = await this.prisma.location.findUnique({ where: { id: locationId }, select: { partnerCenterId: true } });
    return row?.partnerCenterId ?? null;
  }

  async countryOf(locationId: string): Promise<string | null> {
    const row = await this.prisma.location.findUnique({ where: { id: locationId }, select: { country: true } });
    return row?.country ?? null;
  }

  /**
   * Maps our location to a Partner Center business-profile location (null clears it). Another location holding the
   * same Partner Center id gives it up (one Partner Center location is one of ours). Audited.
   */
  async mapLocation(locationId: string, pcLocationId: string | null, by: Actor): Promise<'mapped' | 'unknownLocation'> {
    return this.prisma.$transaction(async (tx) => {
      const location = await tx.location.findUnique({ where: { id: locationId } });
      if (!location) return 'unknownLocation';
      if (pcLocationId) await tx.location.updateMany({ where: { partnerCenterId: pcLocationId, NOT: { id: locationId } }, data: { partnerCenterId: null } });
      await tx.location.update({ where: { id: locationId }, data: { partnerCenterId: pcLocationId } });
      await appendEvents(tx, null, by, [adminEvent('PartnerCenterLocationMapped', { locationId, partnerCenterId: pcLocationId })], new Date());
      return 'mapped';
    });
  }

  // -- referrals waiting for a mapping --------------------------------------------------------------------------------

  /** Returns whether it is new (an admin is told once). */
  async addUnmapped(referral: { id: string; targetId: string; name: string; body: unknown }): Promise<boolean> {
    try {
      await this.prisma.partnerCenterUnmapped.create({
        data: { id: referral.id, targetId: referral.targetId, name: referral.name.slice(0, 200), referral: referral.body as Prisma.InputJsonValue },
      });
      return true;
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        await this.prisma.partnerCenterUnmapped.update({ where: { id: referral.id }, data: { referral: referral.body as Prisma.InputJsonValue, name: referral.name.slice(0, 200) } });
        return false;
      }
      throw err;
    }
  }

  async unmappedFor(targetId: string): Promise<{ id: string; referral: unknown }[]> {
    return this.prisma.partnerCenterUnmapped.findMany({ where: { targetId }, orderBy: { receivedAt: 'asc' }, select: { id: true, referral: true } });
  }

  async unmapped(id: string): Promise<{ id: string; name: string; targetId: string; receivedAt: Date } | null> {
    return this.prisma.partnerCenterUnmapped.findUnique({ where: { id }, select: { id: true, name: true, targetId: true, receivedAt: true } });
  }

  async resolveUnmapped(id: string): Promise<void> {
    await this.prisma.partnerCenterUnmapped.deleteMany({ where: { id } });
  }

  // -- the feed's own state ---------------------------------------------------------------------------------------------

  async highWater(): Promise<Date | null> {
    const row = await this.prisma.partnerCenterSync.findUnique({ where: { id: FEED } });
    return row?.highWater ?? null;
  }

  async recordPoll(at: Date, result: { highWater?: Date | null; error?: string | null }): Promise<void> {
    const data = { lastPollAt: at, lastPollError: result.error ?? null, ...(result.highWater ? { highWater: result.highWater } : {}) };
    await this.prisma.partnerCenterSync.upsert({ where: { id: FEED }, create: { id: FEED, ...data }, update: data });
  }

  async recordWebhook(at: Date, event: string): Promise<void> {
    const data = { lastWebhookAt: at, lastWebhookEvent: event.slice(0, 100) };
    await this.prisma.partnerCenterSync.upsert({ where: { id: FEED }, create: { id: FEED, ...data }, update: data });
  }

  async overview(oldestPendingAt: Date | null): Promise<SyncOverview> {
    const [feed, pending, failedRows, conflicts, unmapped] = await Promise.all([
      this.prisma.partnerCenterSync.findUnique({ where: { id: FEED } }),
      this.prisma.deal.count({ where: { pcState: 'pending' } }),
      this.prisma.deal.findMany({ where: { pcState: 'failed' }, orderBy: { updatedAt: 'desc' }, take: 20, select: { id: true, number: true, name: true, pcNotice: true } }),
      this.prisma.deal.count({ where: { pcState: 'conflict' } }),
      this.prisma.partnerCenterUnmapped.findMany({ orderBy: { receivedAt: 'asc' }, take: 20, select: { id: true, name: true, targetId: true, receivedAt: true } }),
    ]);
    return {
      lastPollAt: feed?.lastPollAt ?? null,
      lastPollError: feed?.lastPollError ?? null,
      highWater: feed?.highWater ?? null,
      lastWebhookAt: feed?.lastWebhookAt ?? null,
      lastWebhookEvent: feed?.lastWebhookEvent ?? null,
      pending,
      failed: failedRows.map((r) => ({ dealId: r.id, number: r.number, name: r.name, reason: (r.pcNotice as { reason?: string } | null)?.reason ?? null })),
      conflicts,
      unmapped,
      oldestPendingAt,
    };
  }
}
