import type { PrismaClient } from '@prisma/client';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import type { DealCommands } from '../src/services/dealCommands';
import { ExpirySweeper } from '../src/services/expirySweeper';
import { createServices } from '../src/services/services';
import { openDatabase } from '../src/store/database';

export interface SweepResult {
  expired: number;
  notifications: number;
  seconds: number;
  notDueUntouched: boolean;
  /** Milliseconds of each batch, in order. */
  batchMs: number[];
}

/** `due` referrals past their window plus `due` within it (half with a callback url), as one statement. */
export async function seedSweepReferrals(p: PrismaClient, due: number): Promise<void> {
  await p.$executeRawUnsafe(`
    INSERT INTO "Deal" (id, direction, type, status, substatus, stage, name, value, currency, "closeDate", "locationId",
      "assessmentType", "customerId", "senderType", "senderName", "senderKey", "senderReferralId", "senderCallbackUrl",
      "createdAt", "receivedAt", "expiresAt", "updatedAt")
    SELECT gen_random_uuid()::text, 'inbound', 'solutionAssessment', 'New', 'Received', 'created', 'Sweep referral ' || g,
      500000, 'JPY', DATE '2030-01-01', 'bench-tokyo', 'Azure Cost Optimization', 'bench-c-' || (1 + g % 1000),
      'microsoft', 'Bench Seller', 'microsoft', 'sweep-' || g,
      CASE WHEN g % 2 = 0 THEN 'https://callback.invalid/referrals' END,
      now() - interval '20 days', now() - interval '20 days',
      CASE WHEN g <= ${due} THEN now() - interval '1 hour' ELSE now() + interval '10 days' END, now()
    FROM generate_series(1, ${due * 2}) g`);
  await p.$executeRawUnsafe('ANALYZE');
}

/** The deal commands with each expiry batch timed into `batchMs`. */
function timedBatches(commands: DealCommands, batchMs: number[]): DealCommands {
  return new Proxy(commands, {
    get(target, key) {
      if (key === 'expireDue') {
        return async (now: Date, limit: number) => {
          const t0 = performance.now();
          const ids = await target.expireDue(now, limit);
          batchMs.push(performance.now() - t0);
          return ids;
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface SweepBenchOptions {
  batchSize?: number;
  /** Diagnostics: the outbox stays idle during the sweep (in production each batch wakes it). */
  quietOutbox?: boolean;
  beforeSweep?: () => Promise<void>;
  afterSweep?: () => Promise<void>;
}

/**
 * `due` referrals past their window plus `due` within it, then one sweep: the time to expire all due ones and queue
 * their sender notifications, as the sweeper does it in production.
 */
export async function expireSweepBench(url: string, due: number, opts: SweepBenchOptions = {}): Promise<SweepResult> {
  const db = await openDatabase({ url });
  try {
    const p = db.prisma;
    await seedSweepReferrals(p, due);
    const before = await p.notification.count();
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
    const services = createServices(config, db, silentLogger());
    const batchMs: number[] = [];
    const sweeper = new ExpirySweeper(timedBatches(services.commands, batchMs), [], silentLogger(), opts.batchSize);
    if (opts.quietOutbox) await services.outbox.stop();
    await opts.beforeSweep?.();
    const t0 = performance.now();
    const report = await sweeper.runOnce(new Date());
    const seconds = (performance.now() - t0) / 1000;
    await opts.afterSweep?.();
    // The outbox was kicked by each batch: its attempts end before the database closes, as at shutdown.
    await Promise.all([services.outbox.stop(), services.jobs.stop()]);
    const notDue = await p.deal.count({ where: { name: { startsWith: 'Sweep referral ' }, status: 'New' } });
    return {
      expired: report.expired.length,
      notifications: (await p.notification.count()) - before,
      seconds,
      notDueUntouched: notDue === due,
      batchMs,
    };
  } finally {
    await db.close();
  }
}
