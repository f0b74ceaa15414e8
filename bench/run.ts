/**
 * The benchmark suite (`npm run bench`): every measure on PGlite and, when a PostgreSQL server is reachable
 * (BENCH_DATABASE_URL, else TEST_DATABASE_URL — an admin login that may create databases), on PostgreSQL too, in
 * one run on one machine. Results are appended to BENCHMARKS.md with the date, the machine and the command.
 *
 * Each server runs in a process of its own (the compiled app, as `npm start` runs it) so that the load generator
 * does not share its event loop. Quick run for development: BENCH_SECONDS=3 BENCH_DEALS=20000 npm run bench.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startConnectorStub, type ConnectorStub } from '../tests/helpers/connectorStub';
import { echoLoad, stageCompletionLoad } from './cardAction';
import { fmt, runLoad, summarize, type LoadResult } from './load';
import { startBot, startEcho } from './processes';
import { BENCH_ADMIN, seedDeals } from './seed';
import { scratchDatabase } from './scratchDatabase';
import { expireSweepBench, type SweepResult } from './sweep';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const DEALS = Number(process.env.BENCH_DEALS ?? 100_000);
const SWEEP_DUE = Number(process.env.BENCH_SWEEP_DUE ?? 100_000);
const INTAKE_SAMPLES = Number(process.env.BENCH_INTAKE ?? 200);
const WORK_DEALS = 20_000;
const API_TOKEN = 'bench-api-token-0123456789abcdef';
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

interface Figures {
  kind: string;
  echo?: LoadResult;
  card?: LoadResult;
  apiList?: LoadResult;
  apiListOne?: LoadResult;
  chatList?: LoadResult;
  chatListOne?: LoadResult;
  intake?: LoadResult;
  rssAfterLists?: number;
  sweep?: SweepResult;
}

const headers = { 'content-type': 'application/json' };

function chatMessage(text: string, serviceUrl: string, n: number) {
  return {
    type: 'message',
    id: `bench-msg-${n}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${BENCH_ADMIN.aadObjectId}`, name: BENCH_ADMIN.name, aadObjectId: BENCH_ADMIN.aadObjectId },
    recipient: { id: '28:bench-bot', name: 'Co-sell' },
    conversation: { id: 'a:bench-personal', conversationType: 'personal', tenantId: 'bench-tenant' },
    channelData: { tenant: { id: 'bench-tenant' } },
    locale: 'en-US',
    text,
  };
}

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

async function measure(target: DbTarget, stub: ConnectorStub): Promise<Figures> {
  const figures: Figures = { kind: target.kind };
  console.log(`[${target.kind}] seeding ${DEALS} deals…`);
  const seeded = await seedDeals(target.url, DEALS, WORK_DEALS);

  const apiClient = `bench:admin:global:${createHash('sha256').update(API_TOKEN).digest('hex')}`;
  const bot = await startBot(target.url, { API_CLIENTS: apiClient, REFERRALS_API_TOKEN: REFERRALS_TOKEN, SWEEP_INTERVAL_SECONDS: '86400' });
  const base = `http://127.0.0.1:${bot.port}`;
  try {
    // Link the bench location to a personal conversation, so new referrals post their card to the stub.
    await fetch(`${base}/api/messages`, { method: 'POST', headers, body: JSON.stringify(chatMessage('help', stub.url, 0)) });

    console.log(`[${target.kind}] lists`);
    const filters = ['status=Active&$top=20', 'direction=Incoming&status=New&$top=20', 'type=solutionAssessment&stage=accepted&$top=20', 'location=bench-osaka&$top=50', 'q=Bench%20deal%2099&$top=20'];
    const apiList = async (_c: number, i: number) => {
      const res = await fetch(`${base}/api/deals?${filters[i % filters.length]}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      await res.arrayBuffer();
      return res.status === 200;
    };
    figures.apiList = await runLoad(CLIENTS, SECONDS / 2, apiList);
    const commands = ['deals', 'deals inbound', 'deals type:sa stage:accepted', 'deals location:bench-osaka', 'deals status:active'];
    const chat = async (_c: number, i: number) => {
      const res = await fetch(`${base}/api/messages`, { method: 'POST', headers, body: JSON.stringify(chatMessage(commands[i % commands.length]!, stub.url, i)) });
      await res.arrayBuffer();
      return res.status === 200 || res.status === 201;
    };
    figures.chatList = await runLoad(CLIENTS, SECONDS / 2, chat);
    // One client at a time: the latency of a list itself, without queueing behind 15 others.
    figures.apiListOne = await runLoad(1, SECONDS / 4, apiList);
    figures.chatListOne = await runLoad(1, SECONDS / 4, chat);
    figures.rssAfterLists = bot.rssMb();

    console.log(`[${target.kind}] card action`);
    figures.card = await stageCompletionLoad(bot.port, seeded.workDealIds, CLIENTS, SECONDS);

    console.log(`[${target.kind}] intake → card`);
    // A connector of its own, so waiting for each card does not scan the thousands of list replies recorded above.
    const cards = await startConnectorStub();
    await fetch(`${base}/api/messages`, { method: 'POST', headers, body: JSON.stringify(chatMessage('help', cards.url, 1)) });
    const latencies: number[] = [];
    let errors = 0;
    for (let n = 0; n < INTAKE_SAMPLES; n++) {
      const body = referralBody(n);
      const t0 = performance.now();
      const res = await fetch(`${base}/api/referrals`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${REFERRALS_TOKEN}` }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      try {
        await cards.waitFor((c) => JSON.stringify(c.activity).includes(`"${body.name}"`), 10_000);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
    figures.intake = summarize(latencies, errors, latencies.reduce((a, b) => a + b, 0) / 1000);
    await cards.close();
  } finally {
    await bot.stop();
  }

  console.log(`[${target.kind}] expiry sweep`);
  figures.sweep = await expireSweepBench(target.url, SWEEP_DUE);
  return figures;
}

function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

function report(results: Figures[], echo: LoadResult, command: string): string {
  const lines: string[] = [];
  const row = (cells: (string | number)[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(`## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, '');
  lines.push(`Machine: ${machine()}. Command: \`${command}\`. ${CLIENTS} concurrent clients, ${SECONDS} s per load, ${DEALS.toLocaleString('en-US')} deals.`, '');
  lines.push('| measure | database | requests/s | p50 ms | p95 ms | p99 ms | errors |', '|---|---|---|---|---|---|---|');
  row([`echo bot (same stack, no database), ${CLIENTS} clients`, '—', fmt(echo.rps), fmt(echo.p50), fmt(echo.p95), fmt(echo.p99), echo.errors]);
  for (const r of results) {
    for (const [label, f] of [
      [`card action: complete stage, ${CLIENTS} clients`, r.card],
      [`GET /api/deals with filters, ${CLIENTS} clients`, r.apiList],
      ['GET /api/deals with filters, 1 client', r.apiListOne],
      [`\`deals\` chat command with filters, ${CLIENTS} clients`, r.chatList],
      ['`deals` chat command with filters, 1 client', r.chatListOne],
      ['intake → card at connector', r.intake],
    ] as const) {
      if (f) row([label, r.kind, fmt(f.rps), fmt(f.p50), fmt(f.p95), fmt(f.p99), f.errors]);
    }
  }
  lines.push('', '| database | card p99 / echo p99 | expiry sweep | RSS after lists |', '|---|---|---|---|');
  for (const r of results) {
    const ratio = r.card ? r.card.p99 / echo.p99 : NaN;
    const sweep = r.sweep ? `${r.sweep.expired.toLocaleString('en-US')} expired + ${r.sweep.notifications.toLocaleString('en-US')} notifications queued in ${fmt(r.sweep.seconds, 2)} s (${r.sweep.notDueUntouched ? 'not-due untouched' : 'NOT-DUE CHANGED'})` : 'n/a';
    row([r.kind, fmt(ratio, 2), sweep, r.rssAfterLists ? `${fmt(r.rssAfterLists, 0)} MB` : 'n/a']);
  }
  lines.push('');
  return lines.join('\n');
}

async function main() {
  const command = `npm run bench${process.env.BENCH_SECONDS ? ` (BENCH_SECONDS=${SECONDS})` : ''}`;
  const stub = await startConnectorStub();
  const targets: DbTarget[] = [await pgliteTarget()];
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pgUrl) targets.push(await postgresTarget(pgUrl));
  else console.log('No BENCH_DATABASE_URL / TEST_DATABASE_URL: PostgreSQL figures skipped.');

  console.log('echo baseline');
  const echoServer = await startEcho();
  const echo = await echoLoad(echoServer.port, CLIENTS, SECONDS);
  await echoServer.stop();

  const results: Figures[] = [];
  try {
    for (const target of targets) results.push(await measure(target, stub));
  } finally {
    for (const target of targets) await target.cleanup().catch(() => undefined);
    await stub.close();
  }
  const text = report(results, echo, command);
  const file = path.resolve(__dirname, '..', 'BENCHMARKS.md');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, '# Benchmarks\n\nFigures appended by `npm run bench` (bench/run.ts). Targets and notes below each run.\n\n');
  }
  fs.appendFileSync(file, text + '\n');
  console.log(text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
