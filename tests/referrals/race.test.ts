import { adaptiveCards, cardAction, cardText, channelMessage, personalMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { PEOPLE, pcReferral, postReferral, startCallbackReceiver, startReferralApp } from './referralTestKit';

/** R18: twenty people click Accept and Decline on the same referral at once. */
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

  test('one winner; the others are told who won; every copy of the card shows the outcome; at most one notification', async () => {
    const res = await postReferral(app, pcReferral({ sender: { type: 'microsoft', name: 'Sato', callbackUrl: callback.url } }));
    const dealId: string = res.body.dealId;
    // A second copy of the card, in the global admin's personal chat.
    await app.app.services.publisher.post(dealId, `a:1personal-${PEOPLE.admin.aadObjectId}`);
    const copies = await app.db.prisma.cardPost.findMany({ where: { dealId } });
    expect(copies).toHaveLength(2);
    const row = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    const closeDate = row.closeDate.toISOString().slice(0, 10);

    const people = [PEOPLE.tokyoUser, PEOPLE.tokyoUser2, PEOPLE.tokyoAdmin, PEOPLE.admin];
    const clicks = Array.from({ length: 20 }, (_, i) => {
      const from = people[i % people.length]!;
      const data =
        i % 2 === 0
          ? { dealId, version: 1, name: `Deal by ${from.name}`, value: '100', currency: 'JPY', closeDate, notes: `accepted by click ${i}` }
          : { dealId, version: 1, reason: 'timelineTooShort', message: `declined by click ${i}` };
      return app.post(cardAction(i % 2 === 0 ? 'referral.acceptSubmit' : 'referral.declineSubmit', data, { from, chat: 'channel' }));
    });
    const answers = (await Promise.all(clicks)).map((r) => {
      expect(r.status).toBe(200);
      return cardText(r.body.value);
    });

    const final = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    expect(final.version).toBe(2);
    const won = answers.filter((a) => a.includes('Referral accepted.') || a.includes('Referral declined'));
    expect(won).toHaveLength(1);
    const winner = final.substatus === 'Accepted' ? final.acceptedByName : final.closedByName;
    const lost = final.substatus === 'Accepted' ? `Already accepted by ${winner}.` : `Already declined by ${winner}.`;
    expect(answers.filter((a) => a.includes(lost))).toHaveLength(19);

    const events = await app.db.prisma.auditEvent.count({ where: { dealId, type: { in: ['ReferralAccepted', 'ReferralDeclined'] } } });
    expect(events).toBe(1);
    expect(await app.db.prisma.dealNote.count({ where: { dealId, text: { startsWith: 'accepted by click' } } })).toBe(final.substatus === 'Accepted' ? 1 : 0);

    // Every posted copy was replaced by the outcome.
    const status = final.substatus === 'Accepted' ? 'Active / Accepted' : 'Closed / Declined';
    for (const copy of copies) {
      const updates = app.stub.calls.filter((c) => c.kind === 'update' && c.activityId === copy.activityId);
      expect(updates.length).toBeGreaterThan(0);
      expect(cardText(adaptiveCards(updates.at(-1)!.activity)[0])).toContain(status);
    }

    // The sender hears about a decline exactly once, and of an accept not at all.
    await app.app.services.outbox.runOnce();
    await app.app.services.outbox.runOnce(new Date(Date.now() + 86_400_000));
    await new Promise((r) => setTimeout(r, 200));
    const expected = final.substatus === 'Declined' ? 1 : 0;
    expect(await app.db.prisma.notification.count({ where: { dealId } })).toBe(expected);
    expect(callback.delivered().filter((h) => h.body?.dealId === dealId)).toHaveLength(expected);
  });
});
