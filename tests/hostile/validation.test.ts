import { AmountSchema, CountrySchema, CurrencySchema, DateSchema, DunsSchema, PhoneSchema, foldCode, requiredText } from '../../src/domain';
import { memberOf, validCreateInput } from '../helpers/fixtures';
import { BOB, adaptiveCards, cardText } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { WizardDriver, errorUnder } from '../wizard/wizardDriver';
import { GOOD, withRole } from '../wizard/wizardSetup';
import { call, patchFresh, replace } from '../api/apiKit';
import { pcReferral, postReferral } from '../referrals/referralTestKit';
import { dealCount, startHostileApp, type HostileApp } from './hostileKit';

/**
 * Issue 15, item 7: values that used to reach the database (a 500) or be read as something else (silent acceptance)
 * get a field error in ja and en at every boundary, and nothing is stored.
 */

let h: HostileApp;
let app: TestApp;
beforeAll(async () => {
  h = await startHostileApp();
  app = h.app;
});
afterAll(() => h?.close());

describe('one normaliser for code-like fields (foldCode)', () => {
  test('full-width digits, letters and dashes fold for DUNS, currency, country, dates, amounts and phones', () => {
    expect(foldCode('　２０２７－０１－３１ ')).toBe('2027-01-31');
    expect(DunsSchema.parse('１２３－４５６－７８９')).toBe('123456789');
    expect(DunsSchema.parse('123ー456ー789')).toBe('123456789');
    expect(CurrencySchema.parse('ｊｐｙ')).toBe('JPY');
    expect(CountrySchema.parse('ＪＰ')).toBe('JP');
    expect(DateSchema.parse('２０２７－０１－３１')).toBe('2027-01-31');
    expect(AmountSchema.parse('１，２００．５０')).toBe(1200.5);
    expect(PhoneSchema.parse('０３ー１２３４ー５６７８')).toBe('03-1234-5678');
  });

  test.each([['0x10'], ['1e3'], ['Infinity'], ['0b11'], ['1_0e2']])('%j is not read as a number', (typed) => {
    expect(AmountSchema.safeParse(typed).success).toBe(false);
  });

  test.each([['0000-01-01'], ['1899-12-31'], ['10000-01-01'], ['2027-02-30'], ['2027-01-01Tgarbage']])('the date %j is refused', (typed) => {
    expect(DateSchema.safeParse(typed).success).toBe(false);
  });

  test('NUL, other control characters and lone surrogates are refused in text; emoji and tabs are not', () => {
    const name = requiredText(50);
    for (const bad of ['a\u0000b', 'a\u0007b', 'a\ud800b', 'a\udc00b', '\ud83d']) expect(name.safeParse(bad).success).toBe(false);
    for (const good of ['a😀b', 'a\tb', '株式会社']) expect(name.safeParse(good).success).toBe(true);
  });
});

describe('POST /api/referrals', () => {
  test.each([
    ['a NUL in the name', { name: 'North\u0000wind' }, 'name', 'badCharacters'],
    ['a lone surrogate in the name', { name: 'North\ud800wind' }, 'name', 'badCharacters'],
    ['year 0000', { createdDateTime: '0000-01-01T00:00:00Z' }, 'createdDateTime', 'dateOutOfRange'],
    ['a five-digit year', { createdDateTime: '10000-01-01T00:00:00Z' }, 'createdDateTime', 'invalidDateTime'],
    ['a creation date that would push the expiry past 9999', { createdDateTime: '9999-12-31T00:00:00Z' }, 'createdDateTime', 'dateInFuture'],
    ['a date-time with garbage', { createdDateTime: '2027-01-01Tgarbage' }, 'createdDateTime', 'invalidDateTime'],
    ['a closing date with garbage', { details: { ...pcReferral().details, closingDateTime: '2027-01-01Tgarbage' } }, 'details.closingDateTime', 'invalidDate'],
    ['a closing date in year 0000', { details: { ...pcReferral().details, closingDateTime: '0000-01-01' } }, 'details.closingDateTime', 'dateOutOfRange'],
    ['"0x10" as the value', { details: { ...pcReferral().details, dealValue: '0x10' } }, 'details.dealValue', 'notANumber'],
    ['"1e3" as the value', { details: { ...pcReferral().details, dealValue: '1e3' } }, 'details.dealValue', 'notANumber'],
  ])('%s → 400 with a ja/en field error, nothing stored', async (_what, patch, field, code) => {
    const before = await dealCount(app);
    const res = await postReferral(app, pcReferral(patch));
    expect(res.status).toBe(400);
    const error = res.body.errors.find((e: { field: string }) => e.field === field);
    expect(error).toMatchObject({ code, message: { en: expect.any(String), ja: expect.any(String) } });
    expect(error.message.ja).not.toBe(error.message.en);
    expect(await dealCount(app)).toBe(before);
  });

  test('full-width DUNS, currency, country and closing date are folded and stored as ASCII', async () => {
    const body = pcReferral();
    body.customerProfile = { ...body.customerProfile, ids: { duns: '９８７－６５４－３２１' }, address: { ...body.customerProfile.address, country: 'ｊｐ' } };
    body.details = { ...body.details, currency: 'ＪＰＹ', closingDateTime: '２０２７－０３－３１', dealValue: '２，５００，０００' };
    const res = await postReferral(app, body);
    expect(res.status).toBe(201);
    const deal = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: res.body.dealId }, include: { customer: true } });
    expect(deal.currency).toBe('JPY');
    expect(deal.closeDate.toISOString().slice(0, 10)).toBe('2027-03-31');
    expect(Number(deal.value)).toBe(2_500_000);
    expect(deal.customer).toMatchObject({ duns: '987654321', country: 'JP' });
  });
});

describe('PATCH /api/deals/:id', () => {
  let dealId: string;
  beforeAll(async () => {
    const by = h.actors.tokyoUser;
    const created = await app.app.services.commands.create(validCreateInput(h.customer.id, by, { team: [memberOf(by)] }), by);
    if (!created.ok) throw new Error(created.refusal.code);
    dealId = created.value.id;
  });

  test.each([
    ['/name', 'Deal\u0000name', 'badCharacters'],
    ['/name', 'Deal\udfffname', 'badCharacters'],
    ['/details/notes', 'note \u0000', 'badCharacters'],
    ['/details/dealValue', '0x10', 'notANumber'],
    ['/details/dealValue', '1e3', 'notANumber'],
    ['/details/closingDateTime', '2027-01-01Tgarbage', 'invalidDate'],
    ['/details/closingDateTime', '0000-01-01', 'dateOutOfRange'],
    ['/details/closingDateTime', '10000-01-01', 'invalidDate'],
    ['/details/currency', 'J\u0000Y', 'invalidCurrency'],
  ])('%s = %j → 4xx with a ja/en field error; the deal is unchanged', async (path, value, code) => {
    const before = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    const res = await patchFresh(app, dealId, [replace(path, value)]);
    expect([400, 422]).toContain(res.status);
    const detail = res.body.error.details.find((d: { field: string }) => d.field === path);
    expect(detail).toMatchObject({ code, message: { en: expect.any(String), ja: expect.any(String) } });
    expect(await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).toEqual(before);
  });

  test('a full-width close date and value are folded', async () => {
    const res = await patchFresh(app, dealId, [replace('/details/closingDateTime', '２０２８－０１－３１'), replace('/details/dealValue', '９００，０００')]);
    expect(res.status).toBe(204);
    const deal = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    expect(deal.closeDate.toISOString().slice(0, 10)).toBe('2028-01-31');
    expect(Number(deal.value)).toBe(900_000);
  });
});

describe('GET /api/deals query strings', () => {
  test.each([
    ['q', 'a\u0000b'],
    ['q', '%ED%A0%80'], // a lone surrogate, percent-encoded (decoded as U+FFFD or refused, never a 500)
    ['location', 'x\u0000'],
    ['$top', '0x10'],
    ['$top', '1e1'],
    ['updatedSince', '0000-01-01T00:00:00Z'],
    ['updatedSince', '2027-01-01Tgarbage'],
  ])('%s=%j → 400, never a 500', async (name, value) => {
    const encoded = value.startsWith('%') ? value : encodeURIComponent(value);
    const res = await call(app, 'GET', `/api/deals?${name}=${encoded}`);
    if (value === '%ED%A0%80') expect(res.status).toBeLessThan(500);
    else {
      expect(res.status).toBe(400);
      expect(res.body.error.details[0]).toMatchObject({ field: name, message: { en: expect.any(String), ja: expect.any(String) } });
    }
  });

  test('% and _ in q are literal, not LIKE wildcards', async () => {
    const by = h.actors.tokyoUser;
    for (const name of ['100% Renewal', '100X Renewal', 'ABC_DEF rollout', 'ABCXDEF rollout']) {
      const created = await app.app.services.commands.create(validCreateInput(h.customer.id, by, { name, team: [memberOf(by)] }), by);
      if (!created.ok) throw new Error(created.refusal.code);
    }
    const names = async (q: string) => (await call(app, 'GET', `/api/deals?q=${encodeURIComponent(q)}`)).body.value.map((d: { name: string }) => d.name);
    expect(await names('100%')).toEqual(['100% Renewal']);
    expect(await names('abc_def')).toEqual(['ABC_DEF rollout']);
    expect(await names('%')).toEqual(['100% Renewal']);
  });
});

describe('card submits through /api/messages', () => {
  beforeAll(() => withRole(app.db.prisma, BOB, 'bob@contoso.example'));

  test('a NUL or lone surrogate in a wizard field is refused on a card (ja), the wizard keeps its state', async () => {
    const w = new WizardDriver(app, BOB, { locale: 'ja-JP' });
    await w.say('新しい取引');
    const sessionsBefore = await app.db.prisma.botState.findMany();
    const { card } = await w.click('search', { country: 'JP', city: 'To\u0000kyo', query: 'fabrikam' });
    expect(cardText(card)).toContain('制御文字');
    expect(await app.db.prisma.botState.findMany()).toEqual(sessionsBefore);
    const again = await w.click('search', { country: 'JP', city: 'Tokyo', query: 'fab\ud800rikam' });
    expect(cardText(again.card)).toContain('制御文字');
    await w.say('キャンセル');
  });

  test('wizard details: year 0000, "0x10" and full-width values get field errors or are folded', async () => {
    const w = new WizardDriver(app, BOB, { locale: 'en-US' });
    await w.say('new deal');
    await w.click('search', { country: 'JP', city: 'Tokyo', query: 'fabrikam' });
    await w.click('next', { customerId: h.customer.id });
    await w.click('next', GOOD.contact);
    const refused = await w.click('next', GOOD.details({ value: '0x10', closeDate: '0000-01-01' }));
    expect(errorUnder(refused.card, 'value')).toBe('Enter an amount, e.g. 1500000, 1,500,000, 1.5M or 25k.');
    expect(errorUnder(refused.card, 'closeDate')).toBe('Enter a date between 1900-01-01 and 9999-12-31.');
    await w.click('next', GOOD.details({ value: '１，０００', closeDate: '２０２９－０１－３１' }));
    expect(cardText(w.current!.card)).toContain('Team');
    await w.say('cancel');
  });

  test('a typed message with a NUL gets the same refusal and records nothing', async () => {
    const people = await app.db.prisma.user.count();
    const w = new WizardDriver(app, BOB, { locale: 'en-US' });
    const calls = await w.say('deals q:\u0000');
    expect(calls.flatMap((c) => adaptiveCards(c.activity).map(cardText)).join('\n')).toContain('control characters');
    expect(await app.db.prisma.user.count()).toBe(people);
  });
});
