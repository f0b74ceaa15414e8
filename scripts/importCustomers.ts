import fs from 'node:fs';
import { loadConfig } from '../src/config';
import { importCustomers, type ImportReport } from '../src/store/customers';
import { openDatabase } from '../src/store/database';

/**
 * `npm run import:customers -- [--encoding <name>] file.csv`: loads a customer directory CSV (header: name,
 * addressLine1, city, state, postalCode, country, duns) into the database named by DATABASE_URL. The encoding is
 * detected (UTF-8 with or without BOM, Shift_JIS/CP932 as Excel in Japan saves it) unless given; when it cannot be
 * told the file is refused. Opens the database through openDatabase, so the embedded database's directory lock
 * applies: it refuses to run while the bot has the directory open. A progress bar is drawn when stdout is a
 * terminal. Exit code 0 when every row loaded, 2 when some rows were bad (the others are loaded), 1 on failure.
 */

const USAGE = 'usage: npm run import:customers -- <file.csv>   (option: --encoding utf-8 | shift_jis | windows-1252 | …; detected when absent)';

export function formatReport(file: string, report: ImportReport): { summary: string[]; problems: string[] } {
  const summary = [`${file}: ${report.created} added, ${report.updated} updated, ${report.bad.length} bad row(s)`];
  if (report.encoding) summary.push(`  read as ${report.encoding.encoding} (${report.encoding.how})`);
  if (report.flagged.length) {
    summary.push(`  ${report.flagged.length} cell(s) start with = + - @ (stored as typed; neutralise them before exporting to a spreadsheet):`);
    for (const f of report.flagged.slice(0, 50)) summary.push(`    line ${f.line}: ${f.field}`);
    if (report.flagged.length > 50) summary.push(`    … and ${report.flagged.length - 50} more`);
  }
  const problems: string[] = [];
  for (const bad of report.bad) {
    for (const e of bad.errors) problems.push(`  line ${bad.line}: ${e.field || '(row)'}: ${e.message.en}`);
  }
  return { summary, problems };
}

export function parseArgs(argv: string[]): { file: string; encoding?: string } | null {
  let encoding: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--encoding' || a === '-e') {
      encoding = argv[++i];
      if (!encoding) return null;
    } else if (a.startsWith('--encoding=')) encoding = a.slice('--encoding='.length);
    else if (a.startsWith('-') && a !== '-') return null;
    else files.push(a);
  }
  return files.length === 1 ? { file: files[0] as string, encoding } : null;
}

/** `[#########...........]  45%  45,000 rows` on one terminal line. */
function progressBar(total: number) {
  const width = 30;
  let last = -1;
  return {
    update(p: { bytes: number; rows: number }) {
      const share = total > 0 ? Math.min(1, p.bytes / total) : 1;
      const pct = Math.floor(share * 100);
      if (pct === last) return;
      last = pct;
      const done = Math.round(share * width);
      process.stdout.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${String(pct).padStart(3)}%  ${p.rows.toLocaleString('en-US')} rows`);
    },
    end() {
      if (last >= 0) process.stdout.write('\n');
    },
  };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args) {
    console.error(USAGE);
    return 1;
  }
  const { file, encoding } = args;
  if (!fs.existsSync(file)) {
    console.error(`${file}: no such file`);
    return 1;
  }
  const config = loadConfig();
  const db = await openDatabase({ url: config.DATABASE_URL });
  const bar = process.stdout.isTTY ? progressBar(fs.statSync(file).size) : null;
  try {
    const report = await importCustomers(db.prisma, fs.createReadStream(file), { encoding, onProgress: bar ? (p) => bar.update(p) : undefined });
    bar?.end();
    const { summary, problems } = formatReport(file, report);
    for (const line of summary) console.log(line);
    for (const p of problems) console.error(p);
    return report.bad.length > 0 ? 2 : 0;
  } catch (err) {
    bar?.end();
    throw err;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const code = (err as { code?: unknown } | null)?.code;
      const known = code === 'DATA_DIR_LOCKED' || code === 'CONFIG_INVALID' || code === 'IMPORT_REFUSED';
      console.error(known ? (err as Error).message : err);
      process.exit(1);
    },
  );
}
