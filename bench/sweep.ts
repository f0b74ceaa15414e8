import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import { ExpirySweeper } from '../src/services/expirySweeper';
import { createServices } from '../src/services/services';
import { openDatabase } from '../src/store/database';

export interface SweepResult {
  expired: number;
  notifications: number;
  seconds: number;
  notDueUntouched: boolean;
}

/**
 * `due` referrals past their window plus `due` within it, then one sweep: the time to expire all due ones and queue
 * their sender notifications, as the sweeper does it in production.
 */
export async function expireSweepBench(url: string, due: number): Promise<SweepResult> {
  const db = await openDatabase({ url });
  try {
    const p = db.prisma;
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
    const before = await p.notification.count();
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
    const services = createServices(config, db, silentLogger());
    const sweeper = new ExpirySweeper(services.commands, [], silentLogger());
    const t0 = performance.now();
    const report = await sweeper.runOnce(new Date());
    const seconds = (performance.now() - t0) / 1000;
    const notDue = await p.deal.count({ where: { name: { startsWith: 'Sweep referral ' }, status: 'New' } });
    return {
      expired: report.expired.length,
      notifications: (await p.notification.count()) - before,
      seconds,
      notDueUntouched: notDue === due,
    };
  } finally {
    await db.close();
  }
}
