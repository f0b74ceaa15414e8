import { startTestApp, type TestApp } from '../helpers/testApp';
import { ALICE, cardText } from '../helpers/teams';
import { OSAKA } from '../helpers/fixtures';
import { WizardDriver, cardProblems, errorUnder, inputsOf } from './wizardDriver';
import { GOOD, seedWizard, withRole } from './wizardSetup';

/** R13: bad input at any step is answered on the same card, per field, entries kept; nothing is stored. */

let app: TestApp;
let w: WizardDriver;

beforeAll(async () => {
  app = await startTestApp();
  await seedWizard(app.db.prisma);
  await withRole(app.db.prisma, ALICE, 'alice@contoso.example');
});
afterAll(() => app?.close());

const nothingStored = async () => expect(await app.db.prisma.deal.count()).toBe(0);

/** A bad submit keeps the same step: same message, same token, and the clicked card shows the errors. */
async function expectStays(nav: string, typed: Record<string, string>) {
  const before = w.current!;
  const { card, calls } = await w.click(nav, typed);
  expect(w.current!.activityId).toBe(before.activityId);
  expect(calls.filter((c) => c.kind === 'send' || c.kind === 'reply')).toEqual([]);
  await nothingStored();
  return card;
}

test('customer: search needs a country and a name; Next needs a pick; a new customer needs a valid DUNS', async () => {
  w = new WizardDriver(app, ALICE);
  await w.say('new deal');
  let card = await expectStays('search', { country: '', query: '  ' });
  expect(errorUnder(card, 'country')).toBe('Enter a two-letter ISO country code such as JP or US.');
  expect(errorUnder(card, 'query')).toBe('This field is required.');

  card = await expectStays('next', { country: 'JP', query: 'fabrikam' });
  expect(cardText(card)).toContain('Search, then pick one of the companies found');

  card = await expectStays('newCustomer', {});
  // The new-customer form starts from what was typed.
  expect(inputsOf(card)).toMatchObject({ newName: 'fabrikam', newCountry: 'JP' });
  card = await expectStays('next', { newName: '', newAddress: '1-1 Otemachi', newDuns: '12345' });
  expect(errorUnder(card, 'newName')).toBe('This field is required.');
  expect(errorUnder(card, 'newDuns')).toBe('A DUNS number has exactly 9 digits.');
  expect(inputsOf(card).newAddress).toBe('1-1 Otemachi'); // entries kept
  card = await expectStays('next', { newName: 'Fabrikam Holdings', newDuns: '123 456 789' });
  expect(errorUnder(card, 'newDuns')).toContain('already has this DUNS number (Fabrikam Japan KK)');
  expect(await app.db.prisma.customer.count({ where: { name: 'Fabrikam Holdings' } })).toBe(0);

  await w.click('next', { newName: 'Fabrikam Holdings', newDuns: '555666777' });
  expect(cardText(w.current!.card)).toContain('Customer contact');
  expect(await app.db.prisma.customer.count({ where: { name: 'Fabrikam Holdings' } })).toBe(0); // only at Create
});

test('contact: malformed email and phone; details without consent; Microsoft help without a contact', async () => {
  let card = await expectStays('next', { 'contact.name': 'Kenji', 'contact.phone': 'call me', 'contact.email': 'kenji@', 'contact.consent': 'true' });
  expect(errorUnder(card, 'contact.email')).toMatch(/valid email/);
  expect(errorUnder(card, 'contact.phone')).toMatch(/valid phone number/);
  card = await expectStays('next', { 'contact.phone': '+81 3 5555 0000', 'contact.email': 'kenji@fabrikam.example', 'contact.consent': 'false' });
  expect(errorUnder(card, 'contact.consent')).toBe('Confirm that the customer consented before sharing contact details.');
  card = await expectStays('next', { 'contact.name': '', 'contact.phone': '', 'contact.email': '', 'contact.askMicrosoftHelp': 'true' });
  for (const f of ['contact.name', 'contact.phone', 'contact.email']) expect(errorUnder(card, f)).toMatch(/required when you ask for Microsoft seller help/);
  await w.click('next', { ...GOOD.contact, 'contact.askMicrosoftHelp': 'false' });
});

test('details: 201-character name, value ≤ 0, past date, location outside the scope, missing notes', async () => {
  let card = await expectStays('next', GOOD.details({ name: 'x'.repeat(201), value: '0', closeDate: '2020-01-01', locationId: OSAKA, notes: '' }));
  expect(errorUnder(card, 'name')).toBe('At most 200 characters.');
  expect(errorUnder(card, 'value')).toBe('Enter an amount greater than zero.');
  expect(errorUnder(card, 'closeDate')).toBe('The date cannot be in the past.');
  expect(errorUnder(card, 'locationId')).toBe(`The location ${OSAKA} is not in your scope.`);
  expect(errorUnder(card, 'notes')).toBe('This field is required.');
  // Only the user's scope is offered.
  const location = JSON.stringify(card).match(/"id":"locationId"[^\]]*\]/)?.[0] ?? '';
  expect(location).toContain('Contoso Japan – Tokyo');
  expect(location).not.toContain('Osaka');
  card = await expectStays('next', GOOD.details({ value: '-5', currency: 'XYZ', dealType: '' }));
  expect(errorUnder(card, 'value')).toBe('Enter an amount greater than zero.');
  expect(errorUnder(card, 'currency')).toMatch(/ISO 4217/);
  expect(errorUnder(card, 'dealType')).toBe('This field is required.');
  await w.click('next', GOOD.details({ currency: 'JPY' }));
});

test('team: an incomplete member and a bad email; no member at all', async () => {
  let card = await expectStays('next', { 'team.0.phone': '', 'team.0.email': 'alice@' });
  expect(errorUnder(card, 'team.0.phone')).toBe('This field is required.');
  expect(errorUnder(card, 'team.0.email')).toMatch(/valid email/);
  card = await expectStays('next', { 'team.0.name': '', 'team.0.phone': '', 'team.0.email': '' });
  expect(cardText(card)).toContain('Add at least one.');
  await w.click('next', { 'team.0.name': 'Alice Sato', 'team.0.email': 'alice@contoso.example', ...GOOD.team });
});

test('solution: a second assessment type is refused; the location is required', async () => {
  const card = await expectStays('next', { assessmentType: 'Azure Foundations,Azure Express', assessmentLocation: '' });
  expect(errorUnder(card, 'assessmentType')).toBe('Choose one of the offered values.');
  expect(errorUnder(card, 'assessmentLocation')).toBe('This field is required.');
  await w.click('next', GOOD.assessment);
});

test('review: Create deal is refused until the consent box is ticked', async () => {
  const card = await expectStays('next', { consent: 'false' });
  expect(errorUnder(card, 'consent')).toBe('Confirm the consent to continue.');
  const { card: done } = await w.click('next', { consent: 'true' });
  expect(cardText(done)).toMatch(/created/);
  // The new customer is added only now, with the deal.
  const deal = await app.db.prisma.deal.findFirstOrThrow({ include: { customer: true } });
  expect(deal.customer).toMatchObject({ name: 'Fabrikam Holdings', duns: '555666777', addressLine1: '1-1 Otemachi', country: 'JP' });
});

test('Japanese: the same card answers with Japanese messages per field', async () => {
  const ja = new WizardDriver(app, ALICE, { locale: 'ja-JP' });
  await ja.say('新しい取引');
  const { card } = await ja.click('search', { country: 'XX', query: '' });
  expect(errorUnder(card, 'country')).toBe('JP や US などの 2 文字の ISO 国コードを入力してください。');
  expect(errorUnder(card, 'query')).toBe('この項目は必須です。');
  expect(cardText(card)).toContain('入力内容に修正が必要な項目があります。');
  await ja.say('キャンセル');
});

test('every card answered with errors is a valid Adaptive Card 1.5', () => {
  expect(w.answers.length).toBeGreaterThan(10);
  for (const card of w.answers) expect(cardProblems(card)).toEqual([]);
});
