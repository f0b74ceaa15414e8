import fs from 'node:fs';
import { loadConfig } from '../src/config';
import { importCustomers, type ImportReport } from '../src/store/customers';
import { openDatabase } from '../src/store/database';

/**
 * `npm run import:customers -- file.csv`: loads a customer directory CSV (header: name, addressLine1, city, state,
 * postalCode, country, duns) into the database named by DATABASE_URL. Opens it through openDatabase, so the
 * embedded database's directory lock applies: it refuses to run while the bot has the directory open.
 * Exit code 0 when every row loaded, 2 when some rows were bad (the others are loaded), 1 on failure.
 */

export function formatReport(file: string, report: ImportReport): string[] {
  const lines = [`${file}: ${report.created} added, ${report.updated} updated, ${report.bad.length} bad row(s)`];
  for (const bad of report.bad) {
    for (const e of bad.errors) lines.push(`  line ${bad.line}: ${e.field || '(row)'}: ${e.message.en}`);
  }
  return lines;
}

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file || argv.length > 1) {
    console.error('usage: npm run import:customers -- <file.csv>');
    return 1;
  }
  if (!fs.existsSync(file)) {
    console.error(`${file}: no such file`);
    return 1;
  }
  const config = loadConfig();
  const db = await openDatabase({ url: config.DATABASE_URL });
  try {
    const report = await importCustomers(db.prisma, fs.createReadStream(file));
    const [summary, ...problems] = formatReport(file, report);
    console.log(summary);
    for (const p of problems) console.error(p);
    return report.bad.length > 0 ? 2 : 0;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const code = (err as { code?: unknown } | null)?.code;
      console.error(code === 'DATA_DIR_LOCKED' || code === 'CONFIG_INVALID' ? (err as Error).message : err);
      process.exit(1);
    },
  );
}
