import type { ConnectorCall } from '../helpers/connectorStub';
import { adaptiveCards, cardText, personalMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { PEOPLE, pcReferral, requestOnly, startReferralApp, TOKEN } from '../referrals/referralTestKit';

jest.setTimeout(60_000);

/**
 * The Bot Connector answering 429 (Retry-After), 500 and not at all while a new referral's card is posted
 * proactively: the post is retried by one layer with a bounded backoff that honours Retry-After, the card arrives
 * (inline, or from the sweep that announces referrals left without a card), and it arrives exactly once.
 */
describe('Bot Connector faults on proactive posts', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Jobs left waiting (a retried announcement) are looked at every second.
    ({ app } = await startReferralApp({ SWEEP_INTERVAL_SECONDS: '1', JOB_POLL_SECONDS: '1' }));
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

  /** Posts the referral; `postedAfterMs()` waits for its card and says how long after the post it came. */
  async function receive(name: string) {
    const started = Date.now();
    const res = await requestOnly(app, 'POST', '/api/referrals', pcReferral({ name }), { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(201);
    // The intake did not wait for Teams: when it answered, the card was not posted yet.
    expect(cardsOf(name)).toHaveLength(0);
    const postedAfterMs = async (timeoutMs = 10_000) => {
      await app.stub.waitFor(isCardOf(name), timeoutMs);
      return Date.now() - started;
    };
    return { dealId: res.body.dealId as string, postedAfterMs };
  }

  /** Once the referral's jobs are done (none left to post again), there is one card, tracked for the deal. */
  async function expectExactlyOneCard(name: string, dealId: string) {
    await app.settle();
    expect(await app.db.prisma.job.count({ where: { dealId } })).toBe(0);
    expect(cardsOf(name)).toHaveLength(1);
    const posts = await app.db.prisma.cardPost.findMany({ where: { dealId } });
    expect(posts.map((p) => p.activityId)).toEqual([cardsOf(name)[0]!.id]);
  }

  test('429 with Retry-After: the intake answers at once; the post waits as told, then the card is posted once', async () => {
    const name = 'Throttled 429 referral';
    app.stub.failNext(2, 429, { retryAfterSeconds: 1 });
    const { dealId, postedAfterMs } = await receive(name);
    // Two waits of a second each, as the connector asked (our own backoff would have been 0.5 s + 1 s).
    expect(await postedAfterMs()).toBeGreaterThanOrEqual(2_000);
    expect(app.stub.failed.map((c) => c.status)).toEqual([429, 429]);
    await expectExactlyOneCard(name, dealId);
  });

  test('500s: retried with growing waits until the card is posted', async () => {
    const name = 'Server error referral';
    app.stub.failNext(3, 500);
    const { dealId, postedAfterMs } = await receive(name);
    // 0.5 s, 1 s, 2 s between the four attempts.
    expect(await postedAfterMs()).toBeGreaterThanOrEqual(3_500);
    expect(attemptsOf(name).map((c) => c.status)).toEqual([500, 500, 500, 200]);
    await expectExactlyOneCard(name, dealId);
  });

  test('a connector that never answers: the attempt times out and is retried', async () => {
    const name = 'Timed out referral';
    app.app.services.messenger.retry.timeoutMs = 1_000;
    app.stub.hangNext(1);
    const { dealId, postedAfterMs } = await receive(name);
    expect(await postedAfterMs()).toBeGreaterThanOrEqual(1_500);
    expect(app.stub.failed.map((c) => c.status)).toEqual([0]);
    await expectExactlyOneCard(name, dealId);
  });

  test('still failing after four attempts: the referral is kept and its card posted by the next try of its job, once', async () => {
    const name = 'Outage referral';
    app.stub.failNext(4, 500);
    const { dealId, postedAfterMs } = await receive(name);
    // Bounded: four attempts, then the job waits for its next try. (With botframework-connector's own retries still
    // under ours, its first attempt alone would have tried four times and the second would have posted.)
    const job = await waitForJob(dealId, (j) => j.attempts === 1 && j.lockedUntil === null);
    expect(job.lastError).toContain('no conversation could be reached');
    expect(app.stub.failed).toHaveLength(4);
    expect(cardsOf(name)).toHaveLength(0);
    expect(await app.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).toMatchObject({ status: 'New' });

    await postedAfterMs();
    await expectExactlyOneCard(name, dealId);
  });

  test('a Retry-After longer than we wait in place: no call before it is over, then the card is posted', async () => {
    const name = 'Long throttle referral';
    app.app.services.messenger.retry.maxRetryAfterMs = 1_000;
    app.stub.failNext(1, 429, { retryAfterSeconds: 3 });
    const { dealId, postedAfterMs } = await receive(name);
    // Jobs were polled every second meanwhile, but nothing was sent to the connector until the 3 s were over.
    expect(await postedAfterMs()).toBeGreaterThanOrEqual(3_000);
    expect(attemptsOf(name).map((c) => c.status)).toEqual([429, 200]);
    await expectExactlyOneCard(name, dealId);
  });

  /** Polls the deal's job until `ready` holds (the event: a job attempt was recorded). */
  async function waitForJob(dealId: string, ready: (job: { attempts: number; lockedUntil: Date | null; lastError: string | null }) => boolean) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const job = await app.db.prisma.job.findFirst({ where: { dealId } });
      if (job && ready(job)) return job;
      if (Date.now() > deadline) throw new Error(`the job of ${dealId} did not get there: ${JSON.stringify(job)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
});
