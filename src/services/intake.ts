import { Prisma } from '@prisma/client';
import { PeriodicJob } from './periodic';
import type { Result } from '../domain';
import type { DealRecord, IncomingReferral } from '../store/dealStore';
import type { Services } from './services';

/**
 * R14: a referral from the intake API is stored (idempotent on sender + referral id), then announced: its card is
 * posted where the location's referrals go (bot/routing.ts). Posting is best effort: the referral is stored whatever
 * Teams answers, and a repeat delivery does not post it twice.
 *
 * Nothing is lost when Teams is down: a new referral without any posted card (every attempt of the connector's retry
 * layer failed, or nobody was reachable) is announced again by `runOnce` (every SWEEP_INTERVAL_SECONDS), with a
 * growing wait between tries. An announcement is claimed with a lease row in BotState, so of several instances (and
 * of the intake request and the sweep) exactly one posts a given referral's card at a time: no duplicate cards.
 */

export interface AnnounceOptions {
  /** How long a claim holds while its card is being posted (covers a crash mid-post). */
  leaseMs: number;
  /** Wait after the first failed announcement; doubles with each further one, up to maxRetryMs. */
  retryBaseMs: number;
  maxRetryMs: number;
  batchSize: number;
}

export const DEFAULT_ANNOUNCE_OPTIONS: AnnounceOptions = { leaseMs: 300_000, retryBaseMs: 60_000, maxRetryMs: 3_600_000, batchSize: 20 };

const LEASE_PREFIX = 'cosell/referral-announce/';

interface Lease {
  until: string;
  /** Announcements of this referral that failed so far. */
  failures: number;
}

const leaseOf = (data: unknown): Lease => {
  const d = (data ?? {}) as Partial<Lease>;
  return { until: typeof d.until === 'string' ? d.until : new Date(0).toISOString(), failures: typeof d.failures === 'number' ? d.failures : 0 };
};

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

export class ReferralIntake {
  private readonly opts: AnnounceOptions;

  constructor(
    private readonly services: Services,
    private readonly announce: (dealId: string) => Promise<unknown>,
    opts: Partial<AnnounceOptions> = {},
  ) {
    this.opts = { ...DEFAULT_ANNOUNCE_OPTIONS, ...opts };
  }

  private get prisma() {
    return this.services.db.prisma;
  }

  async receive(referral: IncomingReferral): Promise<Result<{ deal: DealRecord; created: boolean }>> {
    const result = await this.services.deals.receive(referral);
    if (result.ok && result.value.created) await this.announceOnce(result.value.deal.id);
    return result;
  }

  /** Announces again every open referral that has no posted card and whose wait has passed. Returns those posted. */
  async runOnce(now = new Date()): Promise<string[]> {
    const waiting = await this.prisma.deal.findMany({
      where: { direction: 'inbound', status: 'New', expiresAt: { gt: now }, cardPosts: { none: {} } },
      select: { id: true },
      orderBy: { receivedAt: 'asc' },
      take: this.opts.batchSize,
    });
    const posted: string[] = [];
    for (const { id } of waiting) {
      if (await this.announceOnce(id, now)) posted.push(id);
    }
    return posted;
  }

  /** Posts the card if this process wins the claim; true when a copy of the card exists afterwards. */
  private async announceOnce(dealId: string, now = new Date()): Promise<boolean> {
    const claim = await this.claim(dealId, now);
    if (!claim) return false;
    try {
      await this.announce(dealId);
    } catch (err) {
      this.services.logger.error({ err, dealId }, 'could not post the card of a new referral');
    }
    const posted = (await this.prisma.cardPost.count({ where: { dealId } })) > 0;
    const key = LEASE_PREFIX + dealId;
    if (posted) {
      await this.prisma.botState.deleteMany({ where: { id: key } });
      return true;
    }
    // Not posted anywhere: keep the claim until the next try is due, so the sweep backs off.
    const failures = claim.failures + 1;
    const waitMs = Math.min(this.opts.maxRetryMs, this.opts.retryBaseMs * 2 ** (failures - 1));
    const next: Lease = { until: new Date(Date.now() + waitMs).toISOString(), failures };
    await this.prisma.botState.updateMany({ where: { id: key }, data: { data: next as unknown as Prisma.InputJsonValue, etag: { increment: 1 } } });
    this.services.logger.warn({ dealId, failures, nextTry: next.until }, 'the card of a new referral was not posted; it will be tried again');
    return false;
  }

  /** A lease on announcing the referral: created if none exists, or taken over once the holder's time is up. */
  private async claim(dealId: string, now: Date): Promise<Lease | null> {
    const id = LEASE_PREFIX + dealId;
    const until = new Date(Math.max(now.getTime(), Date.now()) + this.opts.leaseMs).toISOString();
    try {
      await this.prisma.botState.create({ data: { id, data: { until, failures: 0 } } });
      return { until, failures: 0 };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const row = await this.prisma.botState.findUnique({ where: { id } });
    if (!row) return null; // released in between; the next sweep tries
    const held = leaseOf(row.data);
    if (new Date(held.until).getTime() > Math.max(now.getTime(), Date.now())) return null;
    const lease: Lease = { until, failures: held.failures };
    const taken = await this.prisma.botState.updateMany({
      where: { id, etag: row.etag },
      data: { data: lease as unknown as Prisma.InputJsonValue, etag: { increment: 1 } },
    });
    return taken.count === 1 ? lease : null;
  }

  private readonly job = new PeriodicJob(
    () => this.runOnce(),
    (err) => this.services.logger.error({ err }, 're-announcing referrals failed'),
  );

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
