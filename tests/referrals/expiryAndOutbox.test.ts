import { ExpirySweeper } from '../../src/services/expirySweeper';
import { adaptiveCards, cardAction, cardText, channelMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { daysFromNow, OPERATOR_TOKEN, PEOPLE, pcReferral, postReferral, request, startCallbackReceiver, startReferralApp, TOKEN } from './referralTestKit';

/** R17 expiry and reminders, R28 delivery with retries, as a sweep and a dispatch at chosen moments (no timers). */
describe('expiry, reminders and sender notifications', () => {
  let app: TestApp;
  let callback: Awaited<ReturnType<typeof startCallbackReceiver>>;
  const CHANNEL = '19:dealsChannel0000@thread.tacv2';
  const auth = { authorization: `Bearer ${TOKEN}` };

  async function referralCreated(daysAgo: number, withCallback = true) {
    app.stub.reset();
    const sender = { type: 'microsoft', name: 'Sato (Microsoft seller)', ...(withCallback ? { callbackUrl: callback.url } : {}) };
    const res = await postReferral(app, pcReferral({ createdDateTime: daysFromNow(-daysAgo).toISOString(), sender }));
    expect(res.status).toBe(201);
    const post = app.stub.calls.find((c) => (c.kind === 'send' || c.kind === 'reply') && c.conversationId === CHANNEL);
    return { dealId: res.body.dealId as string, cardId: post?.id ?? '' };
  }
  const posts = () => app.stub.calls.filter((c) => c.kind === 'send' || c.kind === 'reply');
  const notification = (dealId: string) => app.db.prisma.notification.findFirstOrThrow({ where: { dealId } });
  const hitsFor = (dealId: string) => callback.hits.filter((h) => h.body?.dealId === dealId);

  beforeAll(async () => {
    ({ app } = await startReferralApp());
    callback = await startCallbackReceiver();
    await app.post(channelMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoAdmin }));
  });
  afterAll(async () => {
    await app?.close();
    await callback?.close();
  });

  test('a referral created 15 days ago expires on the next sweep, its card follows, the sender is notified once', async () => {
    const { dealId, cardId } = await referralCreated(15);
    const now = new Date();
    const first = await app.app.sweeper.runOnce(now);
    await app.settle();
    expect(first.expired).toEqual([dealId]);
    expect(await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).toMatchObject({ status: 'Closed', substatus: 'Expired', closedByName: 'cosell-bot' });
    const update = await app.stub.waitFor((c) => c.kind === 'update' && c.activityId === cardId);
    expect(cardText(adaptiveCards(update.activity)[0])).toContain('Closed / Expired');
    expect((await app.app.sweeper.runOnce(now)).expired).toEqual([]);
    await app.settle();

    await app.app.services.outbox.runOnce(now);
    await app.app.services.outbox.runOnce(daysFromNow(1, now));
    expect(hitsFor(dealId)).toHaveLength(1);
    expect(hitsFor(dealId)[0]!.body).toMatchObject({ event: 'referral.expired', substatus: 'Expired', kind: 'expired' });
    expect(await app.db.prisma.notification.count({ where: { dealId } })).toBe(1);

    // A click on the expired card says so and changes nothing.
    const late = await app.post(cardAction('referral.accept', { dealId, version: 1 }, { from: PEOPLE.tokyoAdmin, chat: 'channel' }));
    expect(cardText(late.body.value)).toContain('This referral expired on');
  });

  test('two instances sweeping at the same moment expire each referral once, with one notification', async () => {
    const due = [await referralCreated(20), await referralCreated(16), await referralCreated(15)].map((r) => r.dealId);
    const other = new ExpirySweeper(app.app.services.commands, [], app.app.services.logger, 2);
    const now = new Date();
    const [a, b] = await Promise.all([app.app.sweeper.runOnce(now), other.runOnce(now)]);
    await app.settle();
    expect([...a.expired, ...b.expired].sort()).toEqual([...due].sort());
    for (const id of due) expect(await app.db.prisma.notification.count({ where: { dealId: id } })).toBe(1);
  });

  test('a referral without a callback URL records its notification as "no endpoint" and nothing is sent', async () => {
    const { dealId } = await referralCreated(15, false);
    await app.app.sweeper.runOnce(new Date());
    await app.settle();
    expect(await notification(dealId)).toMatchObject({ status: 'noEndpoint', url: null, attempts: 0 });
    await app.app.services.outbox.runOnce(daysFromNow(1));
    expect(hitsFor(dealId)).toEqual([]);
    expect(await notification(dealId)).toMatchObject({ status: 'noEndpoint', attempts: 0 });
  });

  test('reminders 3 days and 1 day before expiry are each posted once', async () => {
    const { dealId } = await referralCreated(11.5); // expires in 2.5 days
    const t0 = new Date();
    app.stub.reset();
    expect((await app.app.sweeper.runOnce(t0)).reminded).toEqual([{ dealId, daysBefore: 3 }]);
    await app.settle();
    expect(posts()).toHaveLength(1);
    expect(posts()[0]!.conversationId).toBe(CHANNEL);
    const reminder = cardText(adaptiveCards(posts()[0]!.activity)[0]);
    expect(reminder).toMatch(/Referral #\d+ expires in 3 days/);
    expect(reminder).toContain('"Northwind FinOps assessment" from Sato (Microsoft seller) · Microsoft Japan has not been answered yet.');
    expect((await app.app.sweeper.runOnce(t0)).reminded).toEqual([]);
    await app.settle();
    expect((await app.app.sweeper.runOnce(daysFromNow(1, t0))).reminded).toEqual([]);
    await app.settle();

    const t1 = daysFromNow(1.6, t0); // 0.9 days left
    expect((await app.app.sweeper.runOnce(t1)).reminded).toEqual([{ dealId, daysBefore: 1 }]);
    await app.settle();
    expect(cardText(adaptiveCards(posts()[1]!.activity)[0])).toMatch(/Referral #\d+ expires within a day/);
    expect((await app.app.sweeper.runOnce(t1)).reminded).toEqual([]);
    await app.settle();
    expect(posts()).toHaveLength(2);
    expect((await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).remindersSent.sort()).toEqual([1, 3]);
  });

  test('after downtime, one reminder covers every reminder day that has passed', async () => {
    const { dealId } = await referralCreated(13.5); // 0.5 days left: both the 3-day and the 1-day reminder are due
    app.stub.reset();
    expect((await app.app.sweeper.runOnce(new Date())).reminded).toEqual([{ dealId, daysBefore: 1 }]);
    await app.settle();
    expect(posts()).toHaveLength(1);
    expect((await app.app.sweeper.runOnce(new Date())).reminded).toEqual([]);
    await app.settle();
  });

  test('the callback fails twice, then succeeds: delivered exactly once, same idempotency key every time', async () => {
    const { dealId } = await referralCreated(1);
    callback.failNext(2, 503);
    const decline = await app.post(
      cardAction('referral.declineSubmit', { dealId, version: 1, reason: 'budgetNotAdequate' }, { from: PEOPLE.tokyoAdmin, chat: 'channel' }),
    );
    expect(cardText(decline.body.value)).toContain("Referral declined (Project budget isn't adequate)");
    // The decline kicked a first attempt at once; it fails.
    await waitFor(async () => (await notification(dealId)).attempts === 1 && (await notification(dealId)).lockedUntil === null);
    const afterFirst = await notification(dealId);
    expect(afterFirst).toMatchObject({ status: 'pending', lastError: 'http_5xx' });
    const t = afterFirst.nextAttemptAt;
    // Not before its backoff.
    expect((await app.app.services.outbox.runOnce(new Date(t.getTime() - 1000))).retrying).toEqual([]);
    expect((await app.app.services.outbox.runOnce(t)).retrying).toEqual([afterFirst.id]);
    const second = await notification(dealId);
    // Exponential: 30 s after the first failure, 60 s after the second.
    expect(second.nextAttemptAt.getTime() - t.getTime()).toBe(60_000);
    expect((await app.app.services.outbox.runOnce(second.nextAttemptAt)).delivered).toEqual([afterFirst.id]);
    expect((await app.app.services.outbox.runOnce(daysFromNow(1))).delivered).toEqual([]);

    const hits = hitsFor(dealId);
    expect(hits.map((h) => h.status)).toEqual([503, 503, 200]);
    expect(new Set(hits.map((h) => h.idempotencyKey))).toEqual(new Set([afterFirst.id]));
    expect(await notification(dealId)).toMatchObject({ status: 'delivered', attempts: 3 });
  });

  test('a callback that keeps failing ends as failed, is listed, and can be retried', async () => {
    const { dealId } = await referralCreated(1);
    callback.failNext(20, 500);
    await app.post(cardAction('referral.declineSubmit', { dealId, version: 1, reason: 'other' }, { from: PEOPLE.admin, chat: 'channel' }));
    await waitFor(async () => (await notification(dealId)).lockedUntil === null);
    for (let hour = 2; (await notification(dealId)).status === 'pending' && hour < 40; hour += 2) {
      await app.app.services.outbox.runOnce(new Date(Date.now() + hour * 3_600_000));
    }
    const failed = await notification(dealId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 6 });
    const listed = await request(app, 'GET', '/api/notifications?status=failed', undefined, auth);
    expect(listed.body.items.map((n: any) => n.id)).toContain(failed.id);
    expect(listed.body.items.find((n: any) => n.id === failed.id)).toMatchObject({ dealId, kind: 'declined', lastError: 'http_5xx' });

    // Retrying is an operator's job (an API_CLIENTS admin), not the sender's.
    const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    expect((await request(app, 'POST', '/api/notifications/no-such-id/retry', undefined, operator)).status).toBe(404);
    expect((await request(app, 'POST', `/api/notifications/${failed.id}/retry`)).status).toBe(401);
    expect((await request(app, 'POST', `/api/notifications/${failed.id}/retry`, undefined, auth)).status).toBe(403);
    callback.clearFailures();
    const retried = await request(app, 'POST', `/api/notifications/${failed.id}/retry`, undefined, operator);
    expect(retried.status).toBe(202);
    await waitFor(async () => (await notification(dealId)).status === 'delivered');
    expect(hitsFor(dealId).filter((h) => h.status === 200)).toHaveLength(1);
    expect((await request(app, 'GET', '/api/notifications?status=failed', undefined, auth)).body.items.map((n: any) => n.id)).not.toContain(failed.id);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
