import { adaptiveCards, cardText, type TeamsUser } from '../helpers/teams';
import { OSAKA, TOKYO, memberOf, referral } from '../helpers/fixtures';
import { STAGE_PERCENT, type PersonActor, type Stage } from '../../src/domain';
import { startDealKit, type DealKit } from './dealTestKit';

/**
 * The list and pipeline commands over 122 deals: filters, keyset paging with Next/Previous, visibility per role
 * (R1–R3), and pipeline totals checked against numbers worked out by hand from the fixture.
 */
describe('deals, mine, deal and pipeline commands', () => {
  let kit: DealKit;
  /** What the fixture made, to compute expectations by hand. */
  const made: { id: string; owner: string; location: string; currency: string; value: number; stage: Stage; status: string }[] = [];

  beforeAll(async () => {
    kit = await startDealKit();
    const { actors } = kit;
    const store = kit.app.app.services.commands;
    const make = async (actor: PersonActor, i: number, extra: Record<string, unknown>) => {
      const d = await kit.createDeal(actor, { name: `Deal ${actor.name} ${i}`, team: [memberOf(actor)], ...extra });
      made.push({ id: d.id, owner: actor.id, location: (extra.locationId as string) ?? TOKYO, currency: (extra.currency as string) ?? 'JPY', value: extra.value as number, stage: 'accepted', status: 'Active' });
      return d;
    };
    // 60 solution assessments in Tokyo (JPY) by Yuki; 30 co-sell in Tokyo (USD) by Ken; 30 assessments in Osaka by Hana.
    for (let i = 0; i < 60; i++) await make(actors.tokyoUser, i, { value: 1000 * (i + 1) });
    const cosell = { dealType: 'coSell', assessmentType: undefined, assessmentLocation: undefined, solutions: [{ id: 's', name: 'Migration Factory' }], currency: 'USD' };
    for (let i = 0; i < 30; i++) await make(actors.tokyoUser2, i, { ...cosell, value: 100 * (i + 1) + 0.5 });
    for (let i = 0; i < 30; i++) await make(actors.osakaUser, i, { value: 500, locationId: OSAKA });
    const run = async (n: number, type: any, input: any, actor: PersonActor, stage: Stage, status = 'Active') => {
      const r = await store.execute(made[n]!.id, { type, input }, actor);
      if (!r.ok) throw new Error(r.refusal.code);
      Object.assign(made[n]!, { stage, status });
    };
    for (let n = 0; n < 10; n++) await run(n, 'completeStage', { stage: 'secureCustomerLoe' }, actors.tokyoUser, 'secureCustomerLoe');
    for (let n = 0; n < 5; n++) await run(n, 'completeStage', { stage: 'collectData' }, actors.tokyoUser, 'collectData');
    for (let n = 60; n < 65; n++) await run(n, 'setStage', { stage: 'proposed' }, actors.tokyoUser2, 'proposed');
    for (let n = 65; n < 68; n++) await run(n, 'win', {}, actors.tokyoUser2, 'won', 'Closed');
    for (let n = 58; n < 60; n++) await run(n, 'lose', { reason: 'other' }, actors.tokyoUser, 'lost', 'Closed');
    // Two new referrals in Tokyo: visible to every Tokyo user until one answers (R14).
    for (let i = 0; i < 2; i++) {
      const r = await store.receive(referral());
      if (!r.ok) throw new Error(r.refusal.code);
      made.push({ id: r.value.deal.id, owner: '', location: TOKYO, currency: 'JPY', value: 2_000_000, stage: 'created', status: 'New' });
    }
    // The referrals' cards are posted by the job worker; let it finish so no announcement lands between a command
    // and its answer.
    await kit.app.settle();
  }, 120_000);
  afterAll(() => kit?.close());

  const say = (text: string, from: TeamsUser, locale = 'en-US') => kit.say(text, from, locale);

  const rowsOf = (card: any): { dealId: string; name: string }[] =>
    card.body.filter((e: any) => e.selectAction?.verb === 'deal.open').map((e: any) => ({ dealId: e.selectAction.data.dealId, name: e.items[0].columns[0].items[0].text }));
  const buttonOf = (card: any, title: string) => (card.actions ?? []).find((a: any) => a.title === title);

  /** Follows Next to the end; returns every deal id in order and the cards seen. */
  async function walk(first: any, as: TeamsUser) {
    const ids: string[] = [];
    const pages = [first];
    let card = first;
    ids.push(...rowsOf(card).map((r) => r.dealId));
    for (let guard = 0; guard < 30; guard++) {
      const next = buttonOf(card, 'Next') ?? buttonOf(card, '次へ');
      if (!next) break;
      card = await kit.click('deals.page', next.data, as);
      pages.push(card);
      ids.push(...rowsOf(card).map((r) => r.dealId));
    }
    return { ids, pages };
  }

  test('a global admin pages through all 122 deals, 10 at a time, newest first, none twice; Previous goes back', async () => {
    const first = await say('deals', kit.teams.admin);
    expect(buttonOf(first, 'Previous')).toBeUndefined();
    const { ids, pages } = await walk(first, kit.teams.admin);
    expect(pages).toHaveLength(13);
    expect(ids).toHaveLength(122);
    expect(new Set(ids).size).toBe(122);
    const numbers = await kit.app.db.prisma.deal.findMany({ select: { id: true, number: true } });
    const byId = new Map(numbers.map((n) => [n.id, n.number]));
    const order = ids.map((id) => byId.get(id)!);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    // Previous from the last page shows page 12 again, the same rows.
    const last = pages[pages.length - 1];
    const back = await kit.click('deals.page', buttonOf(last, 'Previous').data, kit.teams.admin);
    expect(rowsOf(back)).toEqual(rowsOf(pages[11]));
    expect(cardText(back)).toContain('Page 12');
  });

  test.each([
    ['tokyoAdmin', 92],
    ['tokyoUser', 62],
    ['tokyoUser2', 32],
    ['osakaUser', 30],
  ] as const)('%s sees exactly the deals R1–R3 allow (%i)', async (who, count) => {
    const { ids } = await walk(await say('deals', kit.teams[who]), kit.teams[who]);
    const actor = kit.actors[who];
    const expected = made
      .filter((d) => (actor.scope.global || actor.scope.locations.includes(d.location)) && (actor.role === 'admin' || d.status === 'New' || d.owner === actor.id))
      .map((d) => d.id);
    expect(ids).toHaveLength(count);
    expect(new Set(ids)).toEqual(new Set(expected));
  });

  test('someone without a role gets no list', async () => {
    const card = await say('deals', kit.teams.nobody);
    expect(rowsOf(card)).toEqual([]);
  });

  test.each([
    ['deals inbound', 2],
    ['deals outbound type:cosell', 30],
    ['deals stage:collect data', 5],
    ['deals stage:"Secure customer LOE"', 5],
    ['deals stage:60%', 5],
    ['deals status:won', 3],
    ['deals status:lost type:sa', 2],
    ['deals location:osaka', 30],
    ['取引一覧 type:sa status:アクティブ location:大阪', 0],
    ['取引一覧 type:sa status:アクティブ location:Osaka', 30],
    ['取引一覧 ステージ:データを収集する', 5],
    ['取引一覧 販売ステージ:データの収集', 5],
  ])('filter "%s" → %i deals', async (text, count) => {
    const { ids } = await walk(await say(text, kit.teams.admin, text.startsWith('取引') ? 'ja-JP' : 'en-US'), kit.teams.admin);
    expect(ids).toHaveLength(count);
  });

  test('bad filters are explained, in the user’s language', async () => {
    expect(cardText(await say('deals stage:shipping', kit.teams.admin))).toContain('"shipping" is not a known stage.');
    expect(cardText(await say('deals colour:red', kit.teams.admin))).toContain('"colour:red" is not a filter I know.');
    expect(cardText(await say('取引一覧 type:xyz', kit.teams.admin, 'ja-JP'))).toContain('「xyz」は取引の種類ではありません。');
  });

  test('mine lists the deals the user works on', async () => {
    const { ids } = await walk(await say('mine', kit.teams.tokyoUser2), kit.teams.tokyoUser2);
    expect(ids).toHaveLength(30);
    const ja = await say('自分の取引', kit.teams.osakaUser, 'ja-JP');
    expect(cardText(ja)).toContain('自分の取引');
  });

  test('deal <number> and deal <name> show the card and record the copy; an invisible deal is not found', async () => {
    const number = (await kit.app.db.prisma.deal.findUniqueOrThrow({ where: { id: made[3]!.id } })).number;
    const card = await say(`deal ${number}`, kit.teams.tokyoUser);
    expect(cardText(card)).toContain(`Deal #${number}`);
    expect(cardText(card)).toContain('Collect data · 40 %');
    expect(await kit.app.db.prisma.cardPost.count({ where: { dealId: made[3]!.id } })).toBe(1);
    expect(cardText(await say(`deal ${number}`, kit.teams.osakaUser))).toContain('No deal you can see matches');
    const byName = await say('取引 Deal Hana Osaka 7', kit.teams.osakaUser, 'ja-JP');
    expect(cardText(byName)).toContain('Deal Hana Osaka 7');
  });

  test('a row of the list sends the deal card and keeps the list; the next row opened replaces that card', async () => {
    const list = await say('deals type:cosell', kit.teams.tokyoUser2);
    const row = list.body.find((e: any) => e.selectAction?.verb === 'deal.open');
    const before = kit.app.stub.sent().length;
    const answer = await kit.click('deal.open', row.selectAction.data, kit.teams.tokyoUser2);
    expect(rowsOf(answer)).toEqual(rowsOf(list));
    const sent = kit.app.stub.sent().slice(before).flatMap(adaptiveCards);
    expect(sent).toHaveLength(1);
    expect(cardText(sent[0])).toContain(row.items[0].columns[0].items[0].text.replace(/^#\d+ /, ''));

    // Another row of the same list: the deal card it opened shows the other deal now — no second copy (issue 14).
    const opened = kit.app.stub.calls.slice(before).find((c) => c.kind === 'send' || c.kind === 'reply')!;
    const other = answer.body.filter((e: any) => e.selectAction?.verb === 'deal.open')[1];
    const callsBefore = kit.app.stub.calls.length;
    const again = await kit.click('deal.open', other.selectAction.data, kit.teams.tokyoUser2);
    expect(rowsOf(again)).toEqual(rowsOf(list));
    const calls = kit.app.stub.calls.slice(callsBefore).filter((c) => c.conversationId === opened.conversationId);
    expect(calls.filter((c) => c.kind === 'send' || c.kind === 'reply')).toEqual([]);
    const replaced = calls.filter((c) => c.kind === 'update' && c.activityId === opened.id);
    expect(replaced).toHaveLength(1);
    expect(cardText(adaptiveCards(replaced[0]!.activity)[0])).toContain(other.items[0].columns[0].items[0].text.replace(/^#\d+ /, ''));
    // The message now follows the other deal: later changes to the first deal no longer touch it.
    expect(await kit.app.db.prisma.cardPost.findMany({ where: { activityId: opened.id }, select: { dealId: true } })).toEqual([{ dealId: other.selectAction.data.dealId }]);
  });

  test('pipeline: count, total and weighted value per stage and currency equal a hand computation', async () => {
    // Hand computation for Yuki (Tokyo user): his 58 open assessments plus the two new referrals, all JPY.
    //   collectData (40 %): deals 1..5   → 1000+…+5000 = 15,000 → weighted 6,000
    //   secureCustomerLoe (20 %): 6..10  → 6000+…+10000 = 40,000 → weighted 8,000
    //   accepted (10 %): 11..58          → 1000·(11+…+58) = 1,656,000 → weighted 165,600
    //   created (10 %): two referrals    → 4,000,000 → weighted 400,000
    const card = await say('pipeline', kit.teams.tokyoUser);
    const text = cardText(card);
    for (const line of ['¥15,000', '¥6,000', '¥40,000', '¥8,000', '¥1,656,000', '¥165,600', '¥4,000,000', '¥400,000', '¥5,711,000', '¥579,600']) {
      expect(text).toContain(line);
    }
    expect(text).not.toContain('$');
    // The same numbers from the fixture records, for every role, and the card per currency.
    for (const who of ['admin', 'tokyoAdmin', 'tokyoUser2', 'osakaUser'] as const) {
      const actor = kit.actors[who];
      const visible = made.filter(
        (d) => d.status !== 'Closed' && (actor.scope.global || actor.scope.locations.includes(d.location)) && (actor.role === 'admin' || d.status === 'New' || d.owner === actor.id),
      );
      const expected = new Map<string, { count: number; total: number; weighted: number }>();
      for (const d of visible) {
        const key = `${d.stage}/${d.currency}`;
        const e = expected.get(key) ?? { count: 0, total: 0, weighted: 0 };
        expected.set(key, { count: e.count + 1, total: e.total + d.value, weighted: e.weighted + (d.value * STAGE_PERCENT[d.stage]) / 100 });
      }
      const got = await kit.app.app.services.queries.pipeline(actor);
      expect(new Map(got.rows.map((r) => [`${r.stage}/${r.currency}`, { count: r.count, total: Number(r.total), weighted: Number(r.weighted) }]))).toEqual(
        new Map([...expected].map(([k, v]) => [k, { ...v, total: Math.round(v.total * 100) / 100, weighted: Math.round(v.weighted * 1000) / 1000 }])),
      );
    }
    const usd = cardText(await say('パイプライン', kit.teams.tokyoUser2, 'ja-JP'));
    // Ken: 22 co-sell at Accepted (10 %) + 5 at Proposed (60 %) in USD, plus the two JPY referrals.
    expect(usd).toContain('提案済み・進捗 60%');
    expect(usd).toContain('USD');
    expect(usd).toContain('JPY');
  });
});
