/**
 * The benchmark suite (`npm run bench`): every measure on PGlite and, when a PostgreSQL server is reachable
 * (BENCH_DATABASE_URL, else TEST_DATABASE_URL — an admin login that may create databases), on PostgreSQL too, in
 * one run on one machine. Results are appended to BENCHMARKS.md with the date, the machine and the command.
 *
 * Each server runs in a process of its own (the compiled app, as `npm start` runs it) so that the load generator
 * does not share its event loop. Quick run for development (~2 minutes): BENCH_QUICK=1 npm run bench; one database
 * only: BENCH_ONLY=pglite or postgres; BENCH_NO_WRITE=1 prints without appending to BENCHMARKS.md.
 *
 * Issue 16: every click load is measured against its floor (bench/floorServer.ts: the same writes through node:http
 * and raw SQL), in the same run, with the CPU per request of the server and of the PostgreSQL backends.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startConnectorStub, type ConnectorStub } from '../tests/helpers/connectorStub';
import { echoLoad, referralAnswerLoad, stageCompletionLoad } from './cardAction';
import { API_TOKEN, apiListLoad, chatListLoad, say } from './lists';
import { fmt, runLoad, summarize, type LoadResult } from './load';
import { startBot, startEcho, startFloor } from './processes';
import { PostgresWatch, processCpuMs, type StatementCost } from './cpu';
import { openDatabase } from '../src/store/database';
import { BENCH_ADMIN, seedDeals } from './seed';
import { scratchDatabase } from './scratchDatabase';
import { expireSweepBench, type SweepResult } from './sweep';

// BENCH_QUICK=1: a ~2-minute run for development (fewer deals, shorter loads); figures are noisier.
const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 4 : 20));
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const DEALS = Number(process.env.BENCH_DEALS ?? (QUICK ? 20_000 : 100_000));
const SWEEP_DUE = Number(process.env.BENCH_SWEEP_DUE ?? (QUICK ? 20_000 : 100_000));
const INTAKE_SAMPLES = Number(process.env.BENCH_INTAKE ?? (QUICK ? 40 : 200));
const WORK_DEALS = Math.min(20_000, Math.floor(DEALS / 2));
// New referrals for the accept and decline loads: enough that no client runs out at the card load's pace.
const REFERRALS = Number(process.env.BENCH_REFERRALS ?? (QUICK ? 4_000 : 16_000));
const REFERRALS_TOKEN = 'bench-referrals-token-0123456789';

interface DbTarget {
  kind: 'pglite' | 'postgres';
  url: string;
  cleanup(): Promise<void>;
}

async function pgliteTarget(): Promise<DbTarget> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-bench-'));
  return { kind: 'pglite', url: path.join(dir, 'pglite'), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function postgresTarget(adminUrl: string): Promise<DbTarget> {
  const db = await scratchDatabase(adminUrl, 'cosell_bench');
  return { kind: 'postgres', url: db.url, cleanup: db.drop };
}

/** One load's figures plus its CPU cost per request (server process; PostgreSQL backends and statements). */
interface Measured extends LoadResult {
  serverCpuMs: number;
  db?: { cpuMs: number; planMs: number; execMs: number; statements: number; top: StatementCost[] };
}

interface Figures {
  kind: string;
  floor?: Measured;
  floorOne?: Measured;
  card?: Measured;
  cardOne?: Measured;
  accept?: Measured;
  acceptOne?: Measured;
  decline?: Measured;
  declineOne?: Measured;
  apiList?: Measured;
  apiListOne?: Measured;
  chatList?: Measured;
  chatListOne?: Measured;
  intake?: LoadResult;
  rssAfterLists?: number;
  startupMs?: number;
  sweep?: SweepResult;
}

/** Runs `load` and charges the CPU it took to its requests. */
async function measured(serverPid: number, watch: PostgresWatch | undefined, load: () => Promise<LoadResult>): Promise<Measured> {
  const stop = await watch?.start();
  const cpu0 = processCpuMs(serverPid);
  const result = await load();
  const cpu1 = processCpuMs(serverPid);
  const n = Math.max(1, result.requests + result.errors);
  const db = stop ? await stop() : undefined;
  return {
    ...result,
    serverCpuMs: (cpu1 - cpu0) / n,
    db: db && { cpuMs: db.cpuMs / n, planMs: db.planMs / n, execMs: db.execMs / n, statements: db.calls / n, top: db.top },
  };
}

const headers = { 'content-type': 'application/json' };

function referralBody(n: number) {
  return {
    id: `bench-ref-${n}-${randomUUID()}`,
    name: `Bench referral ${n}`,
    createdDateTime: new Date().toISOString(),
    customerProfile: { name: `Bench Referral Customer ${n}`, address: { city: 'Tokyo', country: 'JP' }, team: [] },
    consent: { consentToShareInfoWithOthers: true, consentToContact: true },
    details: { dealValue: 1_000_000, currency: 'JPY', closingDateTime: '2030-06-30', notes: 'Bench' },
    targetLocation: 'bench-tokyo',
    dealType: 'solutionAssessment',
    assessmentType: 'Azure Cost Optimization',
    sender: { type: 'microsoft', name: 'Bench Seller' },
  };
}

async function measure(target: DbTarget, stub: ConnectorStub, adminUrl: string | undefined): Promise<Figures> {
  const figures: Figures = { kind: target.kind };
  console.log(`[${target.kind}] seeding ${DEALS} deals…`);
  const seeded = await seedDeals(target.url, DEALS, WORK_DEALS, REFERRALS);
  // Disjoint slices of the work deals: each click load completes stages on deals no other load touched.
  const work = seeded.workDealIds;
  const slice = (from: number, to: number) => work.slice(Math.floor(work.length * from), Math.floor(work.length * to));
  const watch = target.kind === 'postgres' && adminUrl ? await PostgresWatch.open(adminUrl, target.url) : undefined;
  try {
    console.log(`[${target.kind}] floor: the same click writes through node:http + ${target.kind === 'postgres' ? 'pg' : 'PGlite'}`);
    const floor = await startFloor(target.url);
    try {
      figures.floor = await measured(floor.child.pid!, watch, () => stageCompletionLoad(floor.port, slice(0, 0.3), CLIENTS, SECONDS));
      figures.floorOne = await measured(floor.child.pid!, watch, () => stageCompletionLoad(floor.port, slice(0.3, 0.4), 1, SECONDS / 2));
    } finally {
      await floor.stop();
    }
    await cleanFloor(target.url);

    const apiClient = `bench:admin:global:${createHash('sha256').update(API_TOKEN).digest('hex')}`;
    const t0 = performance.now();
    const bot = await startBot(target.url, { API_CLIENTS: apiClient, REFERRALS_API_TOKEN: REFERRALS_TOKEN, SWEEP_INTERVAL_SECONDS: '86400' });
    const base = `http://127.0.0.1:${bot.port}`;
    figures.startupMs = await untilHealthy(base, t0);
    const pid = bot.child.pid!;
    try {
      // Link the bench location to a personal conversation, so new referrals post their card to the stub.
      await say(base, 'help', stub.url, 0);

      console.log(`[${target.kind}] card action`);
      figures.card = await measured(pid, watch, () => stageCompletionLoad(bot.port, slice(0.4, 0.8), CLIENTS, SECONDS));
      figures.cardOne = await measured(pid, watch, () => stageCompletionLoad(bot.port, slice(0.8, 1), 1, SECONDS / 2));

      // Disjoint slices of the referrals: 40 % accepted and 40 % declined by 16 clients, 10 % each by one client.
      const referrals = (from: number, to: number) => seeded.referralIds.slice(Math.floor(seeded.referralIds.length * from), Math.floor(seeded.referralIds.length * to));
      console.log(`[${target.kind}] accept and decline`);
      figures.accept = await measured(pid, watch, () => referralAnswerLoad(bot.port, referrals(0, 0.4), 'accept', CLIENTS, SECONDS / 2));
      figures.acceptOne = await measured(pid, watch, () => referralAnswerLoad(bot.port, referrals(0.4, 0.5), 'accept', 1, SECONDS / 4));
      figures.decline = await measured(pid, watch, () => referralAnswerLoad(bot.port, referrals(0.5, 0.9), 'decline', CLIENTS, SECONDS / 2));
      figures.declineOne = await measured(pid, watch, () => referralAnswerLoad(bot.port, referrals(0.9, 1), 'decline', 1, SECONDS / 4));

      console.log(`[${target.kind}] lists`);
      figures.apiList = await measured(pid, watch, () => apiListLoad(base, CLIENTS, SECONDS / 2));
      figures.chatList = await measured(pid, watch, () => chatListLoad(base, stub.url, CLIENTS, SECONDS / 2));
      // One client at a time: the latency of a list itself, without queueing behind 15 others.
      figures.apiListOne = await measured(pid, watch, () => apiListLoad(base, 1, SECONDS / 4));
      figures.chatListOne = await measured(pid, watch, () => chatListLoad(base, stub.url, 1, SECONDS / 4));
      figures.rssAfterLists = bot.rssMb();

      console.log(`[${target.kind}] intake → card`);
      // A connector of its own, so waiting for each card does not scan the thousands of list replies recorded above.
      const cards = await startConnectorStub();
      await say(base, 'help', cards.url, 1);
      const latencies: number[] = [];
      let errors = 0;
      for (let n = 0; n < INTAKE_SAMPLES; n++) {
        const body = referralBody(n);
        const t1 = performance.now();
        const res = await fetch(`${base}/api/referrals`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${REFERRALS_TOKEN}` }, body: JSON.stringify(body) });
        await res.arrayBuffer();
        try {
          await cards.waitFor((c) => JSON.stringify(c.activity).includes(`"${body.name}"`), 10_000);
          latencies.push(performance.now() - t1);
        } catch {
          errors++;
        }
      }
      figures.intake = summarize(latencies, errors, latencies.reduce((a, b) => a + b, 0) / 1000);
      await cards.close();
    } finally {
      await bot.stop();
    }
  } finally {
    await watch?.close();
  }

  console.log(`[${target.kind}] expiry sweep`);
  figures.sweep = await expireSweepBench(target.url, SWEEP_DUE);
  return figures;
}

/** Start to `/healthz` ok, on the seeded (existing) database. */
async function untilHealthy(base: string, t0: number): Promise<number> {
  for (;;) {
    const res = await fetch(`${base}/healthz`).catch(() => undefined);
    if (res?.ok) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The floor's rows must not reach the bot's job worker. */
async function cleanFloor(url: string): Promise<void> {
  const db = await openDatabase({ url, migrate: false });
  try {
    await db.prisma.$executeRawUnsafe(`DELETE FROM "Job" WHERE kind = 'bench.floor'`);
  } finally {
    await db.close();
  }
}

function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

const ratio = (a: number | undefined, b: number | undefined, digits = 2) => (a !== undefined && b !== undefined && b > 0 ? fmt(a / b, digits) : 'n/a');

function report(results: Figures[], echo: Measured, command: string): string {
  const lines: string[] = [];
  const row = (cells: (string | number)[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(`## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, '');
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  lines.push(
    `Machine: ${machine()}; load average at the end ${load}. Command: \`${command}\`. ${CLIENTS} concurrent clients, ${SECONDS} s per load, ${DEALS.toLocaleString('en-US')} deals.`,
    'CPU columns are per request: the server process (utime + stime from /proc), and on PostgreSQL its backends for the bench database; plan / exec are pg_stat_statements totals per request (planning tracked).',
    '',
  );
  lines.push('| measure | database | requests/s | p50 ms | p95 ms | p99 ms | server CPU ms | DB CPU ms | plan / exec ms | statements | errors |', '|---|---|---|---|---|---|---|---|---|---|---|');
  const cells = (label: string, kind: string, f: Measured) =>
    row([
      label,
      kind,
      fmt(f.rps),
      fmt(f.p50),
      fmt(f.p95),
      fmt(f.p99),
      fmt(f.serverCpuMs, 2),
      f.db ? fmt(f.db.cpuMs, 2) : '—',
      f.db ? `${fmt(f.db.planMs, 2)} / ${fmt(f.db.execMs, 2)}` : '—',
      f.db ? fmt(f.db.statements, 1) : '—',
      f.errors,
    ]);
  cells(`echo bot (same stack, no database), ${CLIENTS} clients`, '—', echo);
  for (const r of results) {
    for (const [label, f] of [
      [`**floor**: click writes, node:http + raw SQL, ${CLIENTS} clients`, r.floor],
      ['**floor**: click writes, node:http + raw SQL, 1 client', r.floorOne],
      [`card action: complete stage, ${CLIENTS} clients`, r.card],
      ['card action: complete stage, 1 client', r.cardOne],
      [`card action: accept a referral, ${CLIENTS} clients`, r.accept],
      ['card action: accept a referral, 1 client', r.acceptOne],
      [`card action: decline a referral, ${CLIENTS} clients`, r.decline],
      ['card action: decline a referral, 1 client', r.declineOne],
      [`GET /api/deals with filters, ${CLIENTS} clients`, r.apiList],
      ['GET /api/deals with filters, 1 client', r.apiListOne],
      [`\`deals\` chat command with filters, ${CLIENTS} clients`, r.chatList],
      ['`deals` chat command with filters, 1 client', r.chatListOne],
    ] as const) {
      if (f) cells(label, r.kind, f);
    }
    if (r.intake) row(['intake → card at connector, one after another', r.kind, fmt(r.intake.rps), fmt(r.intake.p50), fmt(r.intake.p95), fmt(r.intake.p99), '—', '—', '—', '—', r.intake.errors]);
  }
  lines.push(
    '',
    '| database | card p99 / floor p99 (stage, accept, decline) | card req/s / floor req/s (stage, accept, decline) | card CPU / floor CPU (server) | 1-client card p50 (stage, accept, decline) | list p95 / echo p95 (16 clients) | expiry sweep | RSS after lists | start → /healthz |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const sweep = r.sweep
      ? `${r.sweep.expired.toLocaleString('en-US')} expired + ${r.sweep.notifications.toLocaleString('en-US')} notifications queued in ${fmt(r.sweep.seconds, 2)} s (${r.sweep.notDueUntouched ? 'not-due untouched' : 'NOT-DUE CHANGED'})`
      : 'n/a';
    row([
      r.kind,
      [r.card, r.accept, r.decline].map((f) => ratio(f?.p99, r.floor?.p99)).join(', '),
      [r.card, r.accept, r.decline].map((f) => ratio(f?.rps, r.floor?.rps)).join(', '),
      ratio(r.card?.serverCpuMs, r.floor?.serverCpuMs),
      [r.cardOne, r.acceptOne, r.declineOne].map((f) => (f ? `${fmt(f.p50)} ms` : 'n/a')).join(', '),
      `API ${ratio(r.apiList?.p95, echo.p95)}, chat ${ratio(r.chatList?.p95, echo.p95)}`,
      sweep,
      r.rssAfterLists ? `${fmt(r.rssAfterLists, 0)} MB` : 'n/a',
      r.startupMs ? `${fmt(r.startupMs, 0)} ms` : 'n/a',
    ]);
  }
  for (const r of results) {
    for (const [what, f] of [[`the ${CLIENTS}-client card load`, r.card], ['the 1-client GET /api/deals load', r.apiListOne]] as const) {
      const top = f?.db?.top;
      if (!f || !top?.length) continue;
      lines.push('', `Costliest statements of ${what} on ${r.kind} (pg_stat_statements, ms per request):`, '');
      lines.push('| plan | exec | calls per request | statement |', '|---|---|---|---|');
      const n = Math.max(1, f.requests + f.errors);
      for (const t of top) row([fmt(t.planMs / n, 3), fmt(t.execMs / n, 3), fmt(t.calls / n, 2), `\`${t.query.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 140)}\``]);
    }
  }
  lines.push('');
  return lines.join('\n');
}

async function main() {
  const command = QUICK ? 'BENCH_QUICK=1 npm run bench' : `npm run bench${process.env.BENCH_SECONDS ? ` (BENCH_SECONDS=${SECONDS})` : ''}`;
  const stub = await startConnectorStub();
  const targets: DbTarget[] = [await pgliteTarget()];
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pgUrl) targets.push(await postgresTarget(pgUrl));
  else console.log('No BENCH_DATABASE_URL / TEST_DATABASE_URL: PostgreSQL figures skipped.');
  const only = process.env.BENCH_ONLY; // pglite | postgres: one database only (development)

  console.log('echo baseline');
  const echoServer = await startEcho();
  const echo = await measured(echoServer.child.pid!, undefined, () => echoLoad(echoServer.port, CLIENTS, SECONDS));
  await echoServer.stop();

  const results: Figures[] = [];
  try {
    for (const target of targets) if (!only || only === target.kind) results.push(await measure(target, stub, pgUrl));
  } finally {
    for (const target of targets) await target.cleanup().catch(() => undefined);
    await stub.close();
  }
  const text = report(results, echo, command);
  const file = path.resolve(__dirname, '..', 'BENCHMARKS.md');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, '# Benchmarks\n\nFigures appended by `npm run bench` (bench/run.ts). Targets and notes below each run.\n\n');
  }
  if (process.env.BENCH_NO_WRITE !== '1') fs.appendFileSync(file, text + '\n');
  console.log(text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
