import type { ConnectorCall } from '../helpers/connectorStub';
import { adaptiveCards, cardText, personalMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { PEOPLE, pcReferral, postReferral, startReferralApp } from '../referrals/referralTestKit';

jest.setTimeout(60_000);

/**
 * The Bot Connector answering 429 (Retry-After), 500 and not at all while a new referral's card is posted
 * proactively: the post is retried by one layer with a bounded backoff that honours Retry-After, the card arrives
 * (inline, or from the sweep that announces referrals left without a card), and it arrives exactly once.
 */
describe('Bot Connector faults on proactive posts', () => {
  let app: TestApp;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    // The sweep (and the re-announcement of referrals without a card) runs every second.
    ({ app } = await startReferralApp({ SWEEP_INTERVAL_SECONDS: '1' }));
    // Only the global admin has a personal chat with the bot: each announcement is exactly one post.
    await app.post(personalMessage('help', { from: PEOPLE.admin }));
  });
  afterAll(() => app?.close());

  beforeEach(() => {
    app.stub.reset();
    app.app.services.messenger.retry.timeoutMs = 15_000;
    app.app.services.messenger.retry.maxRetryAfterMs = 30_000;
  });

  const isCardOf = (name: string) => (c: ConnectorCall) =>
    (c.kind === 'send' || c.kind === 'reply') && adaptiveCards(c.activity).some((card) => cardText(card).includes(name));
  const cardsOf = (name: string) => app.stub.calls.filter(isCardOf(name));
  const attemptsOf = (name: string) => [...app.stub.failed.filter(isCardOf(name)), ...cardsOf(name)];

  async function receive(name: string) {
    const started = Date.now();
    const res = await postReferral(app, pcReferral({ name }));
    expect(res.status).toBe(201);
    return { dealId: res.body.dealId as string, answeredAfterMs: Date.now() - started };
  }

  /** Waits past two more sweeps, then checks there is still one card, tracked for the deal. */
  async function expectExactlyOneCard(name: string, dealId: string) {
    await sleep(2_500);
    expect(cardsOf(name)).toHaveLength(1);
    const posts = await app.db.prisma.cardPost.findMany({ where: { dealId } });
    expect(posts.map((p) => p.activityId)).toEqual([cardsOf(name)[0]!.id]);
  }

  test('429 with Retry-After: waits as told, then posts the card once', async () => {
    const name = 'Throttled 429 referral';
    app.stub.failNext(2, 429, { retryAfterSeconds: 1 });
    const { dealId, answeredAfterMs } = await receive(name);
    // Two waits of a second each, as the connector asked (our own backoff would have been 0.5 s + 1 s).
    expect(answeredAfterMs).toBeGreaterThanOrEqual(2_000);
    expect(app.stub.failed.map((c) => c.status)).toEqual([429, 429]);
    expect(cardsOf(name)).toHaveLength(1);
    await expectExactlyOneCard(name, dealId);
  });

  test('500s: retried with growing waits until the card is posted', async () => {
    const name = 'Server error referral';
    app.stub.failNext(3, 500);
    const { dealId, answeredAfterMs } = await receive(name);
    // 0.5 s, 1 s, 2 s between the four attempts.
    expect(answeredAfterMs).toBeGreaterThanOrEqual(3_500);
    expect(attemptsOf(name).map((c) => c.status)).toEqual([500, 500, 500, 200]);
    await expectExactlyOneCard(name, dealId);
  });

  test('a connector that never answers: the attempt times out and is retried', async () => {
    const name = 'Timed out referral';
    app.app.services.messenger.retry.timeoutMs = 1_000;
    app.stub.hangNext(1);
    const { dealId, answeredAfterMs } = await receive(name);
    expect(answeredAfterMs).toBeGreaterThanOrEqual(1_500);
    expect(app.stub.failed.map((c) => c.status)).toEqual([0]);
    expect(cardsOf(name)).toHaveLength(1);
    await expectExactlyOneCard(name, dealId);
  });

  test('still failing after four attempts: the referral is kept and its card posted by a later sweep, once', async () => {
    const name = 'Outage referral';
    app.stub.failNext(4, 500);
    const { dealId } = await receive(name);
    // Bounded: four attempts, then the intake answers without a card. (With botframework-connector's own retries
    // still under ours, its first attempt alone would have tried four times and the second would have posted.)
    expect(app.stub.failed).toHaveLength(4);
    expect(cardsOf(name)).toHaveLength(0);
    expect(await app.db.prisma.cardPost.count({ where: { dealId } })).toBe(0);
    const deal = await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    expect(deal.status).toBe('New');

    const card = await app.stub.waitFor(isCardOf(name), 10_000);
    expect(cardText(adaptiveCards(card.activity)[0])).toContain(name);
    await expectExactlyOneCard(name, dealId);
  });

  test('a Retry-After longer than we wait in place: no call before it is over, then the sweep posts the card', async () => {
    const name = 'Long throttle referral';
    app.app.services.messenger.retry.maxRetryAfterMs = 1_000;
    app.stub.failNext(1, 429, { retryAfterSeconds: 3 });
    const { dealId, answeredAfterMs } = await receive(name);
    const throttledAt = Date.now();
    expect(answeredAfterMs).toBeLessThan(1_500);
    expect(cardsOf(name)).toHaveLength(0);

    await app.stub.waitFor(isCardOf(name), 10_000);
    // Sweeps ran every second meanwhile, but nothing was sent to the connector until the 3 s were over.
    expect(Date.now() - throttledAt).toBeGreaterThanOrEqual(3_000 - answeredAfterMs - 100);
    expect(attemptsOf(name).map((c) => c.status)).toEqual([429, 200]);
    await expectExactlyOneCard(name, dealId);
  });
});
