import { expireDueBatch } from '../store/expiry';
import { PeriodicJob } from './periodic';
import type { Services } from './services';

/**
 * R17: closes referrals nobody answered in time as Closed / Expired and posts reminders before that.
 *
 * Safe with several instances: expiry claims due referrals in batches with FOR UPDATE SKIP LOCKED (src/store/expiry.ts,
 * one transaction per batch that also writes the senders' notifications), so no deal is expired or notified twice;
 * a reminder is claimed by a conditional update on `remindersSent` before it is posted, so each is sent once.
 */

const DAY_MS = 86_400_000;

export interface SweepHooks {
  /** After a batch of deals expired: bring their posted cards up to date. */
  expired(dealIds: string[]): Promise<unknown>;
  /** Post the reminder "expires in N days". */
  remind(dealId: string, daysLeft: number): Promise<unknown>;
}

export interface SweepReport {
  expired: string[];
  reminded: { dealId: string; daysBefore: number }[];
}

export class ExpirySweeper {

  constructor(
    private readonly services: Services,
    private readonly hooks: SweepHooks,
    private readonly batchSize = 2_000,
  ) {}

  private get prisma() {
    return this.services.db.prisma;
  }

  async runOnce(now = new Date()): Promise<SweepReport> {
    const expired = await this.expireDue(now);
    const reminded = await this.remindDue(now);
    return { expired, reminded };
  }

  private async expireDue(now: Date): Promise<string[]> {
    const done: string[] = [];
    for (;;) {
      const batch = await expireDueBatch(this.prisma, now, this.batchSize);
      done.push(...batch);
      if (batch.length) {
        await this.hooks
          .expired(batch)
          .catch((err: unknown) => this.services.logger.warn({ err, count: batch.length }, 'could not update the cards of expired referrals'));
      }
      if (batch.length < this.batchSize) return done;
    }
  }

  private async remindDue(now: Date): Promise<SweepReport['reminded']> {
    const days = this.services.config.REFERRAL_REMINDER_DAYS;
    if (!days.length) return [];
    const horizon = new Date(now.getTime() + Math.max(...days) * DAY_MS);
    const open = await this.prisma.deal.findMany({
      where: { status: 'New', expiresAt: { gt: now, lte: horizon } },
      select: { id: true, expiresAt: true, remindersSent: true },
      orderBy: { expiresAt: 'asc' },
    });
    const reminded: SweepReport['reminded'] = [];
    for (const deal of open) {
      const left = ((deal.expiresAt as Date).getTime() - now.getTime()) / DAY_MS;
      // Every reminder whose day has come; after downtime several may be due, and one message covers them.
      const due = days.filter((d) => left <= d && !deal.remindersSent.includes(d));
      if (!due.length) continue;
      const daysBefore = Math.min(...due);
      const claimed = await this.prisma.deal.updateMany({
        where: { id: deal.id, status: 'New', NOT: { remindersSent: { has: daysBefore } } },
        data: { remindersSent: { push: due } },
      });
      if (claimed.count !== 1) continue;
      reminded.push({ dealId: deal.id, daysBefore });
      await this.hooks
        .remind(deal.id, Math.ceil(left))
        .catch((err: unknown) => this.services.logger.warn({ err, dealId: deal.id }, 'could not post a referral reminder'));
    }
    return reminded;
  }

  private readonly job = new PeriodicJob(
    () => this.runOnce(),
    (err) => this.services.logger.error({ err }, 'expiry sweep failed'),
  );

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
