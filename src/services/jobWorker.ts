import type { Logger } from '../log';
import type { ClaimedJob, JobStore } from '../store/jobs';
import { PeriodicJob } from './periodic';

/**
 * Runs the follow-up jobs of committed changes (src/store/jobs.ts) with the listener registered for each kind: after
 * every commit at once (a kick), and every poll interval for whatever is left (another instance's jobs after a crash,
 * retries that came due). A listener that throws is tried again later with backoff; one that throws `GiveUp`, or
 * runs out of attempts, leaves the job `failed` and visible. A slow listener (Teams down) delays only its own job:
 * requests never wait for any of this.
 */

export interface JobPolicy {
  /** Attempts before the job is `failed` (Infinity: until the listener says otherwise). */
  maxAttempts: number;
  /** Wait before the next attempt after `attempts` failed ones. */
  backoffMs(attempts: number): number;
}

/** A job as its listener gets it. */
export type Job = ClaimedJob;

export type JobListener = (job: Job) => Promise<void>;

/** Thrown by a listener that knows another attempt cannot help. */
export class GiveUp extends Error {}

/** Thrown by a listener that knows when to try again (a Retry-After). */
export class RetryAfter extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
  }
}

export interface JobWorkerOptions {
  /** Jobs claimed per round. */
  batchSize: number;
  /** How many run at once (different deals; one deal's jobs run in order). */
  concurrency: number;
  /** A claimed job is not taken by another worker for this long (covers a crash mid-job). */
  leaseMs: number;
  /** How long stop() waits for jobs in progress; their leases let a later start finish them. */
  stopGraceMs: number;
}

export const DEFAULT_JOB_WORKER_OPTIONS: JobWorkerOptions = { batchSize: 50, concurrency: 8, leaseMs: 5 * 60_000, stopGraceMs: 5_000 };

export const exponentialBackoff =
  (baseMs: number, maxMs: number) =>
  (attempts: number): number =>
    Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));

const DEFAULT_POLICY: JobPolicy = { maxAttempts: 8, backoffMs: exponentialBackoff(5_000, 3_600_000) };

export interface JobReport {
  done: number;
  retrying: number;
  failed: number;
}

export class JobWorker {
  private readonly listeners = new Map<string, { run: JobListener; policy: JobPolicy }>();
  private readonly opts: JobWorkerOptions;

  constructor(
    private readonly store: JobStore,
    private readonly logger: Logger,
    opts: Partial<JobWorkerOptions> = {},
  ) {
    this.opts = { ...DEFAULT_JOB_WORKER_OPTIONS, ...opts };
  }

  /** Registers the listener of a job kind (one per kind). */
  on(kind: string, run: JobListener, policy: Partial<JobPolicy> = {}): this {
    if (this.listeners.has(kind)) throw new Error(`A listener for ${kind} jobs is registered already`);
    this.listeners.set(kind, { run, policy: { ...DEFAULT_POLICY, ...policy } });
    return this;
  }

  /** Runs every due job (claiming round after round until none is left), each attempt once. */
  async runOnce(now = new Date()): Promise<JobReport> {
    const report: JobReport = { done: 0, retrying: 0, failed: 0 };
    const kinds = [...this.listeners.keys()];
    for (;;) {
      const jobs = await this.store.claim(kinds, now, this.opts.batchSize, this.opts.leaseMs);
      await pool(jobs, this.opts.concurrency, (job) => this.runJob(job, now, report));
      if (jobs.length < this.opts.batchSize) return report;
    }
  }

  private async runJob(job: ClaimedJob, now: Date, report: JobReport): Promise<void> {
    const listener = this.listeners.get(job.kind);
    if (!listener) return; // claimed only for registered kinds
    try {
      await listener.run(job);
      await this.store.complete(job);
      report.done++;
    } catch (err) {
      const error = describe(err);
      const { policy } = listener;
      if (err instanceof GiveUp || job.attempts >= policy.maxAttempts) {
        await this.store.fail(job, error);
        this.logger.error({ err, jobId: String(job.id), kind: job.kind, dealId: job.dealId, attempts: job.attempts }, 'job failed for good');
        report.failed++;
        return;
      }
      const delayMs = err instanceof RetryAfter ? Math.max(err.delayMs, policy.backoffMs(job.attempts)) : policy.backoffMs(job.attempts);
      const runAfter = new Date(Math.max(now.getTime(), Date.now()) + delayMs);
      await this.store.retryLater(job, runAfter, error);
      this.logger.warn({ err, jobId: String(job.id), kind: job.kind, dealId: job.dealId, attempts: job.attempts, runAfter }, 'job will be retried');
      report.retrying++;
    }
  }

  private readonly job = new PeriodicJob(
    () => this.runOnce(),
    (err) => this.logger.error({ err }, 'job worker round failed'),
  );

  /** Runs soon, outside the caller's request (right after a commit that wrote jobs). */
  kick(): void {
    this.job.kick();
  }

  /** Polls every interval, and once now (jobs left by an earlier run of this or another instance). */
  start(intervalMs: number): void {
    this.job.start(intervalMs);
    this.job.kick();
  }

  /** Stops polling; waits a little for jobs in progress (their leases cover the rest). */
  async stop(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.stopGraceMs)));
    await Promise.race([this.job.stop(), grace]);
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown; statusCode?: unknown } | null;
  const status = typeof e?.statusCode === 'number' ? ` (HTTP ${e.statusCode})` : '';
  const text = typeof e?.message === 'string' ? e.message : String(err);
  return `${typeof e?.name === 'string' ? e.name : 'Error'}${status}: ${text}`.slice(0, 500);
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}
