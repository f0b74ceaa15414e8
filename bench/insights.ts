/**
 * `npm run bench:insights` (issue 17): the insights card at 100,000 deals, and its charts.
 *
 * - Card query: `queries.insights` (five SQL queries side by side) plus building the card, no image rendering,
 *   measured one request at a time for four readers: a global admin, a location admin, a Referrals user (R3: only
 *   deals they work on, through the team table) and an admin with a `person:` filter. Target p95 < 200 ms.
 * - Chart rendering: each of the card's three charts, Vega-Lite → SVG → PNG, after one warm-up. Target < 300 ms.
 *
 * Runs on an embedded PGlite in a temporary directory, and on PostgreSQL too when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL names a server whose login may create databases. Appends the figures to BENCHMARKS.md with the
 * command. BENCH_DEALS (default 100000), BENCH_INSIGHT_SAMPLES (default 40), BENCH_CHART_SAMPLES (default 20).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { insightsView } from '../cards/insightsCard';
import { actorOf, type PersonActor } from '../src/domain';
import { renderChart } from '../src/services/charts/render';
import { DealQueries } from '../src/services/dealQueries';
import { openDatabase, type Database } from '../src/store/database';
import { DealReader } from '../src/store/deals/queries';
import { PeopleStore } from '../src/store/people';
import { scratchDatabase } from './scratchDatabase';

const DEALS = Number(process.env.BENCH_DEALS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_INSIGHT_SAMPLES ?? 40);
const CHART_SAMPLES = Number(process.env.BENCH_CHART_SAMPLES ?? 20);
const SELLERS = 100;

/** 100,000 deals over three years (about 8 % of them in the 90-day window), with received/accepted/closed times. */
export async function seed(db: Database): Promise<Record<'admin' | 'tokyoAdmin' | 'user', PersonActor> & { person: { id: string; email: string | null } }> {
  const p = db.prisma;
  const people = new PeopleStore(p);
  await p.location.createMany({ data: [{ id: 'bench-tokyo', name: 'Bench Tokyo', country: 'JP' }, { id: 'bench-osaka', name: 'Bench Osaka', country: 'JP' }, { id: 'bench-nagoya', name: 'Bench Nagoya', country: 'JP' }] });
  const person = async (key: string, role: 'admin' | 'user', scope: { global: boolean; locations: string[] }) => {
    const u = await people.ensureUser({ aadObjectId: `bench-${key}`, name: `Bench ${key}`, email: `${key}@contoso.example` });
    return actorOf(await people.setRole(u.id, role, scope));
  };
  const admin = await person('admin', 'admin', { global: true, locations: [] });
  const tokyoAdmin = await person('tokyo-admin', 'admin', { global: false, locations: ['bench-tokyo'] });
  const user = await person('user', 'user', { global: false, locations: ['bench-tokyo'] });
  // 100 sellers, each on about 1,000 deals of the three years (a large partner's team).
  const sellers = [user.id];
  for (let i = 1; i < SELLERS; i++) sellers.push((await person(`seller${i}`, 'user', { global: false, locations: ['bench-tokyo'] })).id);
  await p.$executeRawUnsafe(`
    INSERT INTO "Customer" (id, name, "searchName", city, country, duns, "updatedAt")
    SELECT 'bench-c-' || g, 'Bench Customer ' || g, 'bench customer ' || g, 'Tokyo', 'JP', lpad(g::text, 9, '0'), now()
    FROM generate_series(1, 1000) g`);
  const sellerArray = `ARRAY[${sellers.map((s) => `'${s}'`).join(',')}]`;
  // Outcome by g % 20: 0–5 open Active, 6 New, 7–10 Won, 11–13 Lost, 14–16 Declined, 17–19 Expired (inbound only).
  await p.$executeRawUnsafe(`
    INSERT INTO "Deal" (id, direction, type, status, substatus, stage, name, value, currency, "closeDate", "locationId",
      "assessmentType", "assessmentLocation", "customerId", "createdById", "createdByName", "acceptedById", "acceptedByName",
      "createdAt", "receivedAt", "acceptedAt", "closedAt", "closeReason", "updatedAt", "expiresAt")
    SELECT gen_random_uuid()::text, d.direction::"Direction", d.type::"DealType", d.status::"DealStatus", d.substatus::"DealSubstatus",
      d.stage::"SalesStage", 'Bench deal ' || g, 1000 + (g % 997) * 1000, CASE WHEN g % 7 = 0 THEN 'USD' ELSE 'JPY' END,
      DATE '2030-01-01' + (g % 365), (ARRAY['bench-tokyo','bench-tokyo','bench-osaka','bench-nagoya'])[1 + g % 4],
      CASE WHEN d.type = 'solutionAssessment' THEN 'Azure Cost Optimization' END, CASE WHEN d.type = 'solutionAssessment' THEN 'Tokyo' END,
      'bench-c-' || (1 + g % 1000), (${sellerArray})[1 + g % ${SELLERS}], 'Bench seller',
      CASE WHEN d.accepted THEN (${sellerArray})[1 + (g / ${SELLERS}) % ${SELLERS}] END, CASE WHEN d.accepted THEN 'Bench seller' END,
      d.t0, CASE WHEN d.direction = 'inbound' THEN d.t0 END,
      CASE WHEN d.accepted THEN d.t0 + ((g % 72) || ' hours')::interval END,
      CASE WHEN d.status = 'Closed' THEN d.t0 + ((5 + g % 60) || ' days')::interval END,
      CASE WHEN d.substatus IN ('Declined', 'Lost') THEN (ARRAY['budgetNotAdequate','customerDidNotRespond','customerChoseAnotherVendor','other'])[1 + g % 4] END,
      now(), d.t0 + interval '14 days'
    FROM generate_series(1, ${DEALS}) g,
    LATERAL (SELECT
      now() - ((g % 1095) || ' days')::interval - ((g % 24) || ' hours')::interval AS t0,
      CASE WHEN g % 3 = 0 OR g % 20 >= 14 OR g % 20 = 6 THEN 'inbound' ELSE 'outbound' END AS direction,
      CASE WHEN g % 2 = 0 THEN 'solutionAssessment' ELSE 'coSell' END AS type,
      CASE WHEN g % 20 <= 5 THEN 'Active' WHEN g % 20 = 6 THEN 'New' ELSE 'Closed' END AS status,
      CASE WHEN g % 20 <= 5 THEN 'Accepted' WHEN g % 20 = 6 THEN 'Received' WHEN g % 20 <= 10 THEN 'Won' WHEN g % 20 <= 13 THEN 'Lost'
           WHEN g % 20 <= 16 THEN 'Declined' ELSE 'Expired' END AS substatus,
      CASE WHEN g % 20 <= 5 THEN (CASE WHEN g % 2 = 0 THEN (ARRAY['accepted','secureCustomerLoe','collectData','prepareAssessmentReport','presentToCustomer'])[1 + g % 5]
                                       ELSE (ARRAY['accepted','qualified','developed','proposed','negotiated'])[1 + g % 5] END)
           WHEN g % 20 = 6 THEN 'created' WHEN g % 20 <= 10 THEN 'won' WHEN g % 20 <= 13 THEN 'lost' ELSE 'created' END AS stage,
      (g % 20 <= 13 AND g % 20 <> 6) AS accepted
    ) d`);
  // Each deal's creator on its team, as the wizard records it (R3 reads the team table).
  await p.$executeRawUnsafe(`
    INSERT INTO "DealTeamMember" (id, "dealId", "userId", name, email, "emailKey", phone)
    SELECT gen_random_uuid()::text, d.id, d."createdById", 'Bench seller', u.email, lower(u.email), '+81 3 0000 0000'
    FROM "Deal" d JOIN "User" u ON u.id = d."createdById"`);
  await p.$executeRawUnsafe('ANALYZE');
  const seller = await people.byId(sellers[3]!);
  return { admin, tokyoAdmin, user, person: { id: seller!.id, email: seller!.email } };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1]! };
};
const f1 = (n: number) => n.toFixed(1);

async function timeIt(n: number, run: () => Promise<unknown>): Promise<ReturnType<typeof stats>> {
  await run(); // warm-up (plans, JIT)
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await run();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return stats(ms);
}

interface Row {
  database: string;
  reader: string;
  s: ReturnType<typeof stats>;
}

async function measureDatabase(kind: 'pglite' | 'postgres', url: string): Promise<{ rows: Row[]; charts?: ReturnType<typeof insightsView> }> {
  const db = await openDatabase({ url });
  try {
    console.log(`[${kind}] seeding ${DEALS} deals…`);
    const t = Date.now();
    const actors = await seed(db);
    console.log(`[${kind}] seeded in ${((Date.now() - t) / 1000).toFixed(1)} s (${await db.prisma.deal.count()} deals)`);
    const queries = new DealQueries(new DealReader(db.prisma));
    const cases: [string, PersonActor, Parameters<DealQueries['insights']>[1]][] = [
      ['global admin', actors.admin, {}],
      ['location admin (Tokyo)', actors.tokyoAdmin, {}],
      ['Referrals user (R3, team table)', actors.user, {}],
      ['global admin, person: filter', actors.admin, { people: [actors.person] }],
    ];
    const rows: Row[] = [];
    let view: ReturnType<typeof insightsView> | undefined;
    for (const [reader, actor, filter] of cases) {
      const s = await timeIt(SAMPLES, async () => {
        const numbers = await queries.insights(actor, filter);
        const built = insightsView('ja', numbers!, { scope: 'Bench', filters: '', timeZone: 'Asia/Tokyo' });
        built.card([]);
        // The global admin's card has all three charts: those are the ones timed below.
        if (reader === cases[0]![0]) view = built;
      });
      console.log(`[${kind}] ${reader}: p50 ${f1(s.p50)} ms, p95 ${f1(s.p95)} ms`);
      rows.push({ database: kind, reader, s });
    }
    return { rows, charts: view };
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const command = 'npm run bench:insights';
  const results: Row[] = [];
  let view: ReturnType<typeof insightsView> | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-insights-'));
  try {
    const r = await measureDatabase('pglite', path.join(dir, 'pglite'));
    results.push(...r.rows);
    view = r.charts;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const scratch = await scratchDatabase(adminUrl, 'cosell_insights');
    try {
      results.push(...(await measureDatabase('postgres', scratch.url)).rows);
    } finally {
      await scratch.drop();
    }
  } else console.log('No BENCH_DATABASE_URL / TEST_DATABASE_URL: PostgreSQL figures skipped.');

  // The charts of the global admin's card (Japanese), each rendered on its own.
  const chartRows: { title: string; s: ReturnType<typeof stats>; bytes: number }[] = [];
  for (const chart of view?.charts ?? []) {
    let bytes = 0;
    const s = await timeIt(CHART_SAMPLES, async () => {
      bytes = (await renderChart(chart)).length;
    });
    console.log(`chart "${chart.title}": p50 ${f1(s.p50)} ms, p95 ${f1(s.p95)} ms, ${bytes} bytes`);
    chartRows.push({ title: chart.title, s, bytes });
  }

  const cpu = os.cpus();
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const text = [
    `## ${when} UTC — insights card (issue 17)`,
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; shared with other work while it ran, so figures are noisy. Command: \`${command}\`${adminUrl ? ' (with TEST_DATABASE_URL set)' : ''}. ${DEALS.toLocaleString('en-US')} deals over three years, ${SELLERS} sellers (each on about ${Math.round(DEALS / SELLERS).toLocaleString('en-US')}), ${SAMPLES} sequential requests per reader after one warm-up.`,
    '',
    '| insights card (queries + card, no images) | database | p50 ms | p95 ms | max ms | target p95 |',
    '|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.reader} | ${r.database} | ${f1(r.s.p50)} | ${f1(r.s.p95)} | ${f1(r.s.max)} | < 200 ${r.s.p95 < 200 ? '✓' : '✗'} |`),
    '',
    `| chart (Vega-Lite → SVG → PNG, ${CHART_SAMPLES} renders) | p50 ms | p95 ms | PNG bytes | target |`,
    '|---|---|---|---|---|',
    ...chartRows.map((c) => `| ${c.title} | ${f1(c.s.p50)} | ${f1(c.s.p95)} | ${c.bytes.toLocaleString('en-US')} | < 300 ${c.s.p95 < 300 ? '✓' : '✗'} |`),
    '',
  ].join('\n');
  fs.appendFileSync(path.resolve(__dirname, '..', 'BENCHMARKS.md'), text + '\n');
  console.log(text);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
