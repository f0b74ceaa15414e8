import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { NewDealWizard } from '../../bot/dialogs/newDealWizard';
import { ALICE, BOB, cardText } from '../helpers/teams';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { TOKYO } from '../helpers/fixtures';
import { WizardDialogClient } from './dialogClient';
import { errorUnder, inputsOf } from './wizardDriver';
import { GOOD, seedWizard, withRole } from './wizardSetup';

/**
 * The wizard's steps at the dialog level (issue 12): the same NewDealWizard, steps and services as production, driven
 * through botbuilder's TestAdapter instead of HTTP. Fast enough to try each step's branches one by one; the
 * /api/messages suites (happyPath, validation, flows) cover the same paths through the server.
 */

let db: TestDatabase;
let app: App;
let fabrikamId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createApp({ config: loadConfig({ DATABASE_URL: 'memory://', LOG_LEVEL: 'silent' }), db, logger: silentLogger() });
  fabrikamId = (await seedWizard(db.prisma)).customer.id;
  await withRole(db.prisma, ALICE, 'alice@contoso.example');
  await withRole(db.prisma, BOB, 'bob@contoso.example');
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

const header = (card: unknown) => cardText(card).match(/New deal · step (\d) of 6|新しい取引・ステップ (\d)\/6/)?.slice(1).find(Boolean);

async function toContact(c: WizardDialogClient) {
  await c.start();
  await c.click('search', { country: 'JP', city: 'Tokyo', query: 'fabrikam' });
  const pick = JSON.stringify(c.card).match(new RegExp(`"value":"(${fabrikamId})"`))?.[1];
  expect(pick).toBe(fabrikamId);
  await c.click('next', { customerId: fabrikamId });
}

test('start posts step 1 of 6 for the user who typed it, the country taken from the Teams client', async () => {
  const c = new WizardDialogClient(app.services, ALICE);
  await c.start();
  expect(header(c.card)).toBe('1');
  expect(cardText(c.card)).toContain('Alice Sato');
  expect(inputsOf(c.card).country).toBe('US'); // the en-US test client's clientInfo country
});

test('customer step: Next before a pick stays, with the message on the same card and nothing stored', async () => {
  const c = new WizardDialogClient(app.services, ALICE);
  await c.start();
  const card = await c.click('next', { country: 'JP', query: 'fabrikam' });
  expect(header(card)).toBe('1');
  expect(cardText(card)).toContain('Search, then pick one of the companies found');
  const searched = await c.click('search', { country: '', query: ' ' });
  expect(errorUnder(searched, 'country')).toBe('Enter a two-letter ISO country code such as JP or US.');
  expect(errorUnder(searched, 'query')).toBe('This field is required.');
  expect(await db.prisma.deal.count()).toBe(0);
});

test('customer step: a search with more matches than shown says so; 横浜 finds the companies in Yokohama', async () => {
  const c = new WizardDialogClient(app.services, ALICE, 'ja-JP');
  await c.start();
  const many = await c.click('search', { country: 'JP', city: '', query: '株式会社' });
  expect(cardText(many)).toMatch(/一致する会社 \d+ 件のうち 10 件を表示しています。市区町村や社名を加えて絞り込むか/);
  const yokohama = await c.click('search', { country: 'JP', city: '横浜', query: 'ハヤテ' });
  expect(cardText(yokohama)).toContain('ハヤテ建設株式会社');
  expect(cardText(yokohama)).not.toContain('Fukuoka');
});

test('contact step: bad email and phone are answered per field; Back returns to the customer with the pick kept', async () => {
  const c = new WizardDialogClient(app.services, ALICE);
  await toContact(c);
  expect(header(c.card)).toBe('2');
  const bad = await c.click('next', { 'contact.name': 'Kenji', 'contact.phone': 'call me', 'contact.email': 'kenji@', 'contact.consent': 'true' });
  expect(errorUnder(bad, 'contact.email')).toMatch(/valid email/);
  expect(errorUnder(bad, 'contact.phone')).toMatch(/valid phone number/);
  expect(inputsOf(bad)['contact.name']).toBe('Kenji'); // entries kept
  await c.click('back');
  expect(header(c.card)).toBe('1');
  expect(inputsOf(c.card).customerId).toBe(fabrikamId);
});

test('the whole walk stores exactly what was entered, once, at Create', async () => {
  const c = new WizardDialogClient(app.services, BOB);
  await toContact(c);
  await c.click('next', GOOD.contact);
  expect(header(c.card)).toBe('3');
  expect(inputsOf(c.card).currency).toBe('JPY');
  await c.click('next', GOOD.details({ name: 'Dialog-level assessment' }));
  expect(inputsOf(c.card)['team.0.name']).toBe(BOB.name);
  expect(inputsOf(c.card)['team.0.phone']).toBe(''); // Bob has never given his phone
  await c.click('next', GOOD.team);
  await c.click('next', GOOD.assessment);
  expect(header(c.card)).toBe('6');
  expect(await db.prisma.deal.count({ where: { name: 'Dialog-level assessment' } })).toBe(0);
  const created = await c.click('next', { consent: 'true' });
  expect(cardText(created)).toMatch(/Deal #\d+ "Dialog-level assessment" created\./);
  const deal = await db.prisma.deal.findFirstOrThrow({ where: { name: 'Dialog-level assessment' }, include: { team: true } });
  expect(deal).toMatchObject({ type: 'solutionAssessment', locationId: TOKYO, customerId: fabrikamId, contactName: 'Kenji Tanaka', assessmentType: 'Azure Foundations' });
  expect(deal.team.map((m) => m.phone)).toEqual(['+81 3 1234 5678']);
  // Create again with the same (now stale) card: nothing more is stored.
  const again = await c.click('next', { consent: 'true' }, { on: c.card });
  expect(cardText(again)).toContain('This step is already done');
  expect(await db.prisma.deal.count({ where: { name: 'Dialog-level assessment' } })).toBe(1);
});

test('the next wizard remembers the phone the user gave for themself', async () => {
  const c = new WizardDialogClient(app.services, BOB);
  await toContact(c);
  await c.click('next', GOOD.contact);
  await c.click('next', GOOD.details());
  expect(inputsOf(c.card)['team.0.phone']).toBe('+81 3 1234 5678'); // from the deal Bob created above
});

test('a second click of the same card is stale; another person cannot click someone else\'s wizard', async () => {
  const c = new WizardDialogClient(app.services, ALICE);
  await c.start();
  const step1 = c.card;
  await c.click('search', { country: 'JP', city: 'Tokyo', query: 'fabrikam' });
  await c.click('next', { customerId: fabrikamId });
  expect(header(c.card)).toBe('2');
  expect(cardText(await c.click('next', { customerId: fabrikamId }, { on: step1 }))).toContain('This step is already done');
  expect(cardText(await c.click('next', GOOD.contact, { as: BOB }))).toContain("This form belongs to someone else's new deal.");
  expect(header(c.card)).toBe('2'); // Bob's click changed nothing
});

test('a restarted bot (a new wizard instance) goes on at the same step with the entries kept', async () => {
  const c = new WizardDialogClient(app.services, ALICE, 'ja-JP');
  await toContact(c);
  await c.click('next', GOOD.contact);
  expect(header(c.card)).toBe('3');
  c.wizard = new NewDealWizard(app.services);
  const card = await c.click('next', GOOD.details({ value: '0' }));
  expect(header(card)).toBe('3');
  expect(errorUnder(card, 'value')).toBe('0 より大きい金額を入力してください。');
  expect(inputsOf(card).name).toBe('Fabrikam migration assessment');
});

test('cancel ends the wizard (in Japanese); its last card is stale afterwards', async () => {
  const c = new WizardDialogClient(app.services, ALICE, 'ja-JP');
  await c.start();
  const card = c.card;
  await c.cancel();
  expect(c.sent.map((a) => a.text).filter(Boolean)).toContain('新しい取引をキャンセルしました。何も保存されていません。');
  expect(cardText(await c.click('search', { country: 'JP', query: 'fabrikam' }, { on: card }))).toContain('このステップはすでに完了しています');
});
