import type { Logger } from '../log';
import type { NotificationStatus, NotificationStore } from '../store/notifications';
import { PeriodicJob } from './periodic';

/**
 * R28: the durable outbox of sender notifications. Decline and expiry write a Notification row in the same transaction
 * as the deal (src/store/deals/repository.ts, src/store/expiry.ts); this dispatcher POSTs each row as JSON to the sender's callback URL with an
 * `Idempotency-Key` (the row id, the same on every attempt), retries with exponential backoff on errors and
 * timeouts, and after `maxAttempts` marks the row `failed`, where it stays listed until someone retries it.
 *
 * Several instances may run at once: each attempt is claimed by one of them (src/store/notifications.ts).
 */

export interface OutboxOptions {
  maxAttempts: number;
  /** Delay after the first failure; doubles with each further failure, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long one POST may take. */
  timeoutMs: number;
  batchSize: number;
  /** A claimed row is not taken by another instance for this long (covers a crash mid-send). */
  leaseMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  maxAttempts: 6,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 10_000,
  batchSize: 20,
  leaseMs: 60_000,
};

export interface DispatchReport {
  delivered: string[];
  retrying: string[];
  failed: string[];
}

export type NotificationView = Awaited<ReturnType<Outbox['list']>>[number];

export class Outbox {
  private readonly opts: OutboxOptions;

  constructor(
    private readonly store: NotificationStore,
    private readonly logger: Logger,
    opts: Partial<OutboxOptions> = {},
  ) {
    this.opts = { ...DEFAULT_OUTBOX_OPTIONS, ...opts };
  }

  /** The delay before attempt n+1 after n failed attempts. */
  backoffMs(failedAttempts: number): number {
    return Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  }

  /** Sends every notification due at `now`, one attempt each. */
  async runOnce(now = new Date()): Promise<DispatchReport> {
    const report: DispatchReport = { delivered: [], retrying: [], failed: [] };
    for (const row of await this.store.due(now, this.opts.batchSize)) {
      const claim = await this.store.claim(row, this.opts.leaseMs);
      if (!claim) continue; // another instance has it
      const error = row.url ? await this.post(row.url, row.id, row.kind, row.payload) : 'no callback URL';
      if (!error) {
        await this.store.delivered(claim);
        report.delivered.push(row.id);
      } else if (claim.attempts >= this.opts.maxAttempts) {
        await this.store.failed(claim, error);
        this.logger.error({ notificationId: row.id, dealId: row.dealId, attempts: claim.attempts, error }, 'sender notification failed for good');
        report.failed.push(row.id);
      } else {
        const nextAttemptAt = new Date(now.getTime() + this.backoffMs(claim.attempts));
        await this.store.retryAt(claim, nextAttemptAt, error);
        this.logger.warn({ notificationId: row.id, attempts: claim.attempts, error, nextAttemptAt }, 'sender notification will be retried');
        report.retrying.push(row.id);
      }
    }
    return report;
  }

  /** One POST; returns the error text, or null when the receiver answered 2xx. */
  private async post(url: string, id: string, kind: string, payload: unknown): Promise<string | null> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': id, 'user-agent': 'cosell-bot' },
        body: JSON.stringify({ notificationId: id, kind, ...(payload as Record<string, unknown>) }),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error;
      return e.name === 'TimeoutError' ? `timed out after ${this.opts.timeoutMs} ms` : `${e.name}: ${e.message}`;
    }
  }

  private readonly job = new PeriodicJob(
    () => this.runOnce(),
    (err) => this.logger.error({ err }, 'outbox dispatch failed'),
  );

  /** Runs a dispatch soon, outside the caller's request (after a decline); overlapping runs are skipped. */
  kick(): void {
    this.job.kick();
  }

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  /** Stops the timer and waits for a dispatch in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Notifications by status, newest first (GET /api/notifications). */
  list(status?: NotificationStatus, limit = 100) {
    return this.store.list(status, limit);
  }

  /** Puts a failed notification back in the queue with fresh attempts. False when there is no such failed row. */
  retry(id: string, now = new Date()): Promise<boolean> {
    return this.store.retry(id, now);
  }
}
