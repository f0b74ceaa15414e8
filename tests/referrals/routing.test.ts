import { adaptiveCards, cardText, channelMessage, groupChatMessage, personalMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { OSAKA, TOKYO } from '../helpers/fixtures';
import { PEOPLE, pcReferral, postReferral, startReferralApp } from './referralTestKit';
import { formatDateTime } from '../../src/domain';

/** R14: an admin links a conversation to a location; referrals are posted there, else to the admins in personal chat. */
describe('referral routing', () => {
  let app: TestApp;
  const CHANNEL = '19:dealsChannel0000@thread.tacv2';
  const GROUP_CHAT = '19:groupchat0000@thread.v2';
  const personalOf = (aad: string) => `a:1personal-${aad}`;
  /** New messages the bot posted (a proactive post to a remembered chat may be sent as a reply in it). */
  const posts = () => app.stub.calls.filter((c) => c.kind === 'send' || c.kind === 'reply');
  const lastReplyText = async (n: number) => cardText(adaptiveCards(app.stub.sent()[n - 1]!)[0]);

  beforeAll(async () => {
    ({ app } = await startReferralApp());
    // The admins have talked to the bot in personal chat, so it can reach them there.
    for (const who of [PEOPLE.admin, PEOPLE.tokyoAdmin, PEOPLE.tokyoUser]) await app.post(personalMessage('help', { from: who }));
  });
  afterAll(() => app?.close());

  test('only an admin links, and only in a channel or group chat', async () => {
    app.stub.reset();
    await app.post(channelMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoUser }));
    expect(await lastReplyText(1)).toContain('Only a Referrals admin can do this.');
    await app.post(personalMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoAdmin }));
    expect(await lastReplyText(2)).toContain('Link a location in a channel or group chat');
    // A Tokyo admin cannot link Osaka (not in scope): it is not even offered.
    await app.post(channelMessage('link location osaka', { from: PEOPLE.tokyoAdmin }));
    expect(await lastReplyText(3)).toContain('I don\'t know the location "osaka". Your locations: Contoso Japan – Tokyo (contoso-jp-tokyo)');
    expect(await app.db.prisma.locationRoute.count()).toBe(0);
  });

  test('an admin links the channel in Japanese; the referral card is posted to the channel itself (not the link command’s thread), read-only with per-user refresh', async () => {
    app.stub.reset();
    await app.post(channelMessage('場所をリンク tokyo', { from: PEOPLE.tokyoAdmin, locale: 'ja-JP' }));
    expect(await lastReplyText(1)).toContain('Contoso Japan – Tokyo (contoso-jp-tokyo) の紹介は、今後このスレッドに投稿されます。');
    expect(await app.db.prisma.locationRoute.findUnique({ where: { locationId: TOKYO } })).toMatchObject({ conversationId: CHANNEL, broken: false, linkedByName: 'Taro Tokyo-Admin' });

    app.stub.reset();
    const res = await postReferral(app, pcReferral());
    expect(res.status).toBe(201);
    const sends = posts();
    expect(sends.map((c) => c.conversationId)).toEqual([CHANNEL]);
    const card = adaptiveCards(sends[0]!.activity)[0];
    const text = cardText(card);
    // The channel was linked from a Japanese client: the card speaks Japanese.
    expect(text).toContain('Northwind FinOps assessment');
    expect(text).toContain('インバウンド');
    expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \(あと 14 日\)/);
    expect(text).toContain('Azure FinOps review');
    expect(text).toContain('Sato (Microsoft seller)');
    expect(card.actions.map((a: any) => a.verb)).toEqual(['deal.refresh']);
    // Everyone in Tokyo's scope may answer a new referral (R3); Osaka and people without a role may not.
    expect(card.refresh.userIds.sort()).toEqual(['aad-admin', 'aad-tokyoadmin', 'aad-tokyouser', 'aad-tokyouser2']);
    expect(await app.db.prisma.cardPost.count({ where: { dealId: res.body.dealId } })).toBe(1);
  });

  test('a location without a link: the card goes to its admins (and global admins) in personal chat', async () => {
    app.stub.reset();
    const res = await postReferral(app, pcReferral({ targetLocation: OSAKA }));
    expect(res.status).toBe(201);
    const sends = posts();
    // Only the global admin may answer Osaka's referrals and has a personal chat with the bot.
    expect(sends.map((c) => c.conversationId)).toEqual([personalOf('aad-admin')]);
    expect(cardText(adaptiveCards(sends[0]!.activity)[0])).toContain('Inbound referral');
  });

  test('in an admin\'s personal chat the card reads in the admin\'s own time zone, not the location\'s', async () => {
    // The global admin's Teams client says New York; Osaka's referrals are shown in Tokyo time elsewhere.
        const tweak = personalMessage('help', { from: PEOPLE.admin });
    tweak.localTimezone = 'America/New_York';
    tweak.entities = (tweak.entities ?? []).map((e: any) => (e.type === 'clientInfo' ? { ...e, timezone: 'America/New_York' } : e));
    await app.post(tweak);
    app.stub.reset();
    const res = await postReferral(app, pcReferral({ targetLocation: OSAKA, notes: 'Call the CFO first.' }));
    expect(res.status).toBe(201);
    const note = await app.db.prisma.dealNote.findFirstOrThrow({ where: { deal: { id: res.body.id } } });
    const text = cardText(adaptiveCards(posts()[0]!.activity)[0]);
    expect(text).toContain(formatDateTime(note.createdAt, 'en', 'America/New_York'));
    expect(formatDateTime(note.createdAt, 'en', 'America/New_York')).not.toBe(formatDateTime(note.createdAt, 'en', 'Asia/Tokyo'));
  });

  test('the bot was removed from the linked chat (403): admins get the card, the route is marked broken and shown so', async () => {
    await app.post(groupChatMessage('link location contoso-jp-tokyo', { from: PEOPLE.admin }));
    expect((await app.db.prisma.locationRoute.findUniqueOrThrow({ where: { locationId: TOKYO } })).conversationId).toBe(GROUP_CHAT);

    app.stub.reset();
    app.stub.failNext(1, 403);
    const res = await postReferral(app, pcReferral());
    expect(res.status).toBe(201);
    expect(app.stub.failed.map((c) => [c.kind, c.conversationId, c.status])).toEqual([['reply', GROUP_CHAT, 403]]);
    const sends = posts().map((c) => c.conversationId);
    expect(sends.sort()).toEqual([personalOf('aad-admin'), personalOf('aad-tokyoadmin')].sort());
    expect(await app.db.prisma.locationRoute.findUniqueOrThrow({ where: { locationId: TOKYO } })).toMatchObject({ broken: true });

    // The next referral does not try the broken link again.
    app.stub.reset();
    await postReferral(app, pcReferral());
    expect(posts().map((c) => c.conversationId).sort()).toEqual(sends.sort());

    app.stub.reset();
    await app.post(personalMessage('routes', { from: PEOPLE.admin }));
    const en = await lastReplyText(1);
    expect(en).toContain('⚠ Contoso Japan – Tokyo (contoso-jp-tokyo): BROKEN since');
    expect(en).toContain('Contoso Japan – Osaka (contoso-jp-osaka): not linked');
    await app.post(personalMessage('ルート', { from: PEOPLE.admin, locale: 'ja-JP' }));
    expect(await lastReplyText(2)).toContain('から無効です (グループ チャット からボットが削除されました)');
  });

  test('linking again repairs the route', async () => {
    await app.post(channelMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoAdmin }));
    app.stub.reset();
    await app.post(personalMessage('routes', { from: PEOPLE.tokyoAdmin }));
    const text = await lastReplyText(1);
    expect(text).toContain('Contoso Japan – Tokyo (contoso-jp-tokyo): channel, linked by Taro Tokyo-Admin');
    expect(text).not.toContain('Osaka');
    app.stub.reset();
    await postReferral(app, pcReferral());
    expect(posts().map((c) => c.conversationId)).toEqual([CHANNEL]);
  });

  test('a user without admin role cannot list routes', async () => {
    app.stub.reset();
    await app.post(personalMessage('routes', { from: PEOPLE.tokyoUser }));
    expect(await lastReplyText(1)).toContain('Only a Referrals admin can do this.');
  });
});
