import { startTestApp, type TestApp } from '../helpers/testApp';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';
import { ALICE, BOB, adaptiveCards, cardText, teamsUser } from '../helpers/teams';
import { WizardDriver, inputsOf } from './wizardDriver';
import { GOOD, seedWizard, withRole } from './wizardSetup';

/** The wizard's life: restart, two people in one channel, double clicks, Back, Cancel, stale cards, no role. */

let db: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedWizard(db.prisma);
  await withRole(db.prisma, ALICE, 'alice@contoso.example');
  await withRole(db.prisma, BOB, 'bob@contoso.example');
  app = await startTestApp({ db });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

async function pickCustomer(w: WizardDriver, query = 'fabrikam japan') {
  const { card } = await w.click('search', { country: 'JP', city: '', query });
  const id = inputsOf(card).customerId || JSON.stringify(card).match(/"value":"([0-9a-f-]{36})"/)?.[1];
  return w.click('next', { customerId: id! });
}

test('a restarted bot continues the wizard at the same step and creates the deal', async () => {
  const w = new WizardDriver(app, ALICE);
  await w.say('new deal');
  await pickCustomer(w);
  await w.click('next', GOOD.contact);
  const detailsCard = w.current!;
  expect(cardText(detailsCard.card)).toContain('step 3 of 6');

  await app.close(); // the process stops; the database stays
  app = await startTestApp({ db });
  w.moveTo(app);

  // The card still on screen (from before the restart) works with the new process.
  await w.click('next', GOOD.details({ name: 'After restart' }), detailsCard);
  expect(cardText(w.current!.card)).toContain('step 4 of 6');
  await w.click('next', GOOD.team);
  await w.click('next', GOOD.assessment);
  const { card } = await w.click('next', { consent: 'true' });
  expect(cardText(card)).toMatch(/Deal #\d+ "After restart" created/);
  const deal = await db.prisma.deal.findFirstOrThrow({ where: { name: 'After restart' }, include: { customer: true } });
  expect(deal.customer.name).toBe('Fabrikam Japan KK');
  expect(deal.contactName).toBe('Kenji Tanaka');
});

test('two users interleaved in one channel keep their own answers', async () => {
  const alice = new WizardDriver(app, ALICE, { chat: 'channel' });
  const bob = new WizardDriver(app, BOB, { chat: 'channel', locale: 'ja-JP' });
  await alice.say('new deal');
  await bob.say('新しい取引');
  await pickCustomer(alice);
  await pickCustomer(bob, 'northwind');
  await alice.click('next', GOOD.contact);
  await bob.click('next', { ...GOOD.contact, 'contact.name': 'Bob の連絡先' });
  await bob.click('next', GOOD.details({ name: "Bob's deal", dealType: 'coSell' }));
  await alice.click('next', GOOD.details({ name: "Alice's deal" }));
  // Bob clicking Alice's card is told it is not his, and nothing of Alice's changes.
  const { card } = await bob.click('next', { 'team.0.phone': '+81 3 0000 0000' }, alice.current);
  expect(cardText(card)).toContain('このフォームは他のユーザーの新しい取引のものです。');
  expect(inputsOf(alice.current!.card)['team.0.name']).toBe('Alice Sato');
  await alice.click('next', GOOD.team);
  await bob.click('next', GOOD.team);
  await bob.click('next', { solutions: 'security' });
  await alice.click('next', GOOD.assessment);
  await alice.click('next', { consent: 'true' });
  await bob.click('next', { consent: 'true' });
  const a = await app.db.prisma.deal.findFirstOrThrow({ where: { name: "Alice's deal" }, include: { customer: true, team: true } });
  const b = await app.db.prisma.deal.findFirstOrThrow({ where: { name: "Bob's deal" }, include: { customer: true, team: true } });
  expect([a.type, a.customer.name, a.contactName, a.team[0]?.name]).toEqual(['solutionAssessment', 'Fabrikam Japan KK', 'Kenji Tanaka', 'Alice Sato']);
  expect([b.type, b.customer.name, b.contactName, b.team[0]?.name]).toEqual(['coSell', 'Northwind Japan KK', 'Bob の連絡先', 'Bob Suzuki']);
  expect(b.solutions).toEqual([{ id: 'security', name: 'Security' }]);
});

test('a double click (or a second device) on a done step is told so and changes nothing', async () => {
  const w = new WizardDriver(app, ALICE);
  const mark = app.stub.calls.length;
  await w.say('new deal');
  const step1 = w.current!;
  const { card } = await w.click('search', { country: 'JP', query: 'fabrikam japan' });
  const id = JSON.stringify(card).match(/"value":"([0-9a-f-]{36})"/)![1]!;
  const stale = { ...w.current!, card };
  // Both clicks arrive at once: exactly one goes on.
  const [one, two] = await Promise.all([w.click('next', { customerId: id }, stale), w.click('next', { customerId: id }, stale)]);
  const texts = [cardText(one.card), cardText(two.card)];
  expect(texts.filter((t) => t.includes('Customer: Fabrikam Japan KK'))).toHaveLength(1);
  expect(texts.filter((t) => t.includes('This step is already done'))).toHaveLength(1);
  // The winner's card became step 2 in place; no second card was posted.
  expect(texts.filter((t) => t.includes('Customer contact') && t.includes('step 2 of 6'))).toHaveLength(1);
  const posted = app.stub.calls.slice(mark).filter((c) => c.kind !== 'update' && adaptiveCards(c.activity).length > 0);
  expect(posted).toHaveLength(1); // only step 1, when the wizard started
  // A later click of the first card too.
  const again = await w.click('next', { customerId: id }, step1);
  expect(cardText(again.card)).toContain('This step is already done');
  expect(cardText(w.current!.card)).toContain('step 2 of 6');
  await w.say('cancel');
});

test('Back returns to the previous step with its entries, in the same card', async () => {
  const w = new WizardDriver(app, ALICE);
  await w.say('new deal');
  await pickCustomer(w);
  await w.click('next', { ...GOOD.contact, specialistNote: 'call after 10am' });
  const details = w.current!;
  const { card, calls } = await w.click('back', { name: 'half typed' });
  // The card the user clicked is step 2 again (the invoke's answer); nothing new is posted.
  expect(cardText(card)).toContain('step 2 of 6');
  expect(calls.filter((c) => c.kind !== 'update' && adaptiveCards(c.activity).length > 0)).toEqual([]);
  expect(w.current!.activityId).toBe(details.activityId);
  expect(cardText(w.current!.card)).toContain('step 2 of 6');
  expect(inputsOf(w.current!.card)).toMatchObject({ 'contact.name': 'Kenji Tanaka', specialistNote: 'call after 10am' });
  await w.click('next');
  expect(inputsOf(w.current!.card).name).toBe('half typed'); // what was typed before Back is still there
  await w.say('cancel');
});

test('Cancel — typed in either language or the button — ends the wizard; nothing is stored', async () => {
  const before = await app.db.prisma.deal.count();
  const w = new WizardDriver(app, ALICE, { locale: 'ja-JP' });
  await w.say('新しい取引');
  const card = w.current!;
  const calls = await w.say('キャンセル');
  expect(calls.some((c) => c.kind === 'update' && c.activityId === card.activityId)).toBe(true);
  expect(calls.some((c) => c.activity.text === '新しい取引をキャンセルしました。何も保存されていません。')).toBe(true);
  expect(cardText((await w.click('search', { country: 'JP', query: 'x' }, card)).card)).toContain('このステップはすでに完了しています');
  expect((await w.say('キャンセル')).some((c) => c.activity.text === 'キャンセルする作成中の取引はありません。')).toBe(true);

  const en = new WizardDriver(app, ALICE);
  await en.say('new deal');
  await pickCustomer(en);
  const { card: cancelled } = await en.click('cancel');
  expect(cardText(cancelled)).toContain('New deal cancelled.');
  expect(await app.db.prisma.deal.count()).toBe(before);
});

test('someone without a role is told to ask an admin; someone without a location cannot start either', async () => {
  const carol = teamsUser('Carol NoRole');
  const w = new WizardDriver(app, carol);
  const calls = await w.say('new deal');
  expect(cardText(adaptiveCards(calls[0]!.activity)[0])).toMatch(/no Referrals role yet|don't have a Referrals role yet/);
  expect(w.current).toBeUndefined();

  const dave = teamsUser('Dave Nowhere');
  await withRole(db.prisma, dave, 'dave@contoso.example', 'user', []);
  const d = new WizardDriver(app, dave, { locale: 'ja-JP' });
  const answer = await d.say('新しい取引');
  expect(cardText(adaptiveCards(answer[0]!.activity)[0])).toContain('スコープに場所がまだないため、取引を作成できません。');
  expect(d.current).toBeUndefined();
});
