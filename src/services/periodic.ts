/**
 * A background job run every interval and on demand (`kick`): runs never overlap, a kick during a run asks for one
 * more run right after it (the work the kick announced may have been committed after the run looked), a run that
 * fails is logged and the next one happens as usual, and `stop` waits for the run in progress.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs soon, outside the caller's request; after the current run when one is in progress; nothing after stop. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      // Off the caller's stack: a kick from a request handler returns at once.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.stopped) return;
      await this.run().catch((err: unknown) => this.onError(err));
    } while (this.again && !this.stopped);
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
