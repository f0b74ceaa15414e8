import type { Logger } from '../log';
import { callbackHostAllowed, type ReferralSender } from '../referralSenders';
import type { Claim, DueNotification, NotificationStatus, NotificationStore } from '../store/notifications';
import { postJson, type DeliveryFailure } from './callbackSender';
import { hostOf, parseCallbackUrl, resolveTarget, systemResolve, type Resolve } from './callbackTarget';
import { PeriodicJob } from './periodic';

/**
 * R28: the durable outbox of sender notifications. Decline and expiry write a Notification row in the same transaction
 * as the deal (src/store/deals/repository.ts, src/store/expiry.ts); this dispatcher POSTs each row as JSON to the sender's callback URL with an
 * `Idempotency-Key` (the row id, the same on every attempt), retries with exponential backoff on errors and
 * timeouts, and after `maxAttempts` marks the row `failed`, where it stays listed until someone retries it.
 *
 * Issue 15: every attempt resolves the callback's host again and refuses private, loopback, link-local, metadata …
 * addresses (src/services/callbackTarget.ts) and hosts no longer in the sender's list, then connects to the address it
 * checked. `lastError` holds a category (DeliveryFailure), never the remote's text. At most `perHostConcurrency`
 * attempts per host are in flight at once (per instance); a slow host waits for its own slots while every other host's
 * notifications go on, and the periodic dispatch never waits for a send.
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
  /** Attempts in flight at once to one host. */
  perHostConcurrency: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  maxAttempts: 6,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 10_000,
  batchSize: 20,
  leaseMs: 60_000,
  perHostConcurrency: 2,
};

/** Where callbacks may go: the address rules, the resolver, and each sender's list of callback hosts. */
export interface CallbackPolicy {
  /** CALLBACK_ALLOW_PRIVATE=1 */
  allowPrivate: boolean;
  /** The configured sender of a notification's deal (by Deal.senderAccount); null when it is no longer configured. */
  senderNamed(account: string | null): Pick<ReferralSender, 'callbackHosts'> | null;
  resolve?: Resolve;
}

export interface DispatchReport {
  delivered: string[];
  retrying: string[];
  failed: string[];
}

export type NotificationView = Awaited<ReturnType<Outbox['list']>>[number];

/** How many pages of due rows one dispatch looks through for hosts with a free slot. */
const MAX_PAGES = 10;

export class Outbox {
  private readonly opts: OutboxOptions;
  private readonly resolve: Resolve;
  private readonly inFlight = new Map<string, number>();
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly store: NotificationStore,
    private readonly logger: Logger,
    private readonly policy: CallbackPolicy,
    opts: Partial<OutboxOptions> = {},
  ) {
    this.opts = { ...DEFAULT_OUTBOX_OPTIONS, ...opts };
    this.resolve = policy.resolve ?? systemResolve;
  }

  /** The delay before attempt n+1 after n failed attempts. */
  backoffMs(failedAttempts: number): number {
    return Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  }

  /** Sends every notification due at `now` that has a free slot at its host, one attempt each, and waits for them. */
  async runOnce(now = new Date()): Promise<DispatchReport> {
    const report: DispatchReport = { delivered: [], retrying: [], failed: [] };
    await Promise.all(await this.dispatch(now, report));
    return report;
  }

  /** Attempts in flight on this instance, per host (for tests and the log). */
  inFlightByHost(): Record<string, number> {
    return Object.fromEntries(this.inFlight);
  }

  /** Claims due rows whose host has a free slot and starts their attempts; returns them without waiting. */
  private async dispatch(now: Date, report: DispatchReport): Promise<Promise<void>[]> {
    const started: Promise<void>[] = [];
    let deferred = false;
    let after: DueNotification | undefined;
    for (let page = 0; page < MAX_PAGES && started.length < this.opts.batchSize; page++) {
      const rows = await this.store.due(now, this.opts.batchSize, after);
      if (rows.length === 0) break;
      after = rows[rows.length - 1];
      for (const row of rows) {
        if (started.length >= this.opts.batchSize) break;
        const host = slotKey(row.url);
        if ((this.inFlight.get(host) ?? 0) >= this.opts.perHostConcurrency) {
          deferred = true; // its turn comes when a slot frees up
          continue;
        }
        const claim = await this.store.claim(row, this.opts.leaseMs);
        if (!claim) continue; // another instance has it
        this.inFlight.set(host, (this.inFlight.get(host) ?? 0) + 1);
        const attempt = this.attempt(row, claim, now, report)
          .catch((err: unknown) => this.logger.error({ err, notificationId: row.id }, 'sender notification attempt failed'))
          .finally(() => {
            const left = (this.inFlight.get(host) ?? 1) - 1;
            if (left > 0) this.inFlight.set(host, left);
            else this.inFlight.delete(host);
            this.sending.delete(attempt);
            if (this.waiting) this.kick();
          });
        this.sending.add(attempt);
        started.push(attempt);
      }
      if (rows.length < this.opts.batchSize) break;
    }
    this.waiting = deferred;
    return started;
  }

  /** Some due row waited for a slot in the last dispatch: a finished attempt asks for another. */
  private waiting = false;

  private async attempt(row: DueNotification, claim: Claim, now: Date, report: DispatchReport): Promise<void> {
    const error = row.url ? await this.post(row) : 'refused_address';
    if (!error) {
      await this.store.delivered(claim);
      report.delivered.push(row.id);
    } else if (error === 'refused_address' || claim.attempts >= this.opts.maxAttempts) {
      // A refused address is not retried on its own: an operator who fixed the cause retries it.
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

  /** One POST to the checked address; null when the receiver answered 2xx, else the failure's category. */
  private async post(row: DueNotification): Promise<DeliveryFailure | null> {
    const sender = this.policy.senderNamed(row.senderAccount);
    const target = await resolveTarget(row.url ?? '', { allowPrivate: this.policy.allowPrivate, resolve: this.resolve }, (host) =>
      sender ? callbackHostAllowed(sender, host) : false,
    );
    if (!target.ok) {
      this.logger.warn({ notificationId: row.id, dealId: row.dealId, refusal: target.refusal }, 'sender notification: callback address refused');
      return target.refusal === 'unresolved' ? 'network' : 'refused_address';
    }
    const body = JSON.stringify({ notificationId: row.id, kind: row.kind, ...(row.payload as Record<string, unknown>) });
    return postJson(target, { 'idempotency-key': row.id, 'user-agent': 'cosell-bot' }, body, this.opts.timeoutMs);
  }

  private readonly job = new PeriodicJob(
    // The periodic run only starts attempts; it never waits for a slow host.
    () => this.dispatch(new Date(), { delivered: [], retrying: [], failed: [] }),
    (err) => this.logger.error({ err }, 'outbox dispatch failed'),
  );

  /** Runs a dispatch soon, outside the caller's request (after a decline); overlapping runs are skipped. */
  kick(): void {
    this.job.kick();
  }

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  /** Stops the timer and waits for a dispatch and the attempts in progress. */
  async stop(): Promise<void> {
    await this.job.stop();
    await Promise.allSettled([...this.sending]);
  }

  /** Notifications by status, newest first (GET /api/notifications); only one sender's when `senderAccount` is given. */
  list(status?: NotificationStatus, limit = 100, senderAccount?: string) {
    return this.store.list(status, limit, senderAccount);
  }

  /** Puts a failed notification back in the queue with fresh attempts. False when there is no such failed row. */
  retry(id: string, now = new Date()): Promise<boolean> {
    return this.store.retry(id, now);
  }
}

/** Attempts are counted per host; a row without a usable URL counts under its own key (it is refused at once). */
function slotKey(url: string | null): string {
  const parsed = url ? parseCallbackUrl(url) : null;
  return parsed ? hostOf(parsed) : '(none)';
}
