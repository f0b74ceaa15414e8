import { openDatabase } from '../../src/store/database';
import { startConnectorStub, type ConnectorStub } from '../helpers/connectorStub';
import { postgresBinaries, startPgCluster, type PgCluster } from '../helpers/pgCluster';
import { invokeBody, postJson, startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { adaptiveCards, ALICE, cardText, personalMessage, type TeamsActivity } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';
import { PEOPLE, pcReferral, startCallbackReceiver, TOKEN } from '../referrals/referralTestKit';
import { WizardDriver } from '../wizard/wizardDriver';
import { GOOD, seedWizard, withRole } from '../wizard/wizardSetup';

jest.setTimeout(60_000);

const maybe = postgresBinaries() ? describe : describe.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two bot processes on different ports sharing one PostgreSQL database (as behind a load balancer), posting to one
 * stand-in Bot Connector: a referral accepted through both at once has one winner; both sweepers expire each due
 * referral once and its sender hears of it once; a wizard started on one instance is finished on the other.
 */
maybe('two instances on one PostgreSQL database', () => {
  let cluster: PgCluster;
  let stub: ConnectorStub;
  let callback: Awaited<ReturnType<typeof startCallbackReceiver>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let dbUrl: string;

  beforeAll(async () => {
    cluster = await startPgCluster();
    dbUrl = await cluster.createDatabase('cosell_scaleout');
    const db = await openDatabase({ url: dbUrl });
    await seedWizard(db.prisma);
    await withRole(db.prisma, ALICE, 'alice@contoso.example');
    await db.close();
    [stub, callback] = await Promise.all([startConnectorStub(), startCallbackReceiver()]);
    const env = { DATABASE_URL: dbUrl, REFERRALS_API_TOKEN: TOKEN, SWEEP_INTERVAL_SECONDS: '1', JOB_POLL_SECONDS: '1', CALLBACK_ALLOW_PRIVATE: '1' };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([stub?.close(), callback?.close()]);
    cluster?.destroy();
  }, 30_000);

  async function withDb<T>(fn: (prisma: Awaited<ReturnType<typeof openDatabase>>['prisma']) => Promise<T>): Promise<T> {
    const db = await openDatabase({ url: dbUrl, poolSize: 2 });
    try {
      return await fn(db.prisma);
    } finally {
      await db.close();
    }
  }

  const receive = async (server: ServerProcess, body: unknown) => {
    const res = await fetch(`${server.url}/api/referrals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { dealId: string }).dealId;
  };

  test('concurrent accepts of one referral through both instances: one winner, the others told who won', async () => {
    const dealId = await receive(a, pcReferral({ name: 'Contested referral' }));
    const closeDate = await withDb(async (p) => (await p.deal.findUniqueOrThrow({ where: { id: dealId } })).closeDate.toISOString().slice(0, 10));
    const people = [PEOPLE.tokyoAdmin, PEOPLE.admin, PEOPLE.tokyoUser, PEOPLE.tokyoUser2];
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const from = people[i % people.length]!;
        const server = i % 2 === 0 ? a : b;
        const data = { dealId, version: 1, name: `Contested by ${from.name}`, value: '100', currency: 'JPY', closeDate, notes: `accept ${i}` };
        return postJson(`${server.url}/api/messages`, invokeBody('referral.acceptSubmit', data, from, stub.url));
      }),
    );
    const texts = answers.map((r) => {
      expect(r.status).toBe(200);
      return cardText(r.body.value);
    });
    const deal = await withDb((p) => p.deal.findUniqueOrThrow({ where: { id: dealId } }));
    expect(`${deal.status}/${deal.substatus}`).toBe('Active/Accepted');
    expect(deal.version).toBe(2);
    expect(texts.filter((t) => t.includes('Referral accepted.'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes(`Already accepted by ${deal.acceptedByName}.`))).toHaveLength(7);
    expect(await withDb((p) => p.auditEvent.count({ where: { dealId, type: 'ReferralAccepted' } }))).toBe(1);
    expect(await withDb((p) => p.dealNote.count({ where: { dealId, text: { startsWith: 'accept ' } } }))).toBe(1);
  });

  test('both sweepers running: every due referral expires once and its sender is notified once', async () => {
    const fifteenDaysAgo = new Date(Date.now() - 15 * 86_400_000).toISOString();
    const dealIds = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        receive(i % 2 ? a : b, pcReferral({ name: `Overdue ${i}`, createdDateTime: fifteenDaysAgo, sender: { type: 'microsoft', name: 'Sato', callbackUrl: callback.url } })),
      ),
    );
    const deadline = Date.now() + 30_000;
    const deliveredFor = () => new Set(callback.delivered().map((h) => h.body?.dealId as string));
    while (Date.now() < deadline && !dealIds.every((id) => deliveredFor().has(id))) await sleep(250);
    await sleep(3_000); // more sweeps and dispatches on both instances: nothing happens twice

    const mine = callback.hits.filter((h) => dealIds.includes(h.body?.dealId));
    expect(mine.filter((h) => h.status === 200).map((h) => h.body.dealId).sort()).toEqual([...dealIds].sort());
    expect(mine.every((h) => h.body.event === 'referral.expired')).toBe(true);
    await withDb(async (p) => {
      for (const dealId of dealIds) {
        const deal = await p.deal.findUniqueOrThrow({ where: { id: dealId } });
        expect({ dealId, status: `${deal.status}/${deal.substatus}`, version: deal.version }).toEqual({ dealId, status: 'Closed/Expired', version: 2 });
        expect(await p.auditEvent.count({ where: { dealId, type: 'ReferralExpired' } })).toBe(1);
        expect(await p.notification.findMany({ where: { dealId }, select: { status: true, attempts: true } })).toEqual([{ status: 'delivered', attempts: 1 }]);
      }
    });
  });

  test('follow-up jobs written on either instance run once: each referral card is posted once', async () => {
    // The global admin chats with the bot: every referral card goes to that personal chat.
    await postJson(`${a.url}/api/messages`, { ...personalMessage('help', { from: PEOPLE.admin }), serviceUrl: stub.url });
    stub.reset();
    const names = Array.from({ length: 12 }, (_, i) => `Scale-out referral ${i}`);
    const dealIds = await Promise.all(names.map((name, i) => receive(i % 2 ? a : b, pcReferral({ name }))));
    const postsOf = (name: string) =>
      stub.calls.filter((c) => (c.kind === 'send' || c.kind === 'reply') && adaptiveCards(c.activity).some((card) => cardText(card).includes(`${name}\n`)));
    await Promise.all(names.map((name) => stub.waitFor(() => postsOf(name).length > 0, 30_000).catch(() => undefined)));
    // Both workers poll every second: wait until neither has anything left, then count.
    const deadline = Date.now() + 30_000;
    while ((await withDb((p) => p.job.count({ where: { dealId: { in: dealIds } } }))) > 0 && Date.now() < deadline) await sleep(200);
    expect(await withDb((p) => p.job.count({ where: { dealId: { in: dealIds } } }))).toBe(0);
    // Each referral's card reached each admin chat once (the admins who chatted with the bot earlier in this file).
    const perReferral = names.map((name) => postsOf(name).map((c) => c.conversationId));
    for (const chats of perReferral) {
      expect(chats.length).toBeGreaterThan(0);
      expect(new Set(chats).size).toBe(chats.length);
    }
    const posted = perReferral.reduce((n, chats) => n + chats.length, 0);
    expect(await withDb((p) => p.cardPost.count({ where: { dealId: { in: dealIds } } }))).toBe(posted);
  });

  test('a new-deal wizard started on instance A goes on, and creates the deal, on instance B', async () => {
    const on = (server: ServerProcess) =>
      ({
        stub,
        post: (activity: TeamsActivity) => postJson(`${server.url}/api/messages`, { ...activity, serviceUrl: stub.url }),
      }) as unknown as TestApp;
    const w = new WizardDriver(on(a), ALICE);
    await w.say('new deal');
    const found = await w.click('search', { country: 'JP', city: 'Tokyo', query: 'fabrikam' });
    const choices = found.card.body.flatMap((s: any) => s.items ?? []).flatMap((c: any) => c.items ?? []).find((i: any) => i.id === 'customerId')?.choices;
    const fabrikam = choices.find((c: any) => c.title.includes('DUNS 123456789'));
    await w.click('next', { customerId: fabrikam.value });
    await w.click('next', GOOD.contact);
    expect(cardText(w.current!.card)).toContain('Deal details');

    // The next click reaches the other instance (the load balancer's choice): it knows the step and the answers.
    w.app = on(b);
    await w.click('next', GOOD.details({ name: 'Scale-out assessment' }));
    await w.click('next', GOOD.team);
    await w.click('next', GOOD.assessment);
    const { card } = await w.click('next', { consent: 'true' });
    expect(cardText(card)).toMatch(/Deal #\d+ "Scale-out assessment" created\./);
    const deal = await withDb((p) => p.deal.findFirstOrThrow({ where: { name: 'Scale-out assessment' }, include: { customer: true, team: true } }));
    expect(deal).toMatchObject({ direction: 'outbound', createdByName: ALICE.name, contactName: 'Kenji Tanaka', assessmentType: 'Azure Foundations' });
    expect(deal.customer.duns).toBe('123456789');
  });
});
