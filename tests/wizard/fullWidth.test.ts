import { AmountSchema, PhoneSchema } from '../../src/domain';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { BOB, cardText } from '../helpers/teams';
import { WizardDriver, errorUnder } from './wizardDriver';
import { GOOD, seedWizard, withRole } from './wizardSetup';

/**
 * A Japanese IME types digits, commas and hyphens full-width (１，５００，０００ / ０３－１２３４－５６７８). Found in the
 * browser run of the wizard: the value was refused with "数値を入力してください". They are the same numbers.
 */

let app: TestApp;
let fabrikamId: string;

beforeAll(async () => {
  app = await startTestApp();
  fabrikamId = (await seedWizard(app.db.prisma)).customer.id;
  await withRole(app.db.prisma, BOB, 'bob@contoso.example');
});
afterAll(() => app?.close());

test('the domain reads full-width amounts and phone numbers as the ASCII ones, and still refuses non-numbers', () => {
  expect(AmountSchema.parse('１，５００，０００')).toBe(1_500_000);
  expect(AmountSchema.parse('１２００．５０')).toBe(1200.5);
  expect(AmountSchema.safeParse('百万').success).toBe(false);
  expect(PhoneSchema.parse('０３－１２３４－５６７８')).toBe('03-1234-5678');
  expect(PhoneSchema.parse('＋８１\u30003 5555 0000')).toBe('+81 3 5555 0000');
  expect(PhoneSchema.safeParse('でんわ').success).toBe(false);
});

test('ja-JP: a deal typed with full-width value and phone numbers is created; the review shows the amount', async () => {
  const w = new WizardDriver(app, BOB, { locale: 'ja-JP' });
  await w.say('新しい取引');
  await w.click('search', { country: 'JP', city: 'Tokyo', query: 'ｆａｂｒｉｋａｍ' });
  await w.click('next', { customerId: fabrikamId });
  await w.click('next', { ...GOOD.contact, 'contact.phone': '０３－５５５５－００００' });
  expect(cardText(w.current!.card)).toContain('取引の詳細');

  // Not a number at all is still refused, in Japanese, on the same card.
  const refused = await w.click('next', GOOD.details({ name: '全角入力の取引', value: '百五十万' }));
  expect(errorUnder(refused.card, 'value')).toBe('金額を入力してください (例: 1500000、1,500,000、150万円、1.5M)。');

  await w.click('next', GOOD.details({ name: '全角入力の取引', value: '１，５００，０００' }));
  expect(cardText(w.current!.card)).toContain('チーム');
  await w.click('next', { 'team.0.phone': '０３－１２３４－５６７８' });
  await w.click('next', GOOD.assessment);
  const review = cardText(w.current!.card);
  expect(review).toContain('確認して作成');
  expect(review).toMatch(/1,500,000/);
  expect(review).not.toContain('NaN');

  const { card } = await w.click('next', { consent: 'true' });
  expect(cardText(card)).toMatch(/取引 #\d+「全角入力の取引」を作成しました。/);
  const deal = await app.db.prisma.deal.findFirstOrThrow({ where: { name: '全角入力の取引' }, include: { team: true } });
  expect(Number(deal.value)).toBe(1_500_000);
  expect(deal.contactPhone).toBe('03-5555-0000');
  expect(deal.team.map((m) => m.phone)).toEqual(['03-1234-5678']);
});
