import { adaptiveCards, cardAction, cardText, channelMessage, personalMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { PEOPLE, pcReferral, postReferral, startCallbackReceiver, startReferralApp } from './referralTestKit';

/** R18: twenty people click Accept and Decline on the same referral: each outcome forced in turn, then all at once. */
describe('concurrent answers to one referral', () => {
  let app: TestApp;
  let callback: Awaited<ReturnType<typeof startCallbackReceiver>>;

  beforeAll(async () => {
    ({ app } = await startReferralApp());
    callback = await startCallbackReceiver();
    await app.post(personalMessage('help', { from: PEOPLE.admin }));
    await app.post(channelMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoAdmin }));
  });
  afterAll(async () => {
    await app?.close();
    await callback?.close();
  });

  /** A referral with two posted copies (the channel and the global admin's personal chat). */
  async function contested() {
    const res = await postReferral(app, pcReferral({ sender: { type: 'microsoft', name: 'Sato', callbackUrl: callback.url } }));
    const dealId: string = res.body.dealId;
    await app.app.services.publisher.post(dealId, `a:1personal-${PEOPLE.admin.aadObjectId}`);
    const copies = await app.db.prisma.cardPost.findMany({ where: { dealId } });
    expect(copies).toHaveLength(2);
    const row = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    return { dealId, copies, closeDate: row.closeDate.toISOString().slice(0, 10) };
  }

  const people = [PEOPLE.tokyoUser, PEOPLE.tokyoUser2, PEOPLE.tokyoAdmin, PEOPLE.admin];
  const acceptClick = (dealId: string, closeDate: string, i: number) => {
    const from = people[i % people.length]!;
    return app.post(
      cardAction('referral.acceptSubmit', { dealId, version: 1, name: `Deal by ${from.name}`, value: '100', currency: 'JPY', closeDate, notes: `accepted by click ${i}` }, { from, chat: 'channel' }),
    );
  };
  const declineClick = (dealId: string, i: number) =>
    app.post(cardAction('referral.declineSubmit', { dealId, version: 1, reason: 'timelineTooShort', message: `declined by click ${i}` }, { from: people[i % people.length]!, chat: 'channel' }));

  async function expectCopiesShow(dealId: string, copies: { activityId: string }[], status: string) {
    for (const copy of copies) {
      const updates = app.stub.calls.filter((c) => c.kind === 'update' && c.activityId === copy.activityId);
      expect(updates.length).toBeGreaterThan(0);
      expect(cardText(adaptiveCards(updates.at(-1)!.activity)[0])).toContain(status);
    }
    expect(await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).toMatchObject({ version: 2 });
  }

  async function senderHears(dealId: string): Promise<number> {
    await app.app.services.outbox.runOnce();
    await app.app.services.outbox.runOnce(new Date(Date.now() + 86_400_000));
    return callback.delivered().filter((h) => h.body?.dealId === dealId).length;
  }

  test('Accept lands first: the 19 stale clicks after it (accept and decline) are told who accepted; the sender hears nothing', async () => {
    const { dealId, copies, closeDate } = await contested();
    const first = await acceptClick(dealId, closeDate, 0);
    expect(cardText(first.body.value)).toContain('Referral accepted.');
    const late = await Promise.all(Array.from({ length: 19 }, (_, j) => (j % 2 ? acceptClick(dealId, closeDate, j + 1) : declineClick(dealId, j + 1))));
    for (const r of late) expect(cardText(r.body.value)).toContain(`Already accepted by ${PEOPLE.tokyoUser.name}.`);
    expect(await app.db.prisma.auditEvent.count({ where: { dealId, type: { in: ['ReferralAccepted', 'ReferralDeclined'] } } })).toBe(1);
    expect(await app.db.prisma.dealNote.count({ where: { dealId, text: { startsWith: 'accepted by click' } } })).toBe(1);
    await expectCopiesShow(dealId, copies, 'Active / Accepted');
    expect(await app.db.prisma.notification.count({ where: { dealId } })).toBe(0);
    expect(await senderHears(dealId)).toBe(0);
  });

  test('Decline lands first: the stale clicks after it are told who declined; the sender hears of it exactly once', async () => {
    const { dealId, copies, closeDate } = await contested();
    const first = await declineClick(dealId, 1);
    expect(cardText(first.body.value)).toContain('Referral declined');
    const late = await Promise.all(Array.from({ length: 19 }, (_, j) => (j % 2 ? declineClick(dealId, j + 3) : acceptClick(dealId, closeDate, j + 2))));
    for (const r of late) expect(cardText(r.body.value)).toContain(`Already declined by ${PEOPLE.tokyoUser2.name}.`);
    expect(await app.db.prisma.auditEvent.count({ where: { dealId, type: { in: ['ReferralAccepted', 'ReferralDeclined'] } } })).toBe(1);
    expect(await app.db.prisma.dealNote.count({ where: { dealId, text: { startsWith: 'accepted by click' } } })).toBe(0);
    await expectCopiesShow(dealId, copies, 'Closed / Declined');
    expect(await app.db.prisma.notification.count({ where: { dealId } })).toBe(1);
    expect(await senderHears(dealId)).toBe(1);
  });

  test('twenty clicks at the same moment: exactly one answer is taken, the nineteen others are told it was', async () => {
    const { dealId, closeDate } = await contested();
    const answers = (await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? acceptClick(dealId, closeDate, i) : declineClick(dealId, i))))).map((r) => {
      expect(r.status).toBe(200);
      return cardText(r.body.value);
    });
    const taken = answers.filter((a) => a.includes('Referral accepted.') || a.includes('Referral declined'));
    expect(taken).toHaveLength(1);
    expect(answers.filter((a) => /Already (accepted|declined) by /.test(a))).toHaveLength(19);
    expect(await app.db.prisma.auditEvent.count({ where: { dealId, type: { in: ['ReferralAccepted', 'ReferralDeclined'] } } })).toBe(1);
    expect(await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).toMatchObject({ version: 2 });
  });
});
