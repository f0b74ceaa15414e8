import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { actorOf } from '../../src/domain';
import { uploadFile } from '../../src/services/fileUpload';
import { OSAKA, TOKYO, referral, seedBasics, validCreateInput } from '../helpers/fixtures';
import { adaptiveCards, cardAction, cardText, channelMessage, personalMessage, teamsUser, type TeamsActivity } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { describeEachDatabase } from '../helpers/testDb';
import { PEOPLE } from '../referrals/referralTestKit';

jest.setTimeout(60_000);

/**
 * Issue 17, export: `export` / `エクスポート` gives the deals of the person's scope as .xlsx and .csv — in personal chat
 * through Teams' file consent card (accepted: the bytes are PUT to the upload URL, here a local stand-in for OneDrive,
 * and a file info card follows), in channels as short-lived signed links. Both files are parsed back.
 */

const PUBLIC = 'https://bot.contoso.example';
const FORMULA_NAME = '=HYPERLINK("http://evil.example","click")';

interface Upload {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** OneDrive's upload session, as far as the bot sees it: a PUT of the whole file with a Content-Range. */
async function startUploadTarget() {
  const uploads: Upload[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      uploads.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(req.method === 'PUT' ? 201 : 405, { 'content-type': 'application/json' });
      res.end('{"id":"file-1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, uploads, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function fileConsent(action: 'accept' | 'decline', context: unknown, uploadUrl: string, from = PEOPLE.tokyoUser, format = 'xlsx'): TeamsActivity {
  const activity = cardAction('unused', {}, { from });
  activity.name = 'fileConsent/invoke';
  activity.value = {
    type: 'fileUpload',
    action,
    context,
    uploadInfo: action === 'accept' ? { name: `deals.${format}`, uploadUrl, contentUrl: `https://contoso-my.sharepoint.com/personal/deals.${format}`, uniqueId: 'u-1', fileType: format } : undefined,
  };
  return activity;
}

async function readXlsx(bytes: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v === null || v === undefined ? '' : String(v)))));
  return rows;
}

describeEachDatabase('export', (db) => {
  let app: TestApp;
  let target: Awaited<ReturnType<typeof startUploadTarget>>;
  const env = { PUBLIC_BASE_URL: PUBLIC, EXPORT_LINK_SECRET: 's'.repeat(40), EXPORT_LINK_MINUTES: '15', FILE_UPLOAD_ALLOW_PRIVATE: '1' };
  /** What Yuki (a Tokyo user) may see: her own deals and Tokyo's unanswered referral (R3). */
  const YUKI_SEES = ['東京 データ移行 評価', FORMULA_NAME, 'Northwind 紹介 (未回答)'];

  beforeAll(async () => {
    [app, target] = await Promise.all([startTestApp({ db: db(), env }), startUploadTarget()]);
    const { actors, customer } = await seedBasics(db().prisma);
    const commands = app.app.services.commands;
    const create = async (actor: typeof actors.tokyoUser, name: string, locationId = TOKYO) => {
      const got = await commands.create(validCreateInput(customer.id, actor, { name, locationId }), actor);
      if (!got.ok) throw new Error(JSON.stringify(got));
    };
    await create(actors.tokyoUser, '東京 データ移行 評価');
    await create(actors.tokyoUser, FORMULA_NAME);
    await create(actors.tokyoUser2, 'Ken’s own deal'); // Tokyo, but Yuki is not on its team
    await create(actors.osakaUser, '大阪 の取引', OSAKA);
    const r = referral();
    r.deal.name = 'Northwind 紹介 (未回答)';
    await commands.receive(r);
    for (const who of [PEOPLE.admin, PEOPLE.tokyoUser, PEOPLE.tokyoUser2]) await app.post(personalMessage('help', { from: who }));
    await app.settle();
  });
  afterAll(async () => {
    await app?.close();
    await target?.close();
  });

  const consentCardsFor = (activity: { id?: string }) =>
    app.stub.calls.filter((c) => c.kind === 'reply' && c.activityId === activity.id).flatMap((c) => (c.activity.attachments ?? []) as { contentType: string; name?: string; content: any }[]).filter((a) => a.contentType === 'application/vnd.microsoft.teams.card.file.consent');
  const repliesTo = (activity: { id?: string }) => app.stub.calls.filter((c) => c.kind === 'reply' && c.activityId === activity.id);

  test('personal chat: two file consent cards; accepted, the workbook is PUT to the upload URL and a file card follows; it holds exactly Yuki’s deals, Japanese intact', async () => {
    const ask = personalMessage('export', { from: PEOPLE.tokyoUser });
    await app.post(ask);
    const consents = consentCardsFor(ask);
    expect(consents.map((c) => c.name)).toEqual([expect.stringMatching(/^deals-\d{4}-\d{2}-\d{2}\.xlsx$/), expect.stringMatching(/\.csv$/)]);
    expect(consents[0]!.content).toMatchObject({ sizeInBytes: expect.any(Number), acceptContext: { format: 'xlsx' }, declineContext: { format: 'xlsx' } });
    expect(repliesTo(ask)[0]!.activity.text).toContain('3 deals');

    const accept = fileConsent('accept', consents[0]!.content.acceptContext, `${target.url}/upload/xlsx`);
    const res = await app.post(accept);
    expect(res.status).toBe(200);
    const upload = target.uploads.at(-1)!;
    expect(upload.path).toBe('/upload/xlsx');
    expect(upload.headers['content-range']).toBe(`bytes 0-${upload.body.length - 1}/${upload.body.length}`);
    const rows = await readXlsx(upload.body);
    expect(rows[0]).toContain('Deal name');
    expect(rows.slice(1).map((r) => r[1]).sort()).toEqual([...YUKI_SEES].sort());
    // Text stays text: the formula-looking name is a string cell, not a formula.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(upload.body as unknown as ArrayBuffer);
    const cells: unknown[] = [];
    book.worksheets[0]!.eachRow((row) => row.eachCell((cell) => cells.push(cell.type)));
    expect(cells).not.toContain(ExcelJS.ValueType.Formula);
    const fileCard = repliesTo(accept).flatMap((c) => c.activity.attachments ?? [])[0];
    expect(fileCard).toMatchObject({ contentType: 'application/vnd.microsoft.teams.card.file.info', contentUrl: 'https://contoso-my.sharepoint.com/personal/deals.xlsx', content: { uniqueId: 'u-1' } });
    const audit = await db().prisma.auditEvent.findFirst({ where: { type: 'DealsExported' }, orderBy: { id: 'desc' } });
    expect(audit).toMatchObject({ actorName: 'Yuki Tokyo', dealId: null, data: { format: 'xlsx', via: 'fileConsent', rows: 3, filter: 'all the deals you may see' } });
    // Which deals left: their numbers, as in the file.
    expect([...(audit!.data as { numbers: number[] }).numbers].sort()).toEqual(rows.slice(1).map((r) => Number(r[0])).sort());
  });

  test('the CSV in Japanese: UTF-8 with a BOM, Japanese headings and names intact, formula-like text neutralised', async () => {
    const ask = personalMessage('エクスポート', { from: PEOPLE.tokyoUser, locale: 'ja-JP' });
    await app.post(ask);
    const csv = consentCardsFor(ask)[1]!;
    expect(csv.content.description).toContain('CSV');
    await app.post(fileConsent('accept', csv.content.acceptContext, `${target.url}/upload/csv`, PEOPLE.tokyoUser, 'csv'));
    const bytes = target.uploads.at(-1)!.body;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parseCsv(bytes.toString('utf8').slice(1), { relax_column_count: false });
    expect(rows[0]!.slice(0, 3)).toEqual(['番号', '取引名', '取引の種類']);
    const names = rows.slice(1).map((r) => r[1]);
    expect(names).toContain('東京 データ移行 評価');
    expect(names).toContain(`'${FORMULA_NAME}`);
    expect(names).not.toContain(FORMULA_NAME);
    expect(names.sort()).toEqual(YUKI_SEES.map((n) => (n === FORMULA_NAME ? `'${n}` : n)).sort());
    // Moments as a spreadsheet sorts them, in the location's zone; calendar dates as they are stored.
    const created = rows[0]!.indexOf('作成日時');
    expect(rows.slice(1).every((r) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(r[created]!))).toBe(true);
    expect(rows.slice(1).every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[rows[0]!.indexOf('推定成立日')]!))).toBe(true);
  });

  test('declined: a polite word and nothing uploaded; someone else’s consent card uploads nothing', async () => {
    const ask = personalMessage('export', { from: PEOPLE.tokyoUser });
    await app.post(ask);
    const [xlsx] = consentCardsFor(ask);
    const before = target.uploads.length;
    const decline = fileConsent('decline', xlsx!.content.declineContext, '');
    await app.post(decline);
    expect(cardText(adaptiveCards(repliesTo(decline)[0]!.activity)[0])).toContain('All right, nothing was uploaded.');
    const stolen = fileConsent('accept', xlsx!.content.acceptContext, `${target.url}/upload/stolen`, PEOPLE.tokyoUser2);
    await app.post(stolen);
    expect(cardText(adaptiveCards(repliesTo(stolen)[0]!.activity)[0])).toContain('expired or is not yours');
    expect(target.uploads.length).toBe(before);
  });

  test('filters as for `deals`: an admin’s `export location:osaka` holds Osaka’s deals only; a bad filter is named', async () => {
    const ask = personalMessage('export location:osaka', { from: PEOPLE.admin });
    await app.post(ask);
    const [xlsx] = consentCardsFor(ask);
    await app.post(fileConsent('accept', xlsx!.content.acceptContext, `${target.url}/upload/osaka`, PEOPLE.admin));
    const rows = await readXlsx(target.uploads.at(-1)!.body);
    expect(rows.slice(1).map((r) => r[1])).toEqual(['大阪 の取引']);
    // Nothing matches: said so, and no export is kept.
    const before = await db().prisma.dealExport.count();
    const none = personalMessage('export status:lost', { from: PEOPLE.tokyoUser });
    await app.post(none);
    expect(cardText(adaptiveCards(repliesTo(none)[0]!.activity)[0])).toContain('No deal you may see matches');
    expect(await db().prisma.dealExport.count()).toBe(before);
    const bad = personalMessage('export colour:blue', { from: PEOPLE.admin });
    await app.post(bad);
    expect(cardText(adaptiveCards(repliesTo(bad)[0]!.activity)[0])).toContain('colour:blue');
  });

  test('in a channel: signed links that download the files; altered, unsigned or expired links give no data', async () => {
    const ask = channelMessage('export', { from: PEOPLE.tokyoUser });
    await app.post(ask);
    const card = adaptiveCards(repliesTo(ask)[0]!.activity)[0];
    expect(cardText(card)).toContain('15 minutes');
    const urls: string[] = card.actions.map((a: { url: string }) => a.url);
    expect(urls).toEqual([expect.stringMatching(/^https:\/\/bot\.contoso\.example\/exports\/[0-9a-f]{32}-[0-9a-z]+-[\w-]{22}\.xlsx$/), expect.stringMatching(/\.csv$/)]);
    const local = (u: string) => u.replace(PUBLIC, app.url);

    const xlsx = await fetch(local(urls[0]!));
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toMatch(/^attachment; filename="deals-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const rows = await readXlsx(Buffer.from(await xlsx.arrayBuffer()));
    expect(rows.slice(1).map((r) => r[1]).sort()).toEqual([...YUKI_SEES].sort());
    const csv = await fetch(local(urls[1]!));
    expect(csv.status).toBe(200);
    expect([...Buffer.from(await csv.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(await db().prisma.auditEvent.count({ where: { type: 'DealsExported', data: { path: ['via'], equals: 'link' } } })).toBe(2);

    const tampered = local(urls[0]!).replace(/-([\w-])([\w-]{21})\.xlsx$/, (_m, c: string, rest: string) => `-${c === 'A' ? 'B' : 'A'}${rest}.xlsx`);
    const refused = async (url: string) => {
      const r = await fetch(url);
      return { status: r.status, body: (await r.json()) as { code: string; message: { en: string; ja: string } } };
    };
    expect(await refused(tampered)).toMatchObject({ status: 404, body: { code: 'EXPORT_NOT_FOUND' } });
    expect(await refused(local(urls[0]!).replace(/\.xlsx$/, '.csv'))).toMatchObject({ status: 404, body: { code: 'EXPORT_NOT_FOUND' } });
    expect(await refused(`${app.url}/exports/${'0'.repeat(32)}.xlsx`)).toMatchObject({ status: 404, body: { code: 'EXPORT_NOT_FOUND' } });
    // A genuine link past its minutes: 410, and still nothing.
    const request = await db().prisma.dealExport.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    const old = app.app.services.exports.link({ ...request, filter: {}, locale: 'en' }, 'xlsx', new Date(Date.now() - 16 * 60_000))!;
    const expired = await refused(local(old));
    expect(expired).toMatchObject({ status: 410, body: { code: 'EXPORT_EXPIRED' } });
    expect(expired.body.message.ja).toContain('期限切れ');
  });

  test('no scope, nothing: a user without a location is told so and no export is recorded; a link outlives no scope', async () => {
    const people = app.app.services.people;
    const lone = teamsUser('Rin Noscope', 'aad-noscope');
    const user = await people.ensureUser({ aadObjectId: lone.aadObjectId, name: lone.name, email: 'noscope@contoso.example' });
    await people.setRole(user.id, 'user', { global: false, locations: [] });
    const before = await db().prisma.dealExport.count();
    const ask = personalMessage('export', { from: lone });
    await app.post(ask);
    expect(cardText(adaptiveCards(repliesTo(ask)[0]!.activity)[0])).toContain('You have no location in your scope');
    expect(consentCardsFor(ask)).toEqual([]);
    expect(await db().prisma.dealExport.count()).toBe(before);

    // Ken's link, then Ken loses his location: the link gives nothing.
    const ken = await people.byAadObjectId('aad-tokyouser2');
    const made = await app.app.services.exports.request(actorOf(ken!), {}, 'all', 'en');
    if (!made.ok || !made.request) throw new Error('expected an export');
    const url = app.app.services.exports.link(made.request, 'csv')!.replace(PUBLIC, app.url);
    await people.setRole(ken!.id, 'user', { global: false, locations: [] });
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('EXPORT_NO_SCOPE');
    await people.setRole(ken!.id, 'user', { global: false, locations: [TOKYO] });
  });
});

describe('the upload URL Teams gives is checked before anything is sent', () => {
  const never = async () => {
    throw new Error('no DNS in this test');
  };
  test.each([
    ['plain http', 'http://files.example/upload'],
    ['loopback', 'https://127.0.0.1/upload'],
    ['a private network', 'https://10.1.2.3/upload'],
    ['cloud metadata', 'https://169.254.169.254/latest'],
    ['IPv4 inside IPv6', 'https://[::ffff:7f00:1]/upload'],
    ['not a URL', 'javascript:alert(1)'],
  ])('%s is refused', async (_what, url) => {
    expect(await uploadFile(url, Buffer.from('x'), { allowPrivate: false, resolve: never })).toMatchObject({ ok: false, code: 'EXPORT_UPLOAD_REFUSED' });
  });
  test('a name that resolves to a private address is refused', async () => {
    const resolve = async () => [{ address: '192.168.0.10', family: 4 as const }];
    expect(await uploadFile('https://contoso-my.sharepoint.com/upload', Buffer.from('x'), { allowPrivate: false, resolve })).toEqual({ ok: false, code: 'EXPORT_UPLOAD_REFUSED', reason: 'privateAddress' });
  });
});
