/**
 * `npm run bench:import`: the customer import (issue 15 item 8) at scale. Writes a CSV of BENCH_IMPORT_ROWS customers
 * (default 100,000; Japanese and Latin names, 1 in 10 without a DUNS number) and runs the real command
 * (`node --max-old-space-size=128 dist/scripts/importCustomers.js`, as `npm run import:customers` runs it) twice on a fresh database: every row
 * new, then the same file again (every row an update) — after a run with the header only, which shows what opening
 * the database costs before a row is read. Wall time and the command's peak RSS (VmHWM from /proc,
 * sampled while it runs) are appended to BENCHMARKS.md with the machine and the command. Targets: < 30 s and
 * < 250 MB RSS per run. PGlite always; PostgreSQL too when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchDatabase } from './scratchDatabase';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const TARGET_SECONDS = 30;
const TARGET_MB = 250;
const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'scripts', 'importCustomers.js');

const KANA = ['サクラ', 'ミドリ', 'アオバ', 'ヒカリ', 'ツバサ', 'ホシノ', 'ミナト', 'カエデ'];
const KIND = ['物流', '商事', '電機', '食品', '建設', '製薬', '不動産', 'システムズ'];
const CITIES = [
  ['千代田区', '東京都', 'JP'],
  ['大阪市北区', '大阪府', 'JP'],
  ['Seattle', 'WA', 'US'],
  ['Austin', 'TX', 'US'],
] as const;

/** Streams the CSV to disk (the generator holds one line at a time). */
async function writeCsv(file: string, rows: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('name,addressLine1,city,state,postalCode,country,duns\n');
  for (let i = 0; i < rows; i++) {
    const [city, state, country] = CITIES[i % CITIES.length]!;
    const name = country === 'JP' ? `${KANA[i % KANA.length]}${KIND[(i >> 3) % KIND.length]}株式会社 ${i}` : `"Contoso ${i}, Inc."`;
    const duns = i % 10 === 0 ? '' : String(100_000_000 + i);
    await write(`${name},"${(i % 97) + 1}-${(i % 13) + 1} Example Street",${city},${state},${100 + (i % 900)}-${String(i % 10000).padStart(4, '0')},${country},${duns}\n`);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

interface Run {
  seconds: number;
  peakMb: number;
  summary: string;
  code: number | null;
}

function peakOf(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function runImport(file: string, databaseUrl: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // The same flags as `npm run import:customers`: a bounded old space makes V8 collect the import's short-lived
    // garbage instead of growing the heap (the import streams; nothing it keeps grows with the file but the report).
    const child = spawn(process.execPath, ['--max-old-space-size=128', CLI, file], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakOf(child.pid!))), 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) console.error(stderr.slice(0, 2000));
      resolve({ seconds, peakMb: peak, summary: stdout.split('\n')[0] ?? '', code });
    });
  });
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench:import does)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-bench-import-'));
  const file = path.join(dir, 'customers.csv');
  const results: { db: string; run: string; r: Run }[] = [];
  // The machines are shared: the load average says how much of the wall time is other people's work.
  const loadBefore = os.loadavg()[0] ?? 0;
  try {
    console.log(`writing ${ROWS.toLocaleString('en-US')} rows…`);
    await writeCsv(file, ROWS);
    const empty = path.join(dir, 'header-only.csv');
    fs.writeFileSync(empty, 'name,addressLine1,city,state,postalCode,country,duns\n');
    const targets: { db: string; url: string; drop(): Promise<void> }[] = [{ db: 'pglite', url: path.join(dir, 'pglite'), drop: async () => undefined }];
    const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
    if (adminUrl) targets.push({ db: 'postgres', ...(await scratchDatabase(adminUrl, 'cosell_bench_import')) });
    for (const t of targets) {
      try {
        for (const run of ['header only (opening the database)', 'new rows', 'same file again (updates)']) {
          console.log(`[${t.db}] ${run}…`);
          const r = await runImport(run.startsWith('header') ? empty : file, t.url);
          console.log(`  ${r.seconds.toFixed(1)} s, peak RSS ${r.peakMb.toFixed(0)} MB — ${r.summary}`);
          if (r.code !== 0) throw new Error(`the import exited with ${r.code}`);
          results.push({ db: t.db, run, r });
        }
      } finally {
        await t.drop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const load = `load average ${loadBefore.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end`;
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${load}`;
  const command = `${process.env.BENCH_IMPORT_ROWS ? `BENCH_IMPORT_ROWS=${ROWS} ` : ''}npm run bench:import`;
  const lines = [
    '',
    `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — customer import`,
    '',
    `Machine: ${machine}. Command: \`${command}\`. ${ROWS.toLocaleString('en-US')} rows (1 in 10 without DUNS), the real \`import:customers\` command in its own process. Targets: < ${TARGET_SECONDS} s and < ${TARGET_MB} MB peak RSS per run.`,
    '',
    '| database | run | seconds | rows/s | peak RSS MB | within target | report |',
    '|---|---|---|---|---|---|---|',
    ...results.map(({ db, run, r }) =>
      `| ${db} | ${run} | ${r.seconds.toFixed(1)} | ${run.startsWith('header') ? '—' : Math.round(ROWS / r.seconds).toLocaleString('en-US')} | ${r.peakMb.toFixed(0)} | ${r.seconds < TARGET_SECONDS && r.peakMb < TARGET_MB ? 'yes' : '**no**'} | ${r.summary.replace(/^.*?: /, '')} |`,
    ),
  ];
  fs.appendFileSync(path.join(ROOT, 'BENCHMARKS.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
