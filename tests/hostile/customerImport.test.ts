import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ImportRefused, importCustomers } from '../../src/store/customers';
import { readCsv } from '../../src/store/customerImport/csv';
import { detectEncoding } from '../../src/store/customerImport/encoding';
import { encodeShiftJis } from '../helpers/shiftJis';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';

/**
 * Issue 15, item 8: the customer import. A bad row (NUL, broken or unclosed quote, bytes not valid in the file's
 * encoding) is reported with its line and reason and the rest loads; the encoding is detected or given and the file
 * is refused rather than read as mojibake; formula-like cells are stored but flagged; rows are written set-wise.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.close());

const HEADER = 'name,addressLine1,city,state,postalCode,country,duns\n';
/** Bytes in chunks of `size`, as a file stream delivers them (boundaries fall anywhere, also inside a character). */
const bytes = (buf: Buffer, size = 7) => Readable.from(Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size)));
const customer = (duns: string) => db.prisma.customer.findUnique({ where: { duns } });
const lines = (report: { bad: { line: number; errors: { field: string; code: string }[] }[] }) =>
  report.bad.map((b) => [b.line, b.errors.map((e) => `${e.field || '(row)'}: ${e.code}`).join(', ')]);

test('a NUL in a row: that row is reported with its line; the rows before and after are imported', async () => {
  const report = await importCustomers(
    db.prisma,
    bytes(Buffer.from(HEADER + 'Before KK,1 Road,Tokyo,,,JP,710000001\nNul\u0000 KK,2 Road,Tokyo,,,JP,710000002\nAfter KK,3 Road,Tokyo,,,JP,710000003\n')),
  );
  expect(lines(report)).toEqual([[3, 'name: badCharacters']]);
  expect(report.bad[0]!.errors[0]!.message.ja).toContain('制御文字');
  expect(report.created).toBe(2);
  expect(await customer('710000002')).toBeNull();
  expect(await customer('710000003')).toMatchObject({ name: 'After KK' });
});

test('a quote closed mid-field and a quote never closed: those rows are bad, the rest of the file still loads', async () => {
  const report = await importCustomers(
    db.prisma,
    Readable.from([
      HEADER +
        '"Broken" KK,1 Road,Tokyo,,,JP,720000001\n' + // line 2: quote closed in the middle of a field
        'Fine One KK,2 Road,Tokyo,,,JP,720000002\n' + // line 3
        '"Unclosed KK,3 Road,Tokyo,,,JP,720000003\n' + // line 4: never closed
        'Fine Two KK,4 Road,Tokyo,,,JP,720000004\n' + // line 5: read again on its own
        '"Multi\nline KK","5 Road",Tokyo,,,JP,720000005\n' + // lines 6–7: a quoted line break is allowed
        'Fine Three KK,6 Road,Tokyo,,,JP,720000006\r\n', // line 8, CRLF
    ]),
  );
  expect(lines(report)).toEqual([
    [2, '(row): brokenQuote'],
    [4, '(row): unclosedQuote'],
  ]);
  expect(report.created).toBe(4);
  expect(await customer('720000005')).toMatchObject({ name: 'Multi\nline KK' });
  expect(await customer('720000004')).toMatchObject({ name: 'Fine Two KK' });
  expect(await customer('720000006')).toMatchObject({ name: 'Fine Three KK' });
});

test('CRLF split across chunks keeps line numbers right', async () => {
  const text = 'a,b\r\nc,d\r\n\r\ne,"f\r\ng"\r\n';
  const chunks = Readable.from(text.split(''));
  const out = [];
  for await (const r of readCsv(chunks)) out.push(r);
  expect(out).toEqual([
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['c', 'd'] },
    { line: 4, fields: ['e', 'f\ng'] },
  ]);
});

describe('encodings', () => {
  const SAKURA = 'サクラ物流株式会社,丸の内1-1-1,千代田区,東京都,100-0001,JP,730000001\nｶﾌﾞｼｷｶﾞｲｼｬ ﾃｽﾄ,大阪市北区梅田1-1,大阪市,大阪府,530-0001,JP,730000002\n';

  test('Shift_JIS (CP932, as Excel in Japan saves CSV) is detected and stored as the same text', async () => {
    const report = await importCustomers(db.prisma, bytes(encodeShiftJis(HEADER + SAKURA), 5));
    expect(report).toMatchObject({ created: 2, bad: [], encoding: { encoding: 'shift_jis' } });
    expect(await customer('730000001')).toMatchObject({ name: 'サクラ物流株式会社', city: '千代田区', state: '東京都' });
    expect(await customer('730000002')).toMatchObject({ name: 'ｶﾌﾞｼｷｶﾞｲｼｬ ﾃｽﾄ' });
  });

  test('UTF-8 with and without BOM', async () => {
    const bom = await importCustomers(db.prisma, bytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEADER + 'ボム付き株式会社,1 Road,Tokyo,,,JP,731000001\n')])));
    expect(bom).toMatchObject({ created: 1, bad: [], encoding: { encoding: 'utf-8', how: 'bom' } });
    const plain = await importCustomers(db.prisma, bytes(Buffer.from(HEADER + 'ボムなし株式会社,1 Road,Tokyo,,,JP,731000002\n')));
    expect(plain).toMatchObject({ created: 1, bad: [], encoding: { encoding: 'utf-8', how: 'valid utf-8' } });
    expect(await customer('731000002')).toMatchObject({ name: 'ボムなし株式会社' });
  });

  const LATIN1 = Buffer.from(HEADER + 'Müller GmbH,Straße 1,München,,,DE,732000001\nSociété Générale,Rue 1,Paris,,,FR,732000002\n', 'latin1');

  test('Latin-1 is neither: the file is refused, nothing is imported, and the message says what to do', async () => {
    const before = await db.prisma.customer.count();
    await expect(importCustomers(db.prisma, bytes(LATIN1))).rejects.toThrow(ImportRefused);
    await expect(importCustomers(db.prisma, bytes(LATIN1))).rejects.toThrow(/line 2.*--encoding/);
    expect(await db.prisma.customer.count()).toBe(before);
    expect(detectEncoding(LATIN1, true)).toBeNull();
  });

  test('…and imported as typed when the encoding is given', async () => {
    const report = await importCustomers(db.prisma, bytes(LATIN1), { encoding: 'latin1' });
    expect(report).toMatchObject({ created: 2, bad: [], encoding: { encoding: 'windows-1252', how: 'given' } });
    expect(await customer('732000001')).toMatchObject({ name: 'Müller GmbH', addressLine1: 'Straße 1', city: 'München' });
  });

  test('bytes that are not UTF-8 in a UTF-8 file: that row is bad (never U+FFFD stored), the rest loads', async () => {
    const filler = Array.from({ length: 40 }, (_, i) => `Filler ${i} 株式会社,1 Road,Tokyo,,,JP,7330${String(i).padStart(5, '0')}\n`).join('');
    const file = Buffer.concat([
      Buffer.from(HEADER + filler),
      Buffer.from('Bad '),
      encodeShiftJis('サクラ'),
      Buffer.from(' KK,1 Road,Tokyo,,,JP,733100001\nLast KK,1 Road,Tokyo,,,JP,733100002\n'),
    ]);
    const report = await importCustomers(db.prisma, bytes(file, 64));
    expect(lines(report)).toEqual([[42, 'name: badEncoding']]);
    expect(report.bad[0]!.errors[0]!.message.en).toContain('UTF-8');
    expect(report.created).toBe(41);
    expect(await customer('733100001')).toBeNull();
  });
});

test('cells starting with = + - @ are stored as typed and flagged with their line and column', async () => {
  const report = await importCustomers(
    db.prisma,
    Readable.from([HEADER + '=HYPERLINK("http://evil.example"),1 Road,Tokyo,,,JP,740000001\nPlain KK,@SUM(A1),Tokyo,,,JP,740000002\nOk KK,1 Road,Tokyo,,,JP,740000003\n']),
  );
  expect(report.bad).toEqual([]);
  expect(report.flagged).toEqual([
    { line: 2, field: 'name' },
    { line: 3, field: 'addressLine1' },
  ]);
  expect(await customer('740000001')).toMatchObject({ name: '=HYPERLINK("http://evil.example")' });
});

test('set-wise upserts: 3,000 rows, then the same file again (updates), rows without DUNS matched on name and place', async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => `Bulk ${i} KK,${i} Road,Tokyo,,,JP,${i % 10 === 0 ? '' : String(750000000 + i)}\n`).join('');
  const first = await importCustomers(db.prisma, Readable.from([HEADER + rows]));
  expect(first).toMatchObject({ created: 3000, updated: 0, bad: [] });
  const again = await importCustomers(db.prisma, Readable.from([HEADER + rows.replace(/ Road/g, ' Avenue')]));
  expect(again).toMatchObject({ created: 0, updated: 3000, bad: [] });
  expect(await db.prisma.customer.count({ where: { name: { startsWith: 'Bulk ' } } })).toBe(3000);
  expect(await db.prisma.customer.findFirst({ where: { name: 'Bulk 10 KK' } })).toMatchObject({ duns: null, addressLine1: '10 Avenue', searchName: 'bulk 10 kk' });
});

test('a header without the name or country column is refused before anything is written', async () => {
  await expect(importCustomers(db.prisma, Readable.from(['company,city\nAcme,Tokyo\n']))).rejects.toThrow(/no name, country column/);
});

describe('npm run import:customers', () => {
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['-r', './tests/helpers/registerTs.js', 'scripts/importCustomers.ts', ...args], { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, LOG_LEVEL: 'silent', ...env } }, (err, stdout, stderr) =>
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr }),
      );
    });

  test('refuses an undetectable encoding (exit 1), takes --encoding, reports flagged cells; no progress bar off a terminal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-import-'));
    const file = path.join(dir, 'latin1.csv');
    fs.writeFileSync(file, Buffer.from(HEADER + 'Müller GmbH,=1+1,München,,,DE,760000001\n', 'latin1'));
    const dataDir = path.join(dir, 'pglite');
    try {
      const refused = await run([file], { DATABASE_URL: dataDir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/Cannot tell the file's encoding.*--encoding/);
      expect(refused.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace

      const given = await run(['--encoding', 'windows-1252', file], { DATABASE_URL: dataDir });
      expect(given.code).toBe(0);
      expect(given.stdout).toContain('1 added, 0 updated, 0 bad row(s)');
      expect(given.stdout).toContain('read as windows-1252 (given)');
      expect(given.stdout).toContain('line 2: addressLine1');
      expect(given.stdout).not.toContain('\r[');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
