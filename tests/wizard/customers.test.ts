import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { silentLogger } from '../../src/log';
import { CustomerDirectory, importCustomers, loadDemoCustomersIfEmpty } from '../../src/store/customers';
import { openDatabase } from '../../src/store/database';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { startTestApp } from '../helpers/testApp';
import { ALICE, cardText } from '../helpers/teams';
import { WizardDriver } from './wizardDriver';
import { countryChoices } from '../../bot/dialogs/stepHelpers';
import { withRole } from './wizardSetup';

/** R6: the customer directory — search that ignores case, width and kana, ranked; CSV import; the demo directory. */

let db: TestDatabase;
let directory: CustomerDirectory;

const csv = (text: string) => Readable.from([text]);
const HEADER = 'name,addressLine1,city,state,postalCode,country,duns\n';

beforeAll(async () => {
  db = await createTestDatabase();
  directory = new CustomerDirectory(db.prisma);
  const report = await loadDemoCustomersIfEmpty(db.prisma, silentLogger());
  expect(report?.bad).toEqual([]);
  await importCustomers(
    db.prisma,
    csv(
      HEADER +
        'サクラ物流株式会社,"1-1-1 Marunouchi, Chiyoda-ku",Tokyo,Tokyo,100-0001,JP,700000001\n' +
        'Zeta,1 Main St,Tokyo,,,JP,700000002\n' +
        'Alpha Zeta,2 Main St,Tokyo,,,JP,700000003\n' +
        'Zeta Works,3 Main St,Tokyo,,,JP,700000004\n' +
        '100% Natural KK,4 Main St,Tokyo,,,JP,700000005\n' +
        '100X Natural KK,5 Main St,Tokyo,,,JP,700000006\n' +
        'ＡＢＣ＿ＤＥＦ Trading,6 Main St,Osaka,,,JP,700000007\n' +
        'ABCXDEF Trading,7 Main St,Osaka,,,JP,700000008\n',
    ),
  );
});
afterAll(() => db?.close());

const names = async (q: { country: string; city?: string; query: string }) => (await directory.search(q)).map((c) => c.name);

test('the demo directory loads at least 200 fictional companies in JP and US, once', async () => {
  expect(await db.prisma.customer.count({ where: { country: 'JP', duns: { startsWith: '69' } } })).toBeGreaterThanOrEqual(100);
  expect(await db.prisma.customer.count({ where: { country: 'US' } })).toBeGreaterThanOrEqual(100);
  expect(await loadDemoCustomersIfEmpty(db.prisma, silentLogger())).toBeNull();
});

test.each([
  ['katakana as stored', 'サクラ物流'],
  ['hiragana', 'さくら物流'],
  ['half-width katakana', 'ｻｸﾗ物流'],
  ['a part of the name', 'サクラ物'],
  ['with spaces', ' サクラ　物流 '],
])('Japanese name, %s, finds the same company', async (_what, query) => {
  expect(await names({ country: 'JP', city: 'Tokyo', query })).toContain('サクラ物流株式会社');
});

test('Latin names ignore case and full-width letters; several words must all match', async () => {
  expect(await names({ country: 'JP', query: 'ＦＡＢＲＩＫＡＭ' })).toEqual(['Fabrikam Japan KK']);
  expect(await names({ country: 'jp', query: 'japan fabrikam' })).toEqual(['Fabrikam Japan KK']);
  expect(await names({ country: 'JP', query: 'fabrikam zzz' })).toEqual([]);
});

test('ranked by match quality: exact, then starts with, then a word, then contains', async () => {
  expect(await names({ country: 'JP', query: 'zeta' })).toEqual(['Zeta', 'Zeta Works', 'Alpha Zeta']);
});

test('at most 10 suggestions, only in the country and city asked for', async () => {
  const many = await directory.search({ country: 'US', query: 'inc' });
  expect(many).toHaveLength(10);
  expect(many.every((c) => c.country === 'US')).toBe(true);
  expect(await names({ country: 'US', query: 'fabrikam japan' })).toEqual([]);
  const osaka = await directory.search({ country: 'JP', city: 'osaka', query: '株式会社' });
  expect(osaka.length).toBeGreaterThan(0);
  expect(osaka.every((c) => c.city === 'Osaka')).toBe(true);
});

test('a city typed in kanji finds rows written in romaji, and the other way round', async () => {
  // The demo directory writes its cities in romaji ("Yokohama"); people type 横浜 or 横浜市.
  const inYokohama = await names({ country: 'JP', city: 'yokohama', query: 'ハヤテ' });
  expect(inYokohama).toContain('ハヤテ建設株式会社');
  expect(inYokohama).not.toContain('株式会社ハヤテ建設'); // the one in Fukuoka
  for (const city of ['横浜', '横浜市', 'Yokohama-shi', 'ＹＯＫＯＨＡＭＡ']) expect(await names({ country: 'JP', city, query: 'ハヤテ' })).toEqual(inYokohama);
  expect(await names({ country: 'JP', city: '福岡', query: 'ハヤテ建設' })).toEqual(['株式会社ハヤテ建設']);
  const osaka = await directory.search({ country: 'JP', city: '大阪', query: '株式会社' });
  expect(osaka.length).toBeGreaterThan(0);
  expect(osaka.every((c) => c.city === 'Osaka')).toBe(true);
});

test('capped suggestions say how many matched in all', async () => {
  const all = await db.prisma.customer.count({ where: { country: 'US', searchName: { contains: 'inc' } } });
  expect(all).toBeGreaterThan(10);
  expect(await directory.suggest({ country: 'US', query: 'inc' })).toMatchObject({ total: all, more: false });
  expect((await directory.suggest({ country: 'US', query: 'inc' })).customers).toHaveLength(10);
});

test('the country list holds each current ISO 3166-1 country once, named in the reader\'s language', () => {
  for (const locale of ['en', 'ja'] as const) {
    const choices = countryChoices(locale);
    expect(choices).toHaveLength(249);
    expect(new Set(choices.map((c) => c.title)).size).toBe(249);
    for (const withdrawn of ['SU', 'YU', 'CS', 'DD', 'ZR', 'UK', 'FX', 'EU', 'XK', 'AN']) expect(choices.map((c) => c.value)).not.toContain(withdrawn);
  }
  expect(countryChoices('ja').find((c) => c.value === 'RS')?.title).toBe('セルビア (RS)');
});

test('% and _ are matched literally, not as wildcards', async () => {
  expect(await names({ country: 'JP', query: '100%' })).toEqual(['100% Natural KK']);
  expect(await names({ country: 'JP', query: 'abc_def' })).toEqual(['ＡＢＣ＿ＤＥＦ Trading']);
});

test('import: bad rows are reported by line number and skipped; the rest is upserted on DUNS', async () => {
  const report = await importCustomers(
    db.prisma,
    csv(
      HEADER +
        'Good One KK,1 Road,Tokyo,,,JP,800000001\n' + // line 2
        'Bad Duns KK,2 Road,Tokyo,,,JP,12345\n' + // line 3
        ',3 Road,Tokyo,,,JP,800000003\n' + // line 4
        'No Country KK,4 Road,Tokyo,,,XX,800000004\n' + // line 5
        '"Quoted, Inc.","5 Road, Suite 1",Seattle,WA,98101,us,800000005\n' + // line 6
        'Good One KK (renamed),1 Road,Tokyo,,,JP,800000001\n', // line 7: same DUNS as line 2
    ),
  );
  expect(report.bad.map((b) => [b.line, b.errors.map((e) => `${e.field}: ${e.code}`)])).toEqual([
    [3, ['duns: invalidDuns']],
    [4, ['name: required']],
    [5, ['country: invalidCountry']],
  ]);
  expect(report.created).toBe(2);
  expect(await db.prisma.customer.findUniqueOrThrow({ where: { duns: '800000001' } })).toMatchObject({ name: 'Good One KK (renamed)' });
  expect(await db.prisma.customer.findUniqueOrThrow({ where: { duns: '800000005' } })).toMatchObject({ name: 'Quoted, Inc.', country: 'US', state: 'WA' });

  const again = await importCustomers(db.prisma, csv(HEADER + 'Good One KK,1 Road,Tokyo,,,JP,800000001\n'));
  expect(again).toMatchObject({ created: 0, updated: 1, bad: [] });
  expect((await directory.search({ country: 'JP', query: 'good one' })).map((c) => c.name)).toEqual(['Good One KK']);
});

describe('npm run import:customers', () => {
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['-r', './tests/helpers/registerTs.js', 'scripts/importCustomers.ts', ...args], { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, LOG_LEVEL: 'silent', ...env } }, (err, stdout, stderr) =>
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr }),
      );
    });

  test('reports bad rows by line, exits 2, and refuses a database directory another process holds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-import-'));
    const file = path.join(dir, 'customers.csv');
    fs.writeFileSync(file, HEADER + 'Good KK,1 Road,Tokyo,,,JP,900000001\nBad KK,2 Road,Tokyo,,,JP,99\n');
    const dataDir = path.join(dir, 'pglite');
    try {
      const first = await run([file], { DATABASE_URL: dataDir });
      expect(first.stdout).toContain('1 added, 0 updated, 1 bad row(s)');
      expect(first.stderr).toContain('line 3: duns: A DUNS number has exactly 9 digits.');
      expect(first.code).toBe(2);

      const holder = await openDatabase({ url: dataDir });
      try {
        const locked = await run([file], { DATABASE_URL: dataDir });
        expect(locked.code).toBe(1);
        expect(locked.stderr).toMatch(/in use|lock/i);
      } finally {
        await holder.close();
      }
      expect((await run([], { DATABASE_URL: dataDir })).stderr).toContain('usage: npm run import:customers -- <file.csv>');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

test('through the bot: a half-width katakana query in Japanese suggests the company with its address and DUNS', async () => {
  const app = await startTestApp({ db });
  try {
    await db.prisma.location.upsert({ where: { id: 'contoso-jp-tokyo' }, create: { id: 'contoso-jp-tokyo', name: 'Contoso Japan – Tokyo', country: 'JP' }, update: {} });
    await withRole(db.prisma, ALICE, 'alice@contoso.example');
    const w = new WizardDriver(app, ALICE, { locale: 'ja-JP' });
    await w.say('新しい取引');
    const suggestion = 'サクラ物流株式会社 — 1-1-1 Marunouchi, Chiyoda-ku, Tokyo, 日本・DUNS 700000001';
    const { card } = await w.click('search', { country: 'JP', city: 'Tokyo', query: 'ｻｸﾗ物流' });
    expect(cardText(card)).toContain(suggestion);
    const { card: hira } = await w.click('search', { query: 'さくら物流' });
    expect(cardText(hira)).toContain(suggestion);
    const { card: none } = await w.click('search', { query: 'ｻｸﾗﾌﾞﾂﾘｭｳ' });
    expect(cardText(none)).toContain('一致する会社がありません。');
    await w.say('キャンセル');
  } finally {
    await app.close();
  }
});
