import { cardText, type TeamsUser } from '../helpers/teams';
import { OSAKA, inDays, memberOf, referral } from '../helpers/fixtures';
import type { PersonActor } from '../../src/domain';
import { startDealKit, type DealKit } from './dealTestKit';

/**
 * Issue 17: `insights` / `分析` through /api/messages. A fixture with hand-set times (received, accepted, closed N days
 * ago) and the numbers worked out by hand below; scope as for lists (R1–R3); filters; the chart links it gives.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = 'https://cosell.example';

describe('insights / 分析', () => {
  let kit: DealKit;
  const now = Date.now();
  const ago = (days: number, hours = 0) => new Date(now - days * DAY + hours * HOUR);

  beforeAll(async () => {
    kit = await startDealKit({ PUBLIC_BASE_URL: BASE, CHART_LINK_SECRET: 'a-test-secret-of-at-least-32-characters' });
    const { actors } = kit;
    const commands = kit.app.app.services.commands;
    const prisma = kit.app.db.prisma;
    const ok = <T>(r: { ok: true; value: T } | { ok: false; refusal: { code: string } }): T => {
      if (!r.ok) throw new Error(r.refusal.code);
      return r.value;
    };
    const receive = async () => ok(await commands.receive(referral())).deal.id;
    const accept = async (id: string, by: PersonActor) =>
      ok(await commands.execute(id, { type: 'accept', input: { name: 'Accepted referral', value: 2_000_000, closeDate: inDays(30), notes: 'ok', team: [memberOf(by)] } }, by));
    // R20: an assessment is won after its stages are done.
    const win = async (id: string, by: PersonActor) => {
      for (const stage of ['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer']) ok(await commands.execute(id, { type: 'completeStage', input: { stage } }, by));
      ok(await commands.execute(id, { type: 'win', input: {} }, by));
    };
    const times = (id: string, data: Record<string, Date>) => prisma.deal.update({ where: { id }, data });

    // Referrals in Tokyo (inbound, 2,000,000 JPY each), Yuki accepts; Taro (Tokyo admin) declines.
    const r1 = await receive(); // received 10 d ago, accepted 2 h later, won 5 d ago
    await accept(r1, actors.tokyoUser);
    await win(r1, actors.tokyoUser);
    await times(r1, { receivedAt: ago(10), acceptedAt: ago(10, 2), closedAt: ago(5) });
    const r2 = await receive(); // received 20 d ago, accepted 4 h later, lost 3 d ago
    await accept(r2, actors.tokyoUser);
    ok(await commands.execute(r2, { type: 'lose', input: { reason: 'other' } }, actors.tokyoUser));
    await times(r2, { receivedAt: ago(20), acceptedAt: ago(20, 4), closedAt: ago(3) });
    const r3 = await receive(); // received 30 d ago, accepted 10 h later, open at Accepted
    await accept(r3, actors.tokyoUser);
    await times(r3, { receivedAt: ago(30), acceptedAt: ago(30, 10) });
    for (const [days, reason] of [[40, 'budgetNotAdequate'], [50, 'budgetNotAdequate'], [15, 'customerDidNotRespond']] as const) {
      const id = await receive();
      ok(await commands.execute(id, { type: 'decline', input: { reason } }, actors.tokyoAdmin));
      await times(id, { receivedAt: ago(days), closedAt: ago(days - 1) });
    }
    const r7 = await receive(); // unanswered, received 2 d ago
    await times(r7, { receivedAt: ago(2) });
    const r8 = await receive(); // outside the window: received 100 d ago, accepted, won 95 d ago
    await accept(r8, actors.tokyoUser);
    await win(r8, actors.tokyoUser);
    await times(r8, { receivedAt: ago(100), acceptedAt: ago(100, 1), closedAt: ago(95) });
    const r9 = await receive(); // expired 46 d ago (what the sweeper records)
    await prisma.deal.update({ where: { id: r9 }, data: { status: 'Closed', substatus: 'Expired', receivedAt: ago(60), closedAt: ago(46) } });

    // Outbound: Yuki's assessments (JPY), Ken's co-sell (USD), Hana's assessments in Osaka.
    await kit.createDeal(actors.tokyoUser, { value: 1_000_000 }); // Accepted, 10 %
    const o2 = await kit.createDeal(actors.tokyoUser, { value: 2_000_000 });
    ok(await commands.execute(o2.id, { type: 'completeStage', input: { stage: 'secureCustomerLoe' } }, actors.tokyoUser)); // 20 %
    const o3 = await kit.createDeal(actors.tokyoUser, { value: 3_000_000 }); // created 30 d ago, won 1 d ago
    await win(o3.id, actors.tokyoUser);
    await times(o3.id, { createdAt: ago(30), closedAt: ago(1) });
    const cosell = { dealType: 'coSell', assessmentType: undefined, assessmentLocation: undefined, solutions: [{ id: 's', name: 'Migration Factory' }], currency: 'USD' };
    const c1 = await kit.createDeal(actors.tokyoUser2, { ...cosell, value: 10_000 });
    ok(await commands.execute(c1.id, { type: 'setStage', input: { stage: 'proposed' } }, actors.tokyoUser2)); // 60 %
    const c2 = await kit.createDeal(actors.tokyoUser2, { ...cosell, value: 5_000 });
    ok(await commands.execute(c2.id, { type: 'lose', input: { reason: 'customerChoseAnotherVendor' } }, actors.tokyoUser2));
    await times(c2.id, { closedAt: ago(5) });
    await kit.createDeal(actors.osakaUser, { value: 500_000, locationId: OSAKA });
    const o5 = await kit.createDeal(actors.osakaUser, { value: 700_000, locationId: OSAKA });
    await win(o5.id, actors.osakaUser);
    await times(o5.id, { createdAt: ago(10), closedAt: ago(2) });
    await kit.app.settle();
  }, 120_000);
  afterAll(() => kit?.close());

  const say = (text: string, from: TeamsUser, locale = 'en-US') => kit.say(text, from, locale);

  const imagesOf = (card: any): { url: string; altText: string }[] => {
    const out: any[] = [];
    const walk = (n: any): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (!n || typeof n !== 'object') return;
      if (n.type === 'Image') out.push(n);
      Object.values(n).forEach(walk);
    };
    walk(card.body);
    return out;
  };

  test('a Tokyo admin: every number equals the hand computation, in the card text', async () => {
    // Window (90 days): referrals received r1–r7 and r9 = 8; accepted r1, r2, r3 = 3; won r1 = 1.
    // Time to accept: 2 h, 4 h, 10 h → median 4 hours. Time to win: r1 120 h (from receipt), o3 720 − 24 = 696 h
    // (from creation) → median 408 h = 17 days. Closed in the window: won r1, o3; lost r2, c2 → 50 %.
    // Declined: budget ×2, no response ×1; expired ×1. Osaka's deals are not in Taro's scope.
    // Pipeline: SA received r7 2,000,000 → weighted 200,000; SA accepted r3 2,000,000 + 1,000,000 → 300,000;
    // SA secure LOE 2,000,000 → 400,000; co-sell proposed $10,000 → $6,000.
    const text = cardText(await say('insights', kit.teams.tokyoAdmin));
    for (const line of [
      'Insights',
      'Deals in Contoso Japan – Tokyo',
      'Solution assessment · Received: 1, weighted ¥200,000',
      'Solution assessment · Accepted: 2, weighted ¥300,000',
      'Solution assessment · Secure customer LOE: 1, weighted ¥400,000',
      'Co-sell · Proposed: 1, weighted $6,000',
      'Received: 8 (100%)',
      'Accepted: 3 (38%)',
      'Won: 1 (13%)',
      'Time to accept: 4 hours (median of 3)',
      'Time to win: 17 days (median of 2)',
      'Win rate: 50% (2 Won, 2 Lost)',
      "Project budget isn't adequate: 2",
      "Customer didn't respond: 1",
      'Expired: 1',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).not.toContain('Osaka');
  });

  test('a Referrals user sees only the deals R3 lets them see; Japanese words from the glossary', async () => {
    // Yuki: r1, r2, r3, r8 (accepted by him), his o1–o3, and the unanswered r7. Funnel r1, r2, r3, r7 = 4 → 3 → 1.
    // Win rate: won r1, o3; lost r2 → 2 / 3. No declines visible (Taro declined them; Yuki is not on them).
    const text = cardText(await say('分析', kit.teams.tokyoUser, 'ja-JP'));
    for (const line of [
      '分析',
      'Contoso Japan – Tokyo: あなたの取引',
      'ソリューション評価・受け取り: 1 件、加重値 ¥200,000',
      '受け取り: 4 件 (100%)',
      '承認済み: 3 件 (75%)',
      '受注: 1 件 (25%)',
      '承諾まで: 4 時間 (3 件の紹介)',
      '受注まで: 17 日 (2 件の取引)',
      '勝率: 67% (受注 2 件、失注 1 件)',
      '辞退・期限切れになった紹介はありません。',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).not.toContain('共同販売・提案済み');
  });

  test('filters: person: and location:, as in deals; unknown ones are explained', async () => {
    const ken = cardText(await say('insights person:ken', kit.teams.admin));
    expect(ken).toContain('Person: Ken Tokyo');
    expect(ken).toContain('Co-sell · Proposed: 1, weighted $6,000');
    expect(ken).not.toContain('Solution assessment ·');
    expect(ken).toContain('Win rate: 0% (0 Won, 1 Lost)');
    const osaka = cardText(await say('分析 場所:osaka', kit.teams.admin, 'ja-JP'));
    expect(osaka).toContain('場所: Contoso Japan – Osaka');
    expect(osaka).toContain('ソリューション評価・承認済み: 1 件、加重値 ¥50,000');
    expect(osaka).toContain('勝率: 100% (受注 1 件、失注 0 件)');
    // Outside the reader's scope a location filter finds nothing (R1), not an error.
    expect(cardText(await say('insights location:osaka', kit.teams.tokyoAdmin))).toContain('No open deals.');
    // The same filter lists Ken's deals.
    const kensDeals = await say('deals person:ken', kit.teams.admin);
    expect(kensDeals.body.filter((e: any) => e.selectAction?.verb === 'deal.open')).toHaveLength(2);
    expect(cardText(await say('insights stage:won', kit.teams.admin))).toContain('"stage:won" is not a filter I know.');
    expect(cardText(await say('insights person:nobody-like-this', kit.teams.admin))).toContain('No one I know matches "nobody-like-this".');
  });

  test('accepting a referral records when (the time to accept starts from it)', async () => {
    const received = await kit.app.app.services.commands.receive(referral());
    if (!received.ok) throw new Error(received.refusal.code);
    const before = Date.now();
    const accepted = await kit.app.app.services.commands.execute(
      received.value.deal.id,
      { type: 'accept', input: { name: 'Timed acceptance', value: 1000, closeDate: inDays(30), notes: 'ok', team: [memberOf(kit.actors.tokyoUser)] } },
      kit.actors.tokyoUser,
    );
    expect(accepted.ok).toBe(true);
    const row = await kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id: received.value.deal.id } });
    expect(row.acceptedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.acceptedAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  test('someone without a role gets nothing: no numbers, no chart', async () => {
    const before = await kit.app.db.prisma.chartImage.count();
    const card = await say('insights', kit.teams.nobody);
    expect(imagesOf(card)).toEqual([]);
    expect(cardText(card)).not.toMatch(/¥|\$|Win rate/);
    expect(await kit.app.db.prisma.chartImage.count()).toBe(before);
  });

  test('the charts are signed links under PUBLIC_BASE_URL that serve PNGs; a changed link serves nothing', async () => {
    const card = await say('insights', kit.teams.admin);
    const images = imagesOf(card);
    expect(images).toHaveLength(3);
    for (const image of images) {
      expect(image.url.startsWith(`${BASE}/charts/`)).toBe(true);
      expect(image.altText).toMatch(/^Chart: /);
      const res = await fetch(image.url.replace(BASE, kit.app.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await res.arrayBuffer());
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(png.readUInt32BE(16)).toBe(880); // 440 CSS pixels at twice the density
    }
    const path = images[0]!.url.replace(BASE, '');
    const tampered = path.replace(/\.([A-Za-z0-9_-])([A-Za-z0-9_-]{42})\.png$/, (_m, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}.png`);
    expect(tampered).not.toBe(path);
    const refused = await kit.app.get(tampered);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('CHART_LINK_INVALID');
    expect(refused.headers.get('content-type')).not.toContain('image');
    expect((await kit.app.get('/charts/not-a-chart.png')).status).toBe(403);
    // A Teams card stays well under the ~28 KB card limit with its links.
    expect(JSON.stringify(card).length).toBeLessThan(28_000);
  });
});
