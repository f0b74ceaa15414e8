/**
 * Bulk data for the benchmarks, written with set-based SQL (generate_series) so 100 000 deals take seconds, on
 * PGlite and PostgreSQL alike. Opens the database through openDatabase (migrations + the data-directory lock).
 */
import { openDatabase } from '../src/store/database';

export const BENCH_ADMIN = { aadObjectId: 'bench-admin-0000', name: 'Bench Admin' };
export const BENCH_USER = { aadObjectId: 'bench-user-0000', name: 'Bench User' };

export interface SeedResult {
  /** Active solution-assessment deals at stage Accepted: the card-action benchmark completes their stages. */
  workDealIds: string[];
  /** New inbound referrals in Bench Tokyo (no sender callback): the accept and decline benchmarks answer them. */
  referralIds: string[];
  deals: number;
}

export async function seedDeals(url: string, deals: number, workDeals: number, referrals = 0): Promise<SeedResult> {
  const db = await openDatabase({ url });
  const p = db.prisma;
  try {
    await p.location.createMany({
      data: [
        { id: 'bench-tokyo', name: 'Bench Tokyo', country: 'JP' },
        { id: 'bench-osaka', name: 'Bench Osaka', country: 'JP' },
      ],
      skipDuplicates: true,
    });
    const admin = await p.user.upsert({
      where: { aadObjectId: BENCH_ADMIN.aadObjectId },
      create: { ...BENCH_ADMIN, email: 'bench-admin@contoso.example', role: 'admin', globalScope: true },
      update: {},
    });
    const user = await p.user.upsert({
      where: { aadObjectId: BENCH_USER.aadObjectId },
      create: { ...BENCH_USER, email: 'bench-user@contoso.example', role: 'user', globalScope: false },
      update: {},
    });
    await p.userLocation.createMany({ data: [{ userId: user.id, locationId: 'bench-tokyo' }], skipDuplicates: true });
    await p.$executeRawUnsafe(`
      INSERT INTO "Customer" (id, name, "searchName", city, country, duns, "updatedAt")
      SELECT 'bench-c-' || g, 'Bench Customer ' || g, 'bench customer ' || g, 'Tokyo', 'JP', lpad(g::text, 9, '0'), now()
      FROM generate_series(1, 1000) g
      ON CONFLICT DO NOTHING`);
    // The first `workDeals` are active SA deals at Accepted, created by the admin; the rest a realistic mix.
    await p.$executeRawUnsafe(`
      INSERT INTO "Deal" (id, direction, type, status, substatus, stage, name, value, currency, "closeDate",
        "locationId", "assessmentType", "assessmentLocation", "customerId", "createdById", "createdByName",
        "acceptedById", "acceptedByName", "createdAt", "updatedAt", "expiresAt")
      SELECT gen_random_uuid()::text,
        (CASE WHEN g % 3 = 0 THEN 'inbound' ELSE 'outbound' END)::"Direction",
        (CASE WHEN g <= ${workDeals} OR g % 2 = 0 THEN 'solutionAssessment' ELSE 'coSell' END)::"DealType",
        (CASE WHEN g <= ${workDeals} THEN 'Active' WHEN g % 10 = 1 THEN 'New' WHEN g % 10 = 2 THEN 'Closed' ELSE 'Active' END)::"DealStatus",
        (CASE WHEN g <= ${workDeals} THEN 'Accepted' WHEN g % 10 = 1 THEN 'Received' WHEN g % 10 = 2 THEN 'Won' ELSE 'Accepted' END)::"DealSubstatus",
        (CASE WHEN g <= ${workDeals} THEN 'accepted' WHEN g % 10 = 1 THEN 'created' WHEN g % 10 = 2 THEN 'won' ELSE 'accepted' END)::"SalesStage",
        'Bench deal ' || g, 1000 + (g % 997) * 1000, 'JPY', DATE '2030-01-01' + (g % 365),
        CASE WHEN g % 4 = 0 THEN 'bench-osaka' ELSE 'bench-tokyo' END,
        CASE WHEN g <= ${workDeals} OR g % 2 = 0 THEN 'Azure Cost Optimization' END,
        CASE WHEN g <= ${workDeals} OR g % 2 = 0 THEN 'Tokyo' END,
        'bench-c-' || (1 + g % 1000), '${admin.id}', 'Bench Admin', '${admin.id}', 'Bench Admin',
        now() - (g || ' seconds')::interval, now(), now() + interval '30 days'
      FROM generate_series(1, ${deals}) g`);
    await p.$executeRawUnsafe(`
      INSERT INTO "Deal" (id, direction, type, status, substatus, stage, name, value, currency, "closeDate", "locationId",
        "assessmentType", "customerId", "senderType", "senderName", "senderKey", "senderReferralId",
        "createdAt", "receivedAt", "expiresAt", "updatedAt")
      SELECT gen_random_uuid()::text, 'inbound', 'solutionAssessment', 'New', 'Received', 'created', 'Bench referral ' || g,
        1500000, 'JPY', DATE '2030-06-30', 'bench-tokyo', 'Azure Cost Optimization', 'bench-c-' || (1 + g % 1000),
        'microsoft', 'Bench Seller', 'microsoft', 'bench-referral-' || g,
        now() - interval '1 day', now() - interval '1 day', now() + interval '13 days', now()
      FROM generate_series(1, ${referrals}) g`);
    // Fresh planner statistics, as autovacuum would have them in production (PGlite has none: the app analyzes).
    await p.$executeRawUnsafe('ANALYZE');
    const work = await p.deal.findMany({
      where: { name: { startsWith: 'Bench deal ' }, status: 'Active', type: 'solutionAssessment', stage: 'accepted' },
      select: { id: true },
      orderBy: { number: 'asc' },
      take: workDeals,
    });
    const open = await p.deal.findMany({
      where: { name: { startsWith: 'Bench referral ' }, status: 'New' },
      select: { id: true },
      orderBy: { number: 'asc' },
      take: referrals,
    });
    return { workDealIds: work.map((d) => d.id), referralIds: open.map((d) => d.id), deals: await p.deal.count() };
  } finally {
    await db.close();
  }
}
