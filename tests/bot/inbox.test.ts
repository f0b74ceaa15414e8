import { replyCards, cardText, message, type TeamsUser } from '../helpers/teams';
import { inDays, referral } from '../helpers/fixtures';
import { buttonsOf, press, startDealKit, type DealKit } from '../deals/dealTestKit';

/**
 * Issue 14, section 4, through /api/messages: `inbox` / `受信トレイ` shows the referrals waiting in my scope, soonest
 * expiry first with days left and Accept/Decline, then my deals that need a look; help is short and role-aware;
 * unknown text gets one line with the closest command and inbox/help buttons.
 */
describe('find what needs me', () => {
  let kit: DealKit;
  const DAY = 86_400_000;
  beforeAll(async () => {
    kit = await startDealKit();
  });
  afterAll(() => kit?.close());

  const say = (text: string, from: TeamsUser, locale = 'en-US') => kit.say(text, from, locale);

  async function receive(name: string, ageDays: number) {
    const r = referral({}, new Date(Date.now() - ageDays * DAY));
    const done = await kit.app.app.services.commands.receive({ ...r, deal: { ...r.deal, name } });
    if (!done.ok) throw new Error(done.refusal.code);
    return done.value.deal;
  }

  test('inbox: waiting referrals soonest expiry first with Accept/Decline, then my overdue and stale deals', async () => {
    await receive('Referral expiring later', 1);
    const soon = await receive('Referral expiring soon', 12);
    const overdue = await kit.createDeal(kit.actors.tokyoUser, { name: 'My overdue deal', closeDate: inDays(30) });
    await kit.app.db.prisma.deal.update({ where: { id: overdue.id }, data: { closeDate: new Date(Date.now() - 3 * DAY) } });
    const stale = await kit.createDeal(kit.actors.tokyoUser, { name: 'My quiet deal' });
    await kit.app.db.prisma.$executeRaw`UPDATE "Deal" SET "updatedAt" = now() - interval '40 days' WHERE id = ${stale.id}`;
    await kit.createDeal(kit.actors.tokyoUser, { name: 'My healthy deal' });

    const card = await say('受信トレイ', kit.teams.tokyoUser, 'ja-JP');
    const text = cardText(card);
    expect(text).toContain('受信トレイ');
    expect(text.indexOf('Referral expiring soon')).toBeGreaterThan(-1);
    expect(text.indexOf('Referral expiring soon')).toBeLessThan(text.indexOf('Referral expiring later'));
    expect(text).toMatch(/応答期限 \d{4}年\d{1,2}月\d{1,2}日 \(あと 2 日\)/);
    const buttons = buttonsOf(card).filter((b) => b.data.dealId === soon.id);
    expect(buttons.map((b) => [b.verb, b.title])).toEqual([
      ['referral.accept', '承諾'],
      ['referral.decline', '辞退'],
    ]);
    expect(text).toContain('My overdue deal');
    expect(text).toContain('推定成立日');
    expect(text).toContain('My quiet deal');
    expect(text).toContain('30 日以上更新がありません');
    expect(text).not.toContain('My healthy deal');

    // Accept from the inbox opens the accept form for that referral.
    const form = await kit.click('referral.accept', buttons[0]!.data, kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(form)).toContain('を承諾');

    const en = await say('inbox', kit.teams.tokyoUser);
    expect(cardText(en)).toContain('Referrals waiting for an answer');
  });

  test('`deals incoming` and `取引一覧 未回答` list only the referrals nobody answered', async () => {
    const en = await say('deals incoming', kit.teams.tokyoUser);
    expect(cardText(en)).toContain('Unanswered');
    expect(cardText(en)).toContain('Referral expiring soon');
    expect(cardText(en)).not.toContain('My overdue deal');
    const ja = await say('取引一覧 未回答', kit.teams.tokyoUser, 'ja-JP');
    expect(cardText(ja)).toContain('インバウンド・未回答');
    expect(cardText(ja)).toContain('Referral expiring later');
  });

  test('help is role-aware; the welcome card has an inbox button', async () => {
    const user = cardText(await say('ヘルプ', kit.teams.tokyoUser, 'ja-JP'));
    expect(user).toContain('受信トレイ');
    expect(user).not.toContain('場所を追加');
    const admin = cardText(await say('help', kit.teams.admin));
    expect(admin).toContain('add location');
    const { welcomeCard } = await import('../../bot/welcome');
    const welcome = welcomeCard('ja');
    expect(welcome.actions?.map((a: any) => a.data.command)).toContain('受信トレイ');
  });

  test('unknown text: one line with the closest command and inbox/help buttons, not the help card', async () => {
    const ja = await say('取引一欄', kit.teams.tokyoUser, 'ja-JP');
    expect(ja.body.map((b: any) => b.text)).toEqual(['「取引一欄」はコマンドではありません。「取引一覧」のことですか?']);
    expect(ja.actions.map((a: any) => a.data.command)).toEqual(['取引一覧', '受信トレイ', 'ヘルプ']);
    const en = await say('dels', kit.teams.tokyoUser);
    expect(cardText(en)).toContain('Did you mean "deals"?');
    const nothing = await say('what is the weather', kit.teams.tokyoUser);
    expect(nothing.body.map((b: any) => b.text)).toEqual(['"what is the weather" is not a command.']);
    expect(nothing.actions.map((a: any) => a.data.command)).toEqual(['inbox', 'help']);
    // The buttons work: the inbox button submits its command.
    const before = kit.app.stub.calls.length;
    const submitted = message('', { from: kit.teams.tokyoUser, value: { command: 'inbox' } });
    await kit.app.post(submitted);
    const after = replyCards(kit.app.stub.calls.slice(before), submitted);
    expect(cardText(after.at(-1))).toContain('Referrals waiting for an answer');
    void press;
  });
});
