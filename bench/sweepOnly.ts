/**
 * `npm run bench:sweep [-- pglite|postgres]` (issue 16): only the expiry sweep of `npm run bench`, on a fresh
 * database each run — BENCH_DEALS background deals (as `npm run bench` seeds, default 100,000), then
 * BENCH_SWEEP_DUE due referrals (default 100,000) and as many not due. Prints each run's time and batch times, then
 * the best and the median of BENCH_SWEEP_RUNS runs (default 3), with the load average before and after.
 *
 * PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL: a login that may create databases) also reports
 * pg_stat_statements of the sweep. BENCH_SWEEP_EXPLAIN=1 instead runs the sweep batch by batch as
 * EXPLAIN (ANALYZE, BUFFERS, WAL) and prints the plans of the first, the middle and the last batch.
 * BENCH_SWEEP_BATCH sets the batch size; BENCH_SWEEP_KEEP=1 keeps the last database and prints its url;
 * BENCH_SWEEP_QUIET_OUTBOX=1 leaves the outbox idle during the sweep (production wakes it after every batch).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Prisma } from '@prisma/client';
import { EXPIRY } from '../src/domain';
import { CARDS_ORDER_KEY_TEMPLATE, JOB } from '../src/services/followUps';
import { openDatabase } from '../src/store/database';
import { expireDueStatement } from '../src/store/expiry';
import { PostgresWatch, type DbSample } from './cpu';
import { fmt } from './load';
import { scratchDatabase } from './scratchDatabase';
import { seedDeals } from './seed';
import { expireSweepBench, seedSweepReferrals, type SweepResult } from './sweep';

const DUE = Number(process.env.BENCH_SWEEP_DUE ?? 100_000);
const DEALS = Number(process.env.BENCH_DEALS ?? 100_000);
const RUNS = Number(process.env.BENCH_SWEEP_RUNS ?? 3);
const BATCH = Number(process.env.BENCH_SWEEP_BATCH ?? 0) || undefined;
const EXPLAIN = process.env.BENCH_SWEEP_EXPLAIN === '1';
// Diagnostics: the outbox is not woken during the sweep, to see the sweep's own cost.
const QUIET_OUTBOX = process.env.BENCH_SWEEP_QUIET_OUTBOX === '1';
// Keeps the last run's database and prints where it is, to look at it afterwards.
const KEEP = process.env.BENCH_SWEEP_KEEP === '1';
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

interface Target {
  url: string;
  drop(): Promise<void>;
}

async function freshTarget(kind: 'pglite' | 'postgres'): Promise<Target> {
  if (kind === 'postgres') {
    if (!adminUrl) throw new Error('PostgreSQL needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
    return scratchDatabase(adminUrl, 'cosell_sweep');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-sweep-'));
  return { url: path.join(dir, 'pglite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

function batchSummary(ms: number[]): string {
  const show = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
  return ms.length <= 12 ? show(ms) : `${show(ms.slice(0, 5))} … ${show(ms.slice(-5))} (${ms.length} batches)`;
}

/** One timed sweep on a fresh database; on PostgreSQL with the statements it ran. */
async function timedRun(kind: 'pglite' | 'postgres'): Promise<SweepResult> {
  const target = await freshTarget(kind);
  try {
    if (DEALS) await seedDeals(target.url, DEALS, 0);
    const watch = kind === 'postgres' ? await PostgresWatch.open(adminUrl!, target.url) : undefined;
    try {
      let stop: Awaited<ReturnType<PostgresWatch['start']>> | undefined;
      let db: DbSample | undefined;
      let cpu0 = process.cpuUsage();
      let cpu = cpu0;
      const result = await expireSweepBench(target.url, DUE, {
        batchSize: BATCH,
        quietOutbox: QUIET_OUTBOX,
        beforeSweep: async () => {
          stop = await watch?.start();
          cpu0 = process.cpuUsage();
        },
        afterSweep: async () => {
          cpu = process.cpuUsage(cpu0);
          db = await stop?.();
        },
      });
      console.log(
        `[${kind}] ${result.expired} expired, ${result.notifications} notifications, ${result.notDueUntouched ? 'not-due untouched' : 'NOT-DUE CHANGED'}: ` +
          `${fmt(result.seconds, 2)} s (this process's CPU ${fmt((cpu.user + cpu.system) / 1e6, 2)} s${kind === 'pglite' ? ', PGlite included' : ''}); ` +
          `batches (ms): ${batchSummary(result.batchMs)}`,
      );
      if (db) {
        console.log(`  database CPU ${fmt(db.cpuMs / 1000, 2)} s, ${db.calls} statements, plan ${fmt(db.planMs, 1)} ms, exec ${fmt(db.execMs, 1)} ms`);
        for (const s of db.top.slice(0, 5)) console.log(`  ${fmt(s.execMs, 1)} ms × ${s.calls}: ${s.query.replace(/\s+/g, ' ').slice(0, 110)}`);
      }
      return result;
    } finally {
      await watch?.close();
    }
  } finally {
    if (KEEP) console.log(`  kept: ${target.url}`);
    else await target.drop();
  }
}

/** The sweep batch by batch as EXPLAIN (ANALYZE, BUFFERS, WAL); prints the first, the middle and the last batch's plan. */
async function explainRun(kind: 'pglite' | 'postgres'): Promise<void> {
  const target = await freshTarget(kind);
  try {
    if (DEALS) await seedDeals(target.url, DEALS, 0);
    const db = await openDatabase({ url: target.url });
    try {
      await seedSweepReferrals(db.prisma, DUE);
      const limit = BATCH ?? 2_000;
      const now = new Date();
      const batches = Math.ceil(DUE / limit);
      for (let i = 0; i < batches; i++) {
        const stmt = expireDueStatement(now, limit, { kind: JOB.refreshCards, orderKeyTemplate: CARDS_ORDER_KEY_TEMPLATE });
        const rows = await db.prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS, WAL) ${stmt}`);
        if (i === 0 || i === batches - 1 || i === Math.floor(batches / 2)) {
          console.log(`\n[${kind}] batch ${i + 1} of ${batches}:\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
        }
      }
      const left = await db.prisma.deal.count({ where: { status: EXPIRY.dueStatus, expiresAt: { lte: now } } });
      console.log(`[${kind}] due left after ${batches} batches: ${left}`);
    } finally {
      await db.close();
    }
  } finally {
    await target.drop();
  }
}

async function main(): Promise<void> {
  const kinds = (process.argv[2] ? [process.argv[2]] : adminUrl ? ['pglite', 'postgres'] : ['pglite']) as ('pglite' | 'postgres')[];
  for (const kind of kinds) {
    console.log(`[${kind}] ${DEALS} background deals, ${DUE} due + ${DUE} not due${BATCH ? `, batches of ${BATCH}` : ''}${QUIET_OUTBOX ? ', outbox idle' : ''}; load ${load()}`);
    if (EXPLAIN) {
      await explainRun(kind);
      continue;
    }
    const seconds: number[] = [];
    for (let r = 0; r < RUNS; r++) seconds.push((await timedRun(kind)).seconds);
    console.log(`[${kind}] best ${fmt(Math.min(...seconds), 2)} s, median ${fmt(median(seconds), 2)} s of ${RUNS}; load ${load()}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
