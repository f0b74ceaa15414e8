/**
 * Where a request's CPU goes (issue 16): seeds a database, runs the compiled server under `node --cpu-prof`, runs
 * one of the bench's loads for BENCH_SECONDS with BENCH_CLIENTS clients, and prints the profile grouped by who
 * spends it (Prisma's WebAssembly query compiler, Prisma's runtime, pg, botbuilder, restify, the project's own code,
 * Node core, GC), in ms per request, with the costliest functions.
 *
 * BENCH_PROFILE_LOAD: `click` (stage completion, the default), `accept`, `decline`, `api-list` (GET /api/deals),
 * `chat-list` (the `deals` command).
 *
 *   npm run bench:profile                                                  # PGlite
 *   BENCH_DATABASE_URL=postgres://… BENCH_PROFILE_LOAD=api-list npm run bench:profile
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { referralAnswerLoad, stageCompletionLoad } from './cardAction';
import { API_TOKEN, apiListLoad, chatListLoad, say } from './lists';
import { fmt, type LoadResult } from './load';
import { startConnectorStub } from '../tests/helpers/connectorStub';
import { startProcess } from './processes';
import { scratchDatabase } from './scratchDatabase';
import { seedDeals } from './seed';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const DEALS = Number(process.env.BENCH_DEALS ?? 20_000);
const LOADS = ['click', 'accept', 'decline', 'api-list', 'chat-list'] as const;
type LoadName = (typeof LOADS)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function group(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'program (native, unattributed)';
  if (url === 'query_compiler' || url.includes('query_compiler')) return 'Prisma query compiler (WebAssembly + its glue)';
  if (url.includes('@prisma/client') || url.includes('.prisma/client') || url.includes('@prisma/adapter') || url.includes('driver-adapter')) return 'Prisma client runtime + adapter';
  if (url.includes('@electric-sql/pglite')) return 'PGlite';
  if (url.includes('/node_modules/pg') || url.includes('pg-protocol') || url.includes('pg-types')) return 'pg driver';
  if (url.includes('botbuilder') || url.includes('botframework')) return 'botbuilder';
  if (url.includes('restify') || url.includes('find-my-way')) return 'restify';
  if (url.includes('adaptivecards-templating') || url.includes('adaptive-expressions')) return 'adaptivecards-templating';
  if (url.includes('pino')) return 'pino';
  if (url.includes('zod')) return 'zod';
  if (url.includes('/node_modules/')) return `other packages (${/node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(url)?.[1] ?? '?'})`;
  if (url.includes('/dist/')) return 'project code (src, bot, cards)';
  if (url.startsWith('node:') || url === '' || !url.includes('/')) return 'Node core';
  return 'other';
}

/** Self time by owner over the samples of the last `windowMs` before `tailMs` from the profile's end. */
export function summarizeProfile(file: string, clicks: number, windowMs: number, tailMs: number, unit = 'click'): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // WebAssembly frames belong to whoever called into them (Prisma's query compiler or PGlite's PostgreSQL).
  const ownerUrl = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (url && !url.startsWith('wasm://')) return url.includes('@electric-sql/pglite') ? url : url.includes('query_compiler') || url.includes('@prisma/client') ? 'query_compiler' : url;
    }
    return '';
  };
  const self = new Map<number, number>();
  const to = profile.endTime - tailMs * 1000;
  const from = to - windowMs * 1000;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) continue;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const groups = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const g = group(n.callFrame.url.startsWith('wasm://') ? ownerUrl(id) : n.callFrame.url, n.callFrame.functionName);
    groups.set(g, (groups.get(g) ?? 0) + ms);
    if (g === 'idle') continue;
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  const busy = [...groups].filter(([g]) => g !== 'idle').reduce((s, [, ms]) => s + ms, 0);
  const lines = [`${Math.round(clicks)} requests; busy CPU ${fmt(busy / clicks, 2)} ms per ${unit} (self time by owner):`, '', `| owner | ms per ${unit} | share |`, '|---|---|---|'];
  for (const [g, ms] of [...groups].filter(([g]) => g !== 'idle').sort((a, b) => b[1] - a[1])) {
    lines.push(`| ${g} | ${fmt(ms / clicks, 2)} | ${fmt((100 * ms) / busy, 0)} % |`);
  }
  lines.push('', `Costliest functions (self time, ms per ${unit}):`, '');
  for (const [f, ms] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 25)) lines.push(`- ${fmt(ms / clicks, 3)} ${f}`);
  return lines.join('\n');
}

async function main() {
  const load = (process.env.BENCH_PROFILE_LOAD ?? 'click') as LoadName;
  if (!LOADS.includes(load)) throw new Error(`BENCH_PROFILE_LOAD: one of ${LOADS.join(', ')}`);
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-profile-'));
  const db = pgUrl ? await scratchDatabase(pgUrl, 'cosell_profile') : { url: path.join(tmp, 'pglite'), drop: async () => undefined };
  const stub = await startConnectorStub();
  try {
    console.log(`seeding ${DEALS} deals on ${pgUrl ? 'PostgreSQL' : 'PGlite'}…`);
    const seeded = await seedDeals(db.url, DEALS, Math.floor(DEALS / 2), load === 'accept' || load === 'decline' ? 8_000 : 0);
    const profDir = path.join(tmp, 'prof');
    const bot = await startProcess(['--cpu-prof', `--cpu-prof-dir=${profDir}`, 'dist/src/main.js'], {
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SWEEP_INTERVAL_SECONDS: '86400',
      API_CLIENTS: `bench:admin:global:${createHash('sha256').update(API_TOKEN).digest('hex')}`,
    });
    const base = `http://127.0.0.1:${bot.port}`;
    await say(base, 'help', stub.url, 0);
    // Warm up (first requests compile Prisma's queries and JIT the hot paths), then the measured load, each on its
    // own half of the deals.
    const run = (half: 0 | 1, seconds: number): Promise<LoadResult> => {
      const halfOf = (ids: string[]) => (half === 0 ? ids.slice(0, ids.length / 2) : ids.slice(ids.length / 2));
      switch (load) {
        case 'click':
          return stageCompletionLoad(bot.port, halfOf(seeded.workDealIds), CLIENTS, seconds);
        case 'accept':
        case 'decline':
          return referralAnswerLoad(bot.port, halfOf(seeded.referralIds), load, CLIENTS, seconds);
        case 'api-list':
          return apiListLoad(base, CLIENTS, seconds);
        case 'chat-list':
          return chatListLoad(base, stub.url, CLIENTS, seconds);
      }
    };
    await run(0, 3);
    const result = await run(1, SECONDS);
    const stopping = performance.now();
    await bot.stop();
    const tailMs = performance.now() - stopping;
    const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    console.log(`${load}: ${fmt(result.rps)} requests/s, p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, ${result.errors} errors`);
    if (file) {
      const kept = path.resolve(process.env.BENCH_PROFILE_OUT ?? path.join(os.tmpdir(), `cosell-${load}-${Date.now()}.cpuprofile`));
      fs.copyFileSync(path.join(profDir, file), kept);
      console.log(`profile: ${kept} (start-up and warm-up included; the summary counts the measured load only)`);
      // The middle of the load only (its edges blur with the warm-up and the shutdown); requests in it pro rata.
      const windowMs = result.seconds * 1000 - 2_000;
      console.log(summarizeProfile(kept, ((result.requests + result.errors) * windowMs) / (result.seconds * 1000), windowMs, tailMs + 1_000, load === 'click' ? 'click' : 'request'));
    }
  } finally {
    await stub.close();
    await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
