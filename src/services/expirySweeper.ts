import type { Logger } from '../log';
import type { DealCommands } from './dealCommands';
import { PeriodicJob } from './periodic';

/**
 * R17: every interval, closes referrals nobody answered in time as Closed / Expired, and claims the reminders that
 * are due — both through the deal-command service, which writes the sender notifications, the card refreshes and
 * the reminder posts as jobs in the same transactions. Safe with several instances: expiry claims due referrals with
 * FOR UPDATE SKIP LOCKED, a reminder by a conditional update, so nothing is expired, notified or reminded twice.
 */

export interface SweepReport {
  expired: string[];
  reminded: { dealId: string; daysBefore: number }[];
}

export class ExpirySweeper {
  constructor(
    private readonly commands: DealCommands,
    private readonly reminderDays: readonly number[],
    private readonly logger: Logger,
    // Issue 16: 10,000 per statement (was 2,000): 100,000 due referrals in ten statements, each one transaction.
    private readonly batchSize = 10_000,
  ) {}

  async runOnce(now = new Date()): Promise<SweepReport> {
    const expired: string[] = [];
    for (;;) {
      const batch = await this.commands.expireDue(now, this.batchSize);
      expired.push(...batch);
      if (batch.length < this.batchSize) break;
    }
    const reminded = await this.commands.remindDue(now, this.reminderDays);
    return { expired, reminded };
  }

  private readonly job = new PeriodicJob(
    () => this.runOnce(),
    (err) => this.logger.error({ err }, 'expiry sweep failed'),
  );

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
