/**
 * A background job run every interval and on demand (`kick`): runs never overlap, a run that fails is logged and the
 * next one happens as usual, and `stop` waits for the run in progress. Shared by the expiry sweeper, the referral
 * re-announcer and the notification outbox.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs soon, outside the caller's request; skipped while a run is in progress or after stop. */
  kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.run()
      .catch((err: unknown) => this.onError(err))
      .finally(() => (this.running = undefined));
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress; a late kick (a request still draining) starts nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
