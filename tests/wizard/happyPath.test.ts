import { startTestApp, type TestApp } from '../helpers/testApp';
import { ALICE, BOB, adaptiveCards, cardText, type TeamsUser } from '../helpers/teams';
import { inDays, TOKYO } from '../helpers/fixtures';
import { WizardDriver, cardProblems, inputsOf } from './wizardDriver';
import { seedWizard, withRole } from './wizardSetup';

/** R6–R12 end to end through /api/messages: a solution-assessment deal and a co-sell deal, in English and Japanese. */

let app: TestApp;
let fabrikamId: string;
const drivers: WizardDriver[] = [];

beforeAll(async () => {
  app = await startTestApp();
  const { customer } = await seedWizard(app.db.prisma);
  fabrikamId = customer.id;
  await withRole(app.db.prisma, ALICE, 'alice@contoso.example');
  await withRole(app.db.prisma, BOB, 'bob@contoso.example');
});
afterAll(() => app?.close());

async function pickFabrikam(w: WizardDriver) {
  const found = await w.click('search', { country: 'JP', city: 'Tokyo', query: 'fabrikam' });
  // Two legal entities share the name and city; each suggestion shows its address and DUNS (R6).
  const choices = found.card.body.flatMap((s: any) => s.items ?? []).flatMap((c: any) => c.items ?? []).find((i: any) => i.id === 'customerId')?.choices;
  expect(choices.filter((c: any) => c.title.includes('Fabrikam Japan KK')).length).toBe(2);
  const mine = choices.find((c: any) => c.title.includes('DUNS 123456789'));
  expect(mine.value).toBe(fabrikamId);
  return w.click('next', { customerId: mine.value });
}

async function runTo(w: WizardDriver, type: 'solutionAssessment' | 'coSell', name: string, user: TeamsUser) {
  await w.say(w.opts.locale === 'ja-JP' ? '新しい取引' : 'new deal');
  const step1 = w.current!;
  const done1 = await pickFabrikam(w);
  // One card for the whole run: step 2 takes the place of step 1, with step 1 done as a line on top.
  expect(w.current!.activityId).toBe(step1.activityId);
  expect(cardText(done1.card)).toMatch(/✔ (Customer|顧客): Fabrikam Japan KK/);
  expect(done1.calls.filter((c) => c.kind !== 'update' && adaptiveCards(c.activity).length > 0)).toEqual([]);
  await w.click('next', {
    'contact.name': 'Kenji Tanaka',
    'contact.phone': '+81 3 5555 0000',
    'contact.email': 'kenji@fabrikam.example',
    'contact.consent': 'true',
    specialistNote: 'Prefers meetings in Japanese.',
  });
  // The default currency is proposed (config DEFAULT_CURRENCY = JPY).
  expect(inputsOf(w.current!.card).currency).toBe('JPY');
  await w.click('next', {
    dealType: type,
    name,
    locationId: TOKYO,
    value: '1,500,000',
    closeDate: inDays(60),
    crmId: 'CRM-42',
    notes: 'Customer wants to move 40 VMs to Azure.',
  });
  // The user is pre-filled as the first member; the phone is typed.
  expect(inputsOf(w.current!.card)['team.0.name']).toBe(user.name);
  await w.click('next', { 'team.0.phone': '+81 3 1234 5678' });
  if (type === 'solutionAssessment') {
    await w.click('next', { assessmentType: 'Data and Infrastructure Migration', assessmentLocation: 'Tokyo HQ' });
  } else {
    await w.click('next', { solutions: 'azure-migration,data-and-ai' });
  }
  return w.current!;
}

test('English, solution assessment, personal chat: the stored deal is what was typed', async () => {
  const w = new WizardDriver(app, ALICE);
  drivers.push(w);
  const review = await runTo(w, 'solutionAssessment', 'Fabrikam migration assessment', ALICE);
  const text = cardText(review.card);
  expect(text).toContain('Review and create');
  expect(text).toContain('Fabrikam migration assessment');
  expect(text).toContain('Data and Infrastructure Migration at Tokyo HQ');
  expect(await app.db.prisma.deal.count()).toBe(0); // R13: nothing before Create

  const { card, calls } = await w.click('next', { consent: 'true' });
  expect(cardText(card)).toMatch(/Deal #\d+ "Fabrikam migration assessment" created\./);
  const deal = await app.db.prisma.deal.findFirstOrThrow({ include: { team: true, notes: true, customer: true } });
  expect(deal).toMatchObject({
    direction: 'outbound',
    type: 'solutionAssessment',
    status: 'Active',
    substatus: 'Accepted',
    stage: 'accepted',
    name: 'Fabrikam migration assessment',
    currency: 'JPY',
    crmId: 'CRM-42',
    campaignId: null,
    locationId: TOKYO,
    assessmentType: 'Data and Infrastructure Migration',
    assessmentLocation: 'Tokyo HQ',
    customerId: fabrikamId,
    contactName: 'Kenji Tanaka',
    contactEmail: 'kenji@fabrikam.example',
    contactPhone: '+81 3 5555 0000',
    contactConsent: true,
    specialistNote: 'Prefers meetings in Japanese.',
  });
  expect(Number(deal.value)).toBe(1_500_000);
  expect(deal.closeDate.toISOString().slice(0, 10)).toBe(inDays(60));
  expect(deal.team.map((m) => [m.name, m.email, m.phone])).toEqual([['Alice Sato', 'alice@contoso.example', '+81 3 1234 5678']]);
  expect(deal.notes.map((n) => n.text)).toEqual(['Customer wants to move 40 VMs to Azure.']);
  // The deal card is posted and tracked, labelled as a solution assessment at 10 %.
  const posted = calls.find((c) => adaptiveCards(c.activity)[0] && cardText(adaptiveCards(c.activity)[0]).includes('Fabrikam migration assessment') && c.kind !== 'update');
  expect(posted).toBeDefined();
  expect(cardText(adaptiveCards(posted!.activity)[0])).toContain('Solution assessment');
  expect(await app.db.prisma.cardPost.count({ where: { dealId: deal.id, activityId: posted!.id } })).toBe(1);
});

test.each([
  ['ja-JP', 'personal', 'solutionAssessment', 'ファブリカム移行評価', '取引 #\\d+「ファブリカム移行評価」を作成しました。'],
  ['en-US', 'groupChat', 'coSell', 'Fabrikam co-sell', 'Deal #\\d+ "Fabrikam co-sell" created\\.'],
  ['ja-JP', 'channel', 'coSell', 'ファブリカム共同販売', '取引 #\\d+「ファブリカム共同販売」を作成しました。'],
] as const)('%s, %s chat, %s: stored as typed', async (locale, chat, type, name, created) => {
  const w = new WizardDriver(app, BOB, { locale, chat });
  drivers.push(w);
  const review = await runTo(w, type, name, BOB);
  const text = cardText(review.card);
  expect(text).toContain(locale === 'ja-JP' ? '確認して作成' : 'Review and create');
  expect(text).toContain(locale === 'ja-JP' ? '新しい取引・ステップ 6/6' : 'New deal · step 6 of 6');
  const { card } = await w.click('next', { consent: 'true' });
  expect(cardText(card)).toMatch(new RegExp(created));
  const deal = await app.db.prisma.deal.findFirstOrThrow({ where: { name } });
  expect(deal).toMatchObject({ type, locationId: TOKYO, customerId: fabrikamId, stage: 'accepted', substatus: 'Accepted', direction: 'outbound' });
  if (type === 'coSell') {
    expect(deal.solutions).toEqual([
      { id: 'azure-migration', name: 'Azure Migration' },
      { id: 'data-and-ai', name: 'Data and AI' },
    ]);
    expect(deal.assessmentType).toBeNull();
  } else {
    expect(deal).toMatchObject({ assessmentType: 'Data and Infrastructure Migration', assessmentLocation: 'Tokyo HQ', solutions: [] });
  }
});

test('every card the wizard sent is a valid Adaptive Card 1.5 under 80 KB', () => {
  const cards = [...app.stub.calls.flatMap((c) => adaptiveCards(c.activity)), ...drivers.flatMap((d) => d.answers)];
  expect(cards.length).toBeGreaterThan(20);
  for (const card of cards) expect(cardProblems(card)).toEqual([]);
});
