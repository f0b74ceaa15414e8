import { calendarDaysBetween, formatDate, formatDateTime, formatMoney, parseAmount } from '../../src/domain';
import { expiresText } from '../../cards/referralFacts';
import { cardAction, cardText } from '../helpers/teams';
import { press, startDealKit, type DealKit } from './dealTestKit';

/**
 * Issue 14, section 2: dates, times and amounts for the reader, through /api/messages. Teams sends each user's time
 * zone (`localTimezone`, `entities[clientInfo].timezone`) and locale; the bot remembers them per person and shows
 * `2027年2月28日` / `Feb 28, 2027`, times in the reader's zone without a "UTC" suffix in Japanese, `¥1,500,000` /
 * `$25,000`, and takes amounts as people type them.
 */

describe('formatting for the reader', () => {
  test('dates and times', () => {
    expect(formatDate('2027-02-28', 'ja')).toBe('2027年2月28日');
    expect(formatDate('2027-02-28', 'en')).toBe('Feb 28, 2027');
    const morning = new Date('2026-12-01T23:55:00Z'); // 8:55 on 2 December in Tokyo
    expect(formatDateTime(morning, 'ja', 'Asia/Tokyo')).toBe('2026年12月2日 8:55');
    expect(formatDate(morning, 'ja', 'Asia/Tokyo')).toBe('2026年12月2日');
    expect(formatDateTime(morning, 'ja', 'UTC')).not.toContain('UTC');
    expect(formatDateTime(morning, 'en', 'America/Los_Angeles')).toBe('Dec 1, 2026, 3:55 PM PST');
  });

  test('amounts', () => {
    expect(formatMoney(1_500_000, 'JPY', 'ja')).toBe('¥1,500,000');
    expect(formatMoney(1_500_000, 'JPY', 'en')).toBe('¥1,500,000');
    expect(formatMoney(25_000, 'USD', 'en')).toBe('$25,000');
    expect(formatMoney(25_000.5, 'USD', 'en')).toBe('$25,000.50');
    for (const typed of ['1500000', '1,500,000', '１，５００，０００', '150万円', '150万', '1.5M', '1.5m', '¥1,500,000', '1500k']) {
      expect({ typed, amount: parseAmount(typed) }).toEqual({ typed, amount: 1_500_000 });
    }
    expect(parseAmount('1億2000万')).toBe(120_000_000);
    expect(parseAmount('abc')).toBeNaN();
    expect(parseAmount('1万2万')).toBeNaN();
  });

  test('expiry counts calendar days in the location’s zone', () => {
    // 23:30 UTC on 1 Dec is 08:30 on 2 Dec in Tokyo; 10:00 UTC on 2 Dec is 19:00 the same Tokyo day.
    const now = new Date('2026-12-01T23:30:00Z');
    const expiresAt = new Date('2026-12-02T10:00:00Z');
    expect(calendarDaysBetween(now, expiresAt, 'Asia/Tokyo')).toBe(0);
    expect(expiresText(expiresAt, 'ja', now, 'Asia/Tokyo')).toBe('2026年12月2日 (本日)');
    expect(calendarDaysBetween(now, expiresAt, 'UTC')).toBe(1);
    expect(expiresText(expiresAt, 'en', now, 'UTC')).toBe('Dec 2, 2026 (in 1 day)');
  });
});

describe('through /api/messages', () => {
  let kit: DealKit;
  beforeAll(async () => {
    kit = await startDealKit();
  });
  afterAll(() => kit?.close());

  const userRow = (aad: string) => kit.app.db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: aad } });

  /** A click with the time zone Teams sends in `localTimezone` and/or the clientInfo entity (or none at all). */
  async function clickIn(verb: string, data: Record<string, unknown>, locale: string, zone: { local?: string; clientInfo?: string }) {
    const activity = cardAction(verb, data, { from: kit.teams.tokyoUser, locale });
    activity.localTimezone = zone.local as string;
    activity.entities = zone.clientInfo ? [{ type: 'clientInfo', locale, timezone: zone.clientInfo }] : [];
    const res = await kit.app.post(activity);
    expect(res.status).toBe(200);
    return res.body.value;
  }

  test('the zone and locale Teams sends are remembered per person, and used when a later activity has none', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser, { closeDate: '2099-02-28' });
    await clickIn('deal.refresh', { dealId: deal.id }, 'en-US', { clientInfo: 'America/New_York' });
    expect(await userRow('aad-tokyouser')).toMatchObject({ timeZone: 'America/New_York', locale: 'en-US' });
    await clickIn('deal.refresh', { dealId: deal.id }, 'ja-JP', { local: 'Asia/Tokyo' });
    expect(await userRow('aad-tokyouser')).toMatchObject({ timeZone: 'Asia/Tokyo', locale: 'ja-JP' });
    // Not a zone: ignored, the remembered one stays.
    await clickIn('deal.refresh', { dealId: deal.id }, 'ja-JP', { local: 'Mars/Olympus' });
    expect((await userRow('aad-tokyouser')).timeZone).toBe('Asia/Tokyo');

    // A stage completed now shows in the reader's zone: Tokyo's time for the Tokyo reader, no "UTC" in Japanese.
    let card = await clickIn('deal.refresh', { dealId: deal.id }, 'ja-JP', {});
    expect(cardText(card)).toContain('推定成立日');
    expect(cardText(card)).toContain('2099年2月28日');
    expect(cardText(card)).toContain('¥1,500,000');
    card = await clickIn('deal.completeStage', press(card, 'deal.completeStage'), 'ja-JP', {});
    const done = (await kit.app.db.prisma.stageCompletion.findFirstOrThrow({ where: { dealId: deal.id } })).completedAt;
    expect(cardText(card)).toContain(formatDateTime(done, 'ja', 'Asia/Tokyo'));
    expect(cardText(card)).not.toContain('UTC');

    const en = await clickIn('deal.refresh', { dealId: deal.id }, 'en-US', { local: 'America/Los_Angeles' });
    expect(cardText(en)).toContain('Feb 28, 2099');
    expect(cardText(en)).toContain(formatDateTime(done, 'en', 'America/Los_Angeles'));
  });

  test('value inputs take amounts as people type them; the currency is a choice from configuration', async () => {
    const deal = await kit.createDeal(kit.actors.tokyoUser);
    const card = await kit.click('deal.refresh', { dealId: deal.id }, kit.teams.tokyoUser, 'ja-JP');
    let form = await kit.click('deal.edit.form', press(card, 'deal.edit.form'), kit.teams.tokyoUser, 'ja-JP');
    const currency = findInput(form, 'currency');
    expect(currency.type).toBe('Input.ChoiceSet');
    expect(currency.choices.map((c: any) => c.value)).toEqual(['JPY', 'USD', 'EUR']);
    expect(findInput(form, 'value').type).toBe('Input.Text');
    for (const [typed, stored] of [['250万円', 2_500_000], ['3.5M', 3_500_000], ['４，０００，０００', 4_000_000]] as const) {
      const current = await kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.id } });
      form = await kit.click('deal.edit.form', { dealId: deal.id, version: current.version }, kit.teams.tokyoUser, 'ja-JP');
      const saved = await kit.click('deal.edit', press(form, 'deal.edit', { value: typed }), kit.teams.tokyoUser, 'ja-JP');
      expect(cardText(saved)).toContain('変更を保存しました。');
      expect(Number((await kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).value)).toBe(stored);
    }
    const version = async () => (await kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.id } })).version;
    form = await kit.click('deal.edit.form', { dealId: deal.id, version: await version() }, kit.teams.tokyoUser, 'en-US');
    const usd = await kit.click('deal.edit', press(form, 'deal.edit', { value: '25,000', currency: 'USD' }), kit.teams.tokyoUser, 'en-US');
    expect(cardText(usd)).toContain('$25,000');
    const bad = await kit.click('deal.edit.form', { dealId: deal.id, version: await version() }, kit.teams.tokyoUser, 'ja-JP');
    const refused = await kit.click('deal.edit', press(bad, 'deal.edit', { value: 'たくさん' }), kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(refused)).toContain('例: 1500000、1,500,000、150万円、1.5M');
  });
});

function findInput(card: unknown, id: string): any {
  let found: any;
  const walk = (n: any): void => {
    if (found || n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.id === id && typeof n.type === 'string' && n.type.startsWith('Input.')) found = n;
    else Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}
