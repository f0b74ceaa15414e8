import { startTestApp, type TestApp } from '../helpers/testApp';
import { ALICE, BOB, TENANT_ID, cardText, teamsUser, typeaheadSearch, type SearchOptions, type TeamsUser } from '../helpers/teams';
import { WizardDriver, cardProblems, errorUnder, inputsOf } from './wizardDriver';
import { GOOD, seedWizard, withRole } from './wizardSetup';

/**
 * Issue 14 §5 / R6: the customer step's type-ahead. Teams' dynamic type-ahead (Input.ChoiceSet with a Data.Query
 * `customers`) asks the bot with invoke `application/search` as the user types; the bot answers with suggestions from
 * the same directory search as the Search button. A pick is then submitted with the card like any other input.
 */

let app: TestApp;
let fabrikamId: string;
const CAROL = teamsUser('Carol No-Role');
const MALLORY = teamsUser('Mallory Other-Tenant');
const OTHER_TENANT = '99999999-0000-4000-8000-0000000000ff';

beforeAll(async () => {
  app = await startTestApp({ env: { ALLOWED_TENANTS: TENANT_ID } });
  fabrikamId = (await seedWizard(app.db.prisma)).customer.id;
  await withRole(app.db.prisma, ALICE, 'alice@contoso.example');
  await withRole(app.db.prisma, BOB, 'bob@contoso.example');
  await withRole(app.db.prisma, CAROL, 'carol@contoso.example', null);
});
afterAll(() => app?.close());

interface Suggestion {
  title: string;
  value: string;
}

/** One keystroke's query as Teams sends it; the HTTP status and the invoke's body. */
async function search(user: TeamsUser, queryText: unknown, o: SearchOptions = {}): Promise<{ status: number; body: any }> {
  const res = await app.post(typeaheadSearch(queryText, { from: user, ...o }));
  return { status: res.status, body: res.body };
}

/** The suggestions of a query that must succeed. */
async function suggestions(user: TeamsUser, queryText: string, o: SearchOptions = {}): Promise<Suggestion[]> {
  const { status, body } = await search(user, queryText, o);
  expect(status).toBe(200);
  expect(body).toMatchObject({ type: 'application/vnd.microsoft.search.searchResponse', value: { results: expect.any(Array) } });
  return body.value.results;
}

/** The type-ahead choice set on a card. */
function typeaheadOf(card: unknown): any {
  let found: any;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, any>;
    if (n.type === 'Input.ChoiceSet' && n['choices.data']) found = n;
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}

/** The Search button's results on a card (the radio list), as title/value pairs. */
function searchResultsOf(card: unknown): Suggestion[] {
  let found: Suggestion[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, any>;
    if (n.type === 'Input.ChoiceSet' && n.id === 'customerId') found = n.choices;
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}

async function startWizard(user: TeamsUser, locale = 'en-US'): Promise<WizardDriver> {
  const w = new WizardDriver(app, user, { locale });
  await w.say(locale.startsWith('ja') ? '新しい取引' : 'new deal');
  return w;
}

test('the customer step card carries a Data.Query type-ahead beside the Search fallback, valid for the renderer', async () => {
  for (const locale of ['en-US', 'ja-JP']) {
    const w = await startWizard(ALICE, locale);
    const card = w.current!.card;
    expect(typeaheadOf(card)).toMatchObject({
      id: 'customerPick',
      style: 'filtered',
      'choices.data': { type: 'Data.Query', dataset: 'customers', associatedInputs: 'auto' },
      choices: [{ value: 'new' }],
    });
    // The fallback stays: name field and Search button, with a line saying when to use them.
    expect(inputsOf(card)).toHaveProperty('query');
    expect(cardText(card)).toContain(locale === 'en-US' ? 'No suggestions as you type? Type part of the name here and press Search.' : '入力しても候補が表示されない場合は');
    expect(cardProblems(card)).toEqual([]);
    await w.say(locale === 'en-US' ? 'cancel' : 'キャンセル');
  }
});

test('横浜 as the card\'s city: the suggestions are the Yokohama companies the Search button finds, in Japanese', async () => {
  const w = await startWizard(ALICE, 'ja-JP');
  const typed = await suggestions(ALICE, 'ハヤテ', { locale: 'ja-JP', data: { country: 'JP', city: '横浜', query: '', customerPick: '' } });
  expect(typed.length).toBeGreaterThan(0);
  expect(typed.map((s) => s.title)).toContain('ハヤテ建設株式会社 — 4-18-1 Minatomirai, Nishi-ku, Yokohama, 日本・DUNS 690000001');
  expect(typed.every((s) => s.title.includes('Yokohama'))).toBe(true); // not 株式会社ハヤテ建設 in Fukuoka
  const { card } = await w.click('search', { country: 'JP', city: '横浜', query: 'ハヤテ' });
  expect(typed).toEqual(searchResultsOf(card));
  await w.say('キャンセル');
});

test('English titles; without the card\'s inputs the name alone is searched, in every country', async () => {
  const w = await startWizard(ALICE);
  const inJapan = await suggestions(ALICE, 'fabrikam', { data: { country: 'JP', city: '' } });
  expect(inJapan.map((s) => s.title)).toContain('Fabrikam Japan KK — Tokyo, Japan · DUNS 123456789');
  expect(inJapan.every((s) => s.title.includes('Japan ·'))).toBe(true);
  const anywhere = await suggestions(ALICE, 'fabrikam');
  expect(anywhere.some((s) => s.title.includes('United States'))).toBe(true);
  expect(anywhere.length).toBeGreaterThan(inJapan.length);
  await w.say('cancel');
});

test('skip and top page through the same ranking; Teams never gets more than 15', async () => {
  const w = await startWizard(ALICE, 'ja-JP');
  const data = { country: 'JP', city: '' };
  const first10 = await suggestions(ALICE, '株式会社', { data, skip: 0, top: 10 });
  expect(first10).toHaveLength(10);
  expect(await suggestions(ALICE, '株式会社', { data, skip: 0, top: 5 })).toEqual(first10.slice(0, 5));
  expect(await suggestions(ALICE, '株式会社', { data, skip: 5, top: 5 })).toEqual(first10.slice(5, 10));
  expect(await suggestions(ALICE, '株式会社', { data, skip: 0, top: 100 })).toHaveLength(15);
  expect(await suggestions(ALICE, '株式会社', { data, skip: 500, top: 5 })).toEqual([]);
  await w.say('キャンセル');
});

test('no suggestions (and no error) without a wizard on the customer step, without a role, or from another tenant', async () => {
  // Bob has a role but no wizard running; Carol has no role (and so no wizard).
  expect(await suggestions(BOB, 'fabrikam')).toEqual([]);
  expect(await suggestions(CAROL, 'fabrikam')).toEqual([]);
  // Bob's role is taken away while his wizard runs: no more suggestions for him.
  const bob = await startWizard(BOB);
  expect((await suggestions(BOB, 'fabrikam')).length).toBeGreaterThan(0);
  await withRole(app.db.prisma, BOB, 'bob@contoso.example', null);
  expect(await suggestions(BOB, 'fabrikam')).toEqual([]);
  await withRole(app.db.prisma, BOB, 'bob@contoso.example');
  await bob.say('cancel');
  // Another tenant is refused before anything is read or recorded; the drop-down just stays empty.
  expect(await suggestions(MALLORY, 'fabrikam', { tenantId: OTHER_TENANT })).toEqual([]);
  expect(await app.db.prisma.user.count({ where: { aadObjectId: MALLORY.aadObjectId } })).toBe(0);

  // Alice's wizard: suggestions on the customer step, none once it moved on or was cancelled.
  const w = await startWizard(ALICE);
  expect((await suggestions(ALICE, 'fabrikam')).length).toBeGreaterThan(0);
  await w.click('next', { customerPick: fabrikamId });
  expect(await suggestions(ALICE, 'fabrikam')).toEqual([]);
  await w.click('back');
  expect((await suggestions(ALICE, 'fabrikam')).length).toBeGreaterThan(0);
  await w.say('cancel');
  expect(await suggestions(ALICE, 'fabrikam')).toEqual([]);
});

test('a bad query is refused with 400 and the field\'s message in the reader\'s language; blank text finds nothing', async () => {
  const w = await startWizard(ALICE);
  const long = await search(ALICE, 'x'.repeat(201));
  expect(long.status).toBe(400);
  expect(long.body).toMatchObject({ type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'queryText: At most 200 characters.' } });
  const ja = await search(ALICE, 'x'.repeat(201), { locale: 'ja-JP' });
  expect(ja.body.value.message).toBe('queryText: 200 文字以内で入力してください。');
  const nul = await search(ALICE, 'fab\u0000rikam');
  expect(nul.status).toBe(400);
  expect(nul.body.value.message).toMatch(/^queryText: Remove the control characters/);
  const dataset = await search(ALICE, 'fabrikam', { dataset: 'deals' });
  expect(dataset.status).toBe(400);
  expect(dataset.body.value.message).toBe('dataset: Choose one of the offered values.');
  const skip = await search(ALICE, 'fabrikam', { skip: -1 });
  expect(skip.status).toBe(400);
  expect(skip.body.value.message).toBe('queryOptions.skip: This value is not valid.');
  expect(await suggestions(ALICE, '   ')).toEqual([]);
  await w.say('cancel');
});

test('when the directory cannot be read, the type-ahead gets a 500 (no chat message, no detail), and the next query works', async () => {
  const w = await startWizard(ALICE, 'ja-JP');
  const spy = jest.spyOn(app.app.services.customers, 'suggest').mockRejectedValueOnce(new Error('connection terminated'));
  const before = app.stub.calls.length;
  try {
    const failed = await search(ALICE, 'fabrikam', { locale: 'ja-JP' });
    // The server answers every 5xx of /api/messages in its own shape, with a request id for the operator.
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ code: 'INTERNAL_ERROR', requestId: expect.any(String) });
    expect(JSON.stringify(failed.body)).not.toContain('connection terminated');
    // A keystroke is not a turn to apologise for in the chat.
    expect(app.stub.calls.slice(before)).toEqual([]);
  } finally {
    spy.mockRestore();
  }
  expect((await suggestions(ALICE, 'fabrikam', { locale: 'ja-JP' })).length).toBeGreaterThan(0);
  await w.say('キャンセル');
});

test('titles from the directory are plain, single-line text without invisible characters', async () => {
  await app.db.prisma.customer.create({
    data: { name: 'Zephyr\u202E evil\nKK **bold**', searchName: 'zephyr evil kk **bold**', addressLine1: '1\u200B Road\r\nSuite 2', city: 'Tokyo', country: 'JP', duns: '555000111' },
  });
  const w = await startWizard(ALICE);
  const [zephyr] = await suggestions(ALICE, 'zephyr', { data: { country: 'JP' } });
  expect(zephyr!.title).toBe('Zephyr evil KK **bold** — 1 Road Suite 2, Tokyo, Japan · DUNS 555000111');
  await w.say('cancel');
});

test('a suggestion picked in the type-ahead walks on to the next step, as a picked search result does', async () => {
  const w = await startWizard(ALICE);
  const [pick] = (await suggestions(ALICE, 'fabrikam japan', { data: { country: 'JP', city: 'Tokyo' } })).filter((s) => s.title.includes('DUNS 123456789'));
  expect(pick!.value).toBe(fabrikamId);
  // Teams submits the picked suggestion's value under the choice set's id.
  const { card } = await w.click('next', { country: 'JP', city: 'Tokyo', customerPick: pick!.value });
  expect(cardText(card)).toContain('✔ Customer: Fabrikam Japan KK — Tokyo, Japan · DUNS 123456789');
  expect(Object.keys(inputsOf(card))).toContain('contact.name');
  // Back on the customer step the pick is the selected company of the list; the type-ahead is empty again.
  const back = await w.click('back');
  expect(inputsOf(back.card)).toMatchObject({ customerId: fabrikamId, customerPick: '' });
  expect(cardProblems(back.card)).toEqual([]);
  const again = await w.click('next');
  expect(Object.keys(inputsOf(again.card))).toContain('contact.name');
  await w.click('next', GOOD.contact);
  expect(cardText(w.current!.card)).toContain('✔ Customer: Fabrikam Japan KK');
  await w.say('cancel');
});

test('a forged or stale type-ahead value is refused under the field, in Japanese too; "add a new customer" opens the form', async () => {
  const w = await startWizard(ALICE, 'ja-JP');
  for (const forged of ['00000000-0000-4000-8000-000000000000', 'x'.repeat(65)]) {
    const { card } = await w.click('next', { customerPick: forged });
    expect(errorUnder(card, 'customerPick')).toBe('その会社は顧客ディレクトリにありません。社名を入力し直して候補から選ぶか、検索してください。');
    expect(inputsOf(card)).toMatchObject({ customerPick: '' });
    expect(Object.keys(inputsOf(card))).not.toContain('contact.name');
  }
  const { card } = await w.click('next', { customerPick: 'new' });
  expect(inputsOf(card)).toHaveProperty('newName');
  expect(typeaheadOf(card)).toBeUndefined();
  await w.say('キャンセル');
  expect(await app.db.prisma.deal.count()).toBe(0);
});
