import type { Prisma, PrismaClient } from '@prisma/client';
import { sqlOf } from './sql';

/**
 * The job table: follow-up work of committed changes. A job is written in the same transaction as the change it
 * follows (so a crash between commit and work loses nothing), claimed by one worker at a time with
 * `FOR UPDATE SKIP LOCKED` and a lease (so several instances run each job once, and a crashed worker's job is taken
 * over when its lease ends), and deleted when done. Jobs that share an `orderKey` run one at a time, oldest first.
 */

export interface JobSpec {
  kind: string;
  dealId?: string | null;
  orderKey: string;
  payload?: Record<string, unknown>;
  runAfter?: Date;
}

export interface ClaimedJob {
  id: bigint;
  kind: string;
  dealId: string | null;
  orderKey: string;
  payload: Record<string, unknown>;
  /** This attempt's number (1 = first). */
  attempts: number;
  createdAt: Date;
  /** The lease this worker holds; only its holder may record the outcome. */
  lockedUntil: Date;
}

export interface JobCounts {
  pending: number;
  failed: number;
  /** When the oldest pending job was written (how far behind the work is). */
  oldestPendingAt: Date | null;
}

/** The rows of these jobs as the table stores them. */
export const jobRows = (specs: readonly JobSpec[]) =>
  specs.map((s) => ({
    kind: s.kind,
    dealId: s.dealId ?? null,
    orderKey: s.orderKey,
    payload: (s.payload ?? {}) as Prisma.InputJsonValue,
    ...(s.runAfter ? { runAfter: s.runAfter } : {}),
  }));

/** Writes jobs inside the caller's transaction. */
export async function writeJobs(tx: Prisma.TransactionClient, specs: readonly JobSpec[]): Promise<void> {
  if (specs.length) await tx.job.createMany({ data: jobRows(specs) });
}

export class JobStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Jobs that follow no deal change (a role change re-sends cards): written on their own. */
  async enqueue(specs: readonly JobSpec[]): Promise<void> {
    if (specs.length) await this.prisma.job.createMany({ data: jobRows(specs) });
  }

  /**
   * Claims up to `limit` due jobs of the given kinds: pending, `runAfter` passed (by `now`, which tests may move),
   * not leased (by the real clock), and first of their order key. Each claimed job's attempt count goes up by one.
   */
  async claim(kinds: readonly string[], now: Date, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
    if (!kinds.length) return [];
    const clock = new Date();
    const lease = new Date(clock.getTime() + leaseMs);
    const claimed = await this.prisma.$queryRaw<ClaimedJob[]>`
      UPDATE "Job" AS j SET "lockedUntil" = ${lease}, attempts = j.attempts + 1
      FROM (
        SELECT c.id FROM "Job" AS c
        WHERE c.status = 'pending' AND c."runAfter" <= ${now}
          AND (c."lockedUntil" IS NULL OR c."lockedUntil" <= ${clock})
          AND c.kind = ANY(${kinds as string[]}::text[])
          AND NOT EXISTS (
            SELECT 1 FROM "Job" AS o WHERE o."orderKey" = c."orderKey" AND o.id < c.id AND o.status = 'pending'
          )
        ORDER BY c.id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ) AS picked
      WHERE j.id = picked.id
      RETURNING j.id, j.kind, j."dealId", j."orderKey", j.payload, j.attempts, j."createdAt", j."lockedUntil"`;
    return claimed.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /**
   * How many jobs the worker is running or would run at `now`: leased, or due and first of their order key (a job
   * waiting behind an earlier one of its key — a push behind a push that waits for its retry — is not due yet).
   */
  async busy(now = new Date()): Promise<number> {
    const clock = new Date();
    const [row] = await this.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "Job" AS c
      WHERE c.status = 'pending' AND (
        c."lockedUntil" > ${clock}
        OR (c."runAfter" <= ${now} AND NOT EXISTS (
          SELECT 1 FROM "Job" AS o WHERE o."orderKey" = c."orderKey" AND o.id < c.id AND o.status = 'pending'
        ))
      )`;
    return Number(row?.n ?? 0);
  }

  /** Done: the job is deleted (only by the holder of its lease). */
  async complete(job: ClaimedJob): Promise<boolean> {
    // Once per click (its card refresh): a prepared statement on the thin SQL path (issue 16).
    const count = await sqlOf(this.prisma).execute(`DELETE FROM "Job" WHERE id = $1 AND "lockedUntil" = $2::timestamp`, [job.id, job.lockedUntil]);
    return count === 1;
  }

  /** Failed this time: tried again at `runAfter`. */
  async retryLater(job: ClaimedJob, runAfter: Date, error: string): Promise<void> {
    await this.prisma.job.updateMany({ where: { id: job.id, lockedUntil: job.lockedUntil }, data: { runAfter, lockedUntil: null, lastError: error } });
  }

  /** Failed for good: kept, visible, and no longer holding back the jobs after it. */
  async fail(job: ClaimedJob, error: string): Promise<void> {
    await this.prisma.job.updateMany({ where: { id: job.id, lockedUntil: job.lockedUntil }, data: { status: 'failed', lockedUntil: null, lastError: error } });
  }

  /** Pending jobs of these kinds that wait for a retry run now (what they waited for may be there now). */
  async expedite(kinds: readonly string[], now = new Date()): Promise<number> {
    const { count } = await this.prisma.job.updateMany({
      where: { kind: { in: [...kinds] }, status: 'pending', runAfter: { gt: now }, lockedUntil: null },
      data: { runAfter: now },
    });
    return count;
  }

  async counts(kinds?: readonly string[]): Promise<JobCounts> {
    const where = kinds ? { kind: { in: [...kinds] } } : {};
    const [pending, failed, oldest] = await Promise.all([
      this.prisma.job.count({ where: { ...where, status: 'pending' } }),
      this.prisma.job.count({ where: { ...where, status: 'failed' } }),
      this.prisma.job.findFirst({ where: { ...where, status: 'pending' }, orderBy: { id: 'asc' }, select: { createdAt: true } }),
    ]);
    return { pending, failed, oldestPendingAt: oldest?.createdAt ?? null };
  }

  /** Pending jobs of a deal (a card can say what is still under way). */
  async pendingFor(dealId: string, kinds?: readonly string[]) {
    return this.prisma.job.findMany({
      where: { dealId, status: 'pending', ...(kinds ? { kind: { in: [...kinds] } } : {}) },
      orderBy: { id: 'asc' },
      select: { id: true, kind: true, attempts: true, lastError: true, runAfter: true, createdAt: true },
    });
  }
}
