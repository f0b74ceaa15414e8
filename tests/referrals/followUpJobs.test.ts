import type { ConnectorCall } from '../helpers/connectorStub';
import { adaptiveCards, cardAction, cardText, personalMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { apiClientsEnv, call, replace } from '../api/apiKit';
import { PEOPLE, pcReferral, postReferral, requestOnly, startCallbackReceiver, startReferralApp, TOKEN } from './referralTestKit';

jest.setTimeout(60_000);

/**
 * The one command path: whatever surface changes a deal, its follow-ups (posted cards, sender notifications) are jobs
 * written with the change and run after the request has answered — immediately, from every surface; and a hung Bot
 * Connector delays only those jobs, never a request.
 */
describe('follow-up jobs of deal changes', () => {
  let app: TestApp;
  let callback: Awaited<ReturnType<typeof startCallbackReceiver>>;
  const personalOf = (aad: string) => `a:1personal-${aad}`;

  beforeAll(async () => {
    // Sweeps are ten minutes apart: nothing here may wait for one. Jobs are polled every second.
    ({ app } = await startReferralApp({
      SWEEP_INTERVAL_SECONDS: '600',
      JOB_POLL_SECONDS: '1',
      API_CLIENTS: apiClientsEnv(),
    }));
    callback = await startCallbackReceiver();
    // Two admins chat with the bot: an unlinked location's referral card goes to both (two posted copies).
    await app.post(personalMessage('help', { from: PEOPLE.admin }));
    await app.post(personalMessage('help', { from: PEOPLE.tokyoAdmin }));
  });
  afterAll(async () => {
    await app?.close();
    await callback?.close();
  });
  beforeEach(() => {
    app.stub.reset();
    app.app.services.messenger.retry = { ...app.app.services.messenger.retry, timeoutMs: 15_000, attempts: 4 };
  });

  const cardsOf = (name: string) => (c: ConnectorCall) => adaptiveCards(c.activity).some((card) => cardText(card).includes(name));
  const sends = (name: string) => app.stub.calls.filter((c) => (c.kind === 'send' || c.kind === 'reply') && cardsOf(name)(c));
  const updatesOf = (activityId: string) => app.stub.calls.filter((c) => c.kind === 'update' && c.activityId === activityId);

  test('a decline through PATCH /api/deals notifies the sender at once, not at the next sweep', async () => {
    const sender = { type: 'microsoft', name: 'Sato (Microsoft seller)', callbackUrl: callback.url };
    const res = await postReferral(app, pcReferral({ name: 'Declined by the CRM', sender }));
    expect(res.status).toBe(201);
    const dealId = res.body.dealId as string;
    const patched = await call(app, 'PATCH', `/api/deals/${dealId}`, {
      as: 'hq',
      headers: { 'if-match': '"1"' },
      body: [replace('/status', 'Closed'), replace('/substatus', 'Declined'), replace('/statusReason', 'customerDidNotRespond')],
    });
    expect(patched.status).toBe(204);
    // The sweep is 10 minutes away; the callback arrives within 5 s or this wait fails.
    const delivered = await callback.waitFor((h) => h.body?.dealId === dealId, 5_000);
    expect(delivered.body).toMatchObject({ event: 'referral.declined', reason: 'customerDidNotRespond' });
  });

  test('with the Bot Connector hung: intake answers 201 and an accept click its card at once; afterwards every copy is updated exactly once', async () => {
    const name = 'Hung connector referral';
    const first = await postReferral(app, pcReferral({ name }));
    expect(first.status).toBe(201);
    const dealId = first.body.dealId as string;
    // Posted to both admins' personal chats (no linked channel).
    const copies = sends(name);
    expect(copies.map((c) => c.conversationId).sort()).toEqual([personalOf(PEOPLE.admin.aadObjectId), personalOf(PEOPLE.tokyoAdmin.aadObjectId)].sort());
    const clicked = copies.find((c) => c.conversationId === personalOf(PEOPLE.admin.aadObjectId))!;
    const other = copies.find((c) => c !== clicked)!;

    // The connector stops answering at all. One attempt of one second each, so the test does not wait long.
    app.app.services.messenger.retry = { ...app.app.services.messenger.retry, timeoutMs: 1_000, attempts: 1 };
    app.stub.hangNext(1_000);

    const intakeStarted = Date.now();
    const second = await requestOnly(app, 'POST', '/api/referrals', pcReferral({ name: 'Arrived while Teams was down' }), { authorization: `Bearer ${TOKEN}` });
    expect(second.status).toBe(201);
    expect(Date.now() - intakeStarted).toBeLessThan(1_000);

    const row = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    const clickStarted = Date.now();
    const accepted = await app.postOnly(
      cardAction(
        'referral.acceptSubmit',
        { dealId, version: 1, name: 'Accepted while Teams was down', value: '2500000', currency: 'JPY', closeDate: row.closeDate.toISOString().slice(0, 10), notes: 'Kick-off booked.' },
        { from: PEOPLE.admin, chat: 'personal', replyToId: clicked.id },
      ),
    );
    expect(Date.now() - clickStarted).toBeLessThan(1_000);
    expect(accepted.status).toBe(200);
    expect(cardText(accepted.body.value)).toContain('Referral accepted.');
    expect(await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).toMatchObject({ status: 'Active', substatus: 'Accepted' });

    // The worker tried the other copy against the hung connector and failed; nothing reached Teams yet.
    await waitUntil(() => app.stub.failed.some((c) => c.kind === 'update' && c.activityId === other.id), 10_000);
    expect(updatesOf(other.id)).toEqual([]);

    // Teams is back: the retries post the waiting referral's card and update the other copy — once.
    app.stub.reset();
    await app.stub.waitFor((c) => c.kind === 'update' && c.activityId === other.id, 20_000);
    await app.stub.waitFor(cardsOf('Arrived while Teams was down'), 20_000);
    await app.settle();
    expect(updatesOf(other.id)).toHaveLength(1);
    expect(cardText(adaptiveCards(updatesOf(other.id)[0]!.activity)[0])).toContain('Active / Accepted');
    // The clicked copy got the new state in the click's answer; no update was sent for it.
    expect(updatesOf(clicked.id)).toEqual([]);
    expect(sends('Arrived while Teams was down')).toHaveLength(2);
    expect(await app.db.prisma.job.count({ where: { dealId } })).toBe(0);
  });

  test('a copy the bot can no longer update (403) is given up; the others are updated', async () => {
    const name = 'Half-removed referral';
    const res = await postReferral(app, pcReferral({ name }));
    const dealId = res.body.dealId as string;
    const [gone, kept] = sends(name);
    app.stub.reset();
    app.stub.failNext(1, 403);
    const row = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    await app.post(
      cardAction(
        'referral.declineSubmit',
        { dealId, version: row.version, reason: 'notACustomer' },
        { from: PEOPLE.admin, chat: 'personal', replyToId: 'not-a-posted-copy' },
      ),
    );
    const tried = [...app.stub.failed, ...app.stub.calls].filter((c) => c.kind === 'update').map((c) => c.activityId).sort();
    expect(tried).toEqual([gone!.id, kept!.id].sort());
    expect(await app.db.prisma.job.count({ where: { dealId, status: 'pending' } })).toBe(0);
    const shown = await app.db.prisma.cardPost.findMany({ where: { dealId }, select: { shownVersion: true } });
    expect(shown.map((c) => c.shownVersion)).toEqual([2, 2]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
