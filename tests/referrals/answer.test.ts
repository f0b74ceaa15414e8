import { adaptiveCards, cardAction, cardText, channelMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { PEOPLE, pcReferral, postReferral, startCallbackReceiver, startReferralApp } from './referralTestKit';

/** R15/R16/R18/R28 through /api/messages: the posted card, Accept and Decline forms, races, the sender's callback. */
describe('answering a referral from its card', () => {
  let app: TestApp;
  let callback: Awaited<ReturnType<typeof startCallbackReceiver>>;
  const CHANNEL = '19:dealsChannel0000@thread.tacv2';

  /** Posts a referral and returns its deal id and the id of the card message in the channel. */
  async function newReferral(patch: Record<string, unknown> = {}) {
    app.stub.reset();
    const res = await postReferral(app, pcReferral({ sender: { type: 'microsoft', name: 'Sato (Microsoft seller)', callbackUrl: callback.url }, ...patch }));
    expect(res.status).toBe(201);
    const post = app.stub.calls.find((c) => (c.kind === 'send' || c.kind === 'reply') && c.conversationId === CHANNEL)!;
    return { dealId: res.body.dealId as string, cardId: post.id };
  }
  const click = (verb: string, data: Record<string, unknown>, from = PEOPLE.tokyoUser, locale = 'en-US', replyToId?: string) =>
    app.post(cardAction(verb, data, { from, locale, chat: 'channel', replyToId }));
  const deal = (id: string) => app.db.prisma.deal.findUniqueOrThrow({ where: { id }, include: { notes: true, team: true } });
  const verbs = (card: any) => (card.actions ?? []).map((a: any) => a.verb);
  const inputIds = (card: any) => JSON.stringify(card.body).match(/"id":"[^"]+"/g)?.map((m: string) => m.slice(6, -1)) ?? [];

  beforeAll(async () => {
    ({ app } = await startReferralApp());
    callback = await startCallbackReceiver();
    await app.post(channelMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoAdmin }));
  });
  afterAll(async () => {
    await app?.close();
    await callback?.close();
  });

  test('Accept in Japanese: the form is pre-filled; missing notes are flagged on the card and nothing changes', async () => {
    const { dealId } = await newReferral();
    const mine = await click('deal.refresh', { dealId }, PEOPLE.tokyoUser2, 'ja-JP');
    expect(mine.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(verbs(mine.body.value)).toEqual(['referral.accept', 'referral.decline']);
    expect(cardText(mine.body.value)).toContain('承諾');

    const form = (await click('referral.accept', { dealId, version: 1 }, PEOPLE.tokyoUser2, 'ja-JP')).body.value;
    const text = cardText(form);
    expect(text).toContain('紹介 #');
    expect(text).toContain('ノート: 顧客は何を求めていますか?');
    expect(inputIds(form)).toEqual(expect.arrayContaining(['name', 'value', 'currency', 'closeDate', 'notes', 'crmId', 'campaignId', 'member0Name', 'member0Email', 'member0Phone']));
    const inputs = JSON.stringify(form.body);
    expect(inputs).toContain('"value":"Northwind FinOps assessment"');
    expect(inputs).toContain('"value":"2500000"');
    expect(verbs(form)).toEqual(['referral.acceptSubmit', 'deal.refresh']);

    const row = await deal(dealId);
    const submit = { dealId, version: 1, name: 'Northwind FinOps', value: '2500000', currency: 'JPY', closeDate: row.closeDate.toISOString().slice(0, 10), notes: '  ' };
    const refused = (await click('referral.acceptSubmit', submit, PEOPLE.tokyoUser2, 'ja-JP')).body.value;
    expect(cardText(refused)).toContain('入力内容に修正が必要な項目があります。');
    expect(cardText(refused)).toContain('この項目は必須です。');
    // What the user typed is kept.
    expect(JSON.stringify(refused.body)).toContain('"value":"Northwind FinOps"');
    expect(await deal(dealId)).toMatchObject({ status: 'New', version: 1 });

    // A half-filled team member row is an error on that row, not a lost entry.
    const member = (await click('referral.acceptSubmit', { ...submit, notes: 'FinOps 診断を希望', member1Name: '鈴木 花子', member1Phone: '03-1234-5678' }, PEOPLE.tokyoUser2, 'ja-JP')).body.value;
    expect(cardText(member)).toContain('この項目は必須です。');
    expect(JSON.stringify(member.body)).toMatch(/"id":"member1Email".*この項目は必須です/);
    expect(await deal(dealId)).toMatchObject({ status: 'New', version: 1 });
  });

  test('Accept in English: the user becomes the owner, gets the working buttons, every posted copy follows, a late click loses', async () => {
    const { dealId, cardId } = await newReferral();
    const row = await deal(dealId);
    const res = await click(
      'referral.acceptSubmit',
      {
        dealId,
        version: 1,
        name: 'Northwind FinOps (accepted)',
        value: '3,000,000',
        currency: 'JPY',
        closeDate: row.closeDate.toISOString().slice(0, 10),
        notes: 'Customer wants a FinOps review of three subscriptions.',
        crmId: 'CRM-42',
        member0Name: 'Hanako Suzuki',
        member0Email: 'hanako@contoso.example',
        member0Phone: '+81 3 1234 5678',
      },
      PEOPLE.tokyoUser,
      'en-US',
      'some-other-copy',
    );
    const card = res.body.value;
    expect(cardText(card)).toContain('Referral accepted. You are now the owner of this deal.');
    expect(cardText(card)).toContain('Active / Accepted');
    // The owner may work the deal now: the first mandatory stage of a solution assessment is offered.
    expect(verbs(card)).toContain('deal.completeStage');
    const after = await deal(dealId);
    expect(after).toMatchObject({ status: 'Active', substatus: 'Accepted', stage: 'accepted', name: 'Northwind FinOps (accepted)', crmId: 'CRM-42', acceptedByName: 'Yuki Tokyo' });
    expect(Number(after.value)).toBe(3_000_000);
    expect(after.team.map((m) => m.email)).toEqual(['hanako@contoso.example']);
    expect(after.notes.map((n) => n.text)).toContain('Customer wants a FinOps review of three subscriptions.');
    // The channel's copy was replaced by the current state.
    const update = await app.stub.waitFor((c) => c.kind === 'update' && c.activityId === cardId);
    expect(cardText(adaptiveCards(update.activity)[0])).toContain('Active / Accepted');

    // Ken clicks Accept on his stale view: the current card with who won; nothing changes.
    const late = await click('referral.accept', { dealId, version: 1 }, PEOPLE.tokyoUser2);
    expect(cardText(late.body.value)).toContain('Already accepted by Yuki Tokyo.');
    const lateSubmit = await click('referral.declineSubmit', { dealId, version: 1, reason: 'other' }, PEOPLE.tokyoUser2);
    expect(cardText(lateSubmit.body.value)).toContain('Already accepted by Yuki Tokyo.');
    expect(await deal(dealId)).toMatchObject({ status: 'Active', version: after.version });
  });

  test('Decline with a reason: the sender’s callback receives exactly one notification', async () => {
    const { dealId, cardId } = await newReferral();
    const form = (await click('referral.decline', { dealId, version: 1 }, PEOPLE.tokyoAdmin, 'ja-JP')).body.value;
    expect(cardText(form)).toContain('顧客が別のベンダーを選択した');
    expect(cardText(form)).toContain('送信者へのメッセージ (任意)');
    const noReason = (await click('referral.declineSubmit', { dealId, version: 1, reason: '' }, PEOPLE.tokyoAdmin, 'ja-JP')).body.value;
    expect(cardText(noReason)).toContain('入力内容に修正が必要な項目があります。');
    expect(await deal(dealId)).toMatchObject({ status: 'New' });

    const done = (await click('referral.declineSubmit', { dealId, version: 1, reason: 'customerChoseAnotherVendor', message: '他社で進めることになりました' }, PEOPLE.tokyoAdmin, 'ja-JP')).body.value;
    expect(cardText(done)).toContain('紹介を辞退しました (顧客が別のベンダーを選択した)');
    expect(await deal(dealId)).toMatchObject({ status: 'Closed', substatus: 'Declined', closeReason: 'customerChoseAnotherVendor', closedByName: 'Taro Tokyo-Admin' });
    await app.stub.waitFor((c) => c.kind === 'update' && c.activityId === cardId);

    // The decline kicked a dispatch; another instance's sweep at the same time must not send it twice.
    await app.app.services.outbox.runOnce();
    await waitUntil(() => callback.delivered().length >= 1);
    await app.app.services.outbox.runOnce(new Date(Date.now() + 3_600_000));
    // The dispatch that sent it records the delivery right after the callback answered.
    await waitUntil(async () => (await app.db.prisma.notification.findFirstOrThrow({ where: { dealId } })).status === 'delivered');
    const hits = callback.hits.filter((h) => h.body?.dealId === dealId);
    expect(hits).toHaveLength(1);
    const notification = await app.db.prisma.notification.findFirstOrThrow({ where: { dealId } });
    expect(notification).toMatchObject({ status: 'delivered', kind: 'declined', attempts: 1 });
    expect(hits[0]!.idempotencyKey).toBe(notification.id);
    expect(hits[0]!.body).toMatchObject({
      event: 'referral.declined',
      dealId,
      status: 'Closed',
      substatus: 'Declined',
      reason: 'customerChoseAnotherVendor',
      message: '他社で進めることになりました',
    });
  });

  test('someone outside the location scope forging Accept is refused, and nothing changes', async () => {
    const { dealId } = await newReferral();
    const before = await app.db.prisma.auditEvent.count({ where: { dealId } });
    const form = { dealId, version: 1, name: 'Mine now', value: '1', currency: 'JPY', closeDate: '2099-01-01', notes: 'forged' };
    const refusals = { osaka: 'Deal not found', nobody: "You don't have a Referrals role yet" };
    for (const [who, refusal] of [[PEOPLE.osakaUser, refusals.osaka], [PEOPLE.nobody, refusals.nobody]] as const) {
      for (const verb of ['referral.accept', 'referral.acceptSubmit', 'referral.declineSubmit']) {
        const res = await click(verb, verb === 'referral.declineSubmit' ? { dealId, version: 1, reason: 'other' } : form, who);
        expect(res.status).toBe(200);
        expect(cardText(res.body.value)).toContain(refusal);
        expect(cardText(res.body.value)).not.toContain('Northwind');
      }
    }
    expect(await deal(dealId)).toMatchObject({ status: 'New', version: 1, name: 'Northwind FinOps assessment', acceptedById: null });
    expect(await app.db.prisma.auditEvent.count({ where: { dealId } })).toBe(before);
  });
});

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
