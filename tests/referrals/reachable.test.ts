import { adaptiveCards, cardText, personalMessage } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { PEOPLE, pcReferral, postReferral, startReferralApp } from './referralTestKit';

/**
 * A referral that arrives while no one can be told (no linked chat, no admin has talked to the bot yet) waits with a
 * growing retry delay. The moment an admin becomes reachable — first message or install — it is posted to them, not
 * after the next retry (which can be an hour away).
 */
describe('a referral waiting for someone reachable', () => {
  let app: TestApp;

  beforeAll(async () => {
    ({ app } = await startReferralApp({ JOB_POLL_SECONDS: '3600' }));
  });
  afterAll(() => app?.close());

  test('is posted to the admin as soon as they first write to the bot', async () => {
    const res = await postReferral(app, pcReferral({ name: 'Waiting for an admin', sender: { type: 'microsoft', name: 'Sato (Microsoft seller)' } }));
    expect(res.status).toBe(201);
    // Nobody reachable: the announcement failed and waits for its retry.
    const job = await app.db.prisma.job.findFirstOrThrow({ where: { kind: 'referral.announce', dealId: res.body.dealId } });
    expect(job.runAfter.getTime()).toBeGreaterThan(Date.now());
    expect(app.stub.calls.some((c) => adaptiveCards(c.activity).some((card) => cardText(card).includes('Waiting for an admin')))).toBe(false);

    // The Tokyo admin says hello for the first time: the waiting card follows at once.
    await app.post(personalMessage('help', { from: PEOPLE.tokyoAdmin }));
    const posted = app.stub.calls.filter((c) => adaptiveCards(c.activity).some((card) => cardText(card).includes('Waiting for an admin')));
    expect(posted.map((c) => c.conversationId)).toEqual([`a:1personal-${PEOPLE.tokyoAdmin.aadObjectId}`]);
    expect(await app.db.prisma.job.count({ where: { kind: 'referral.announce', dealId: res.body.dealId } })).toBe(0);
  });
});
