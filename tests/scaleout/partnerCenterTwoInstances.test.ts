import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPartnerCenterSandbox, type Sandbox } from '../../scripts/partnerCenterSandbox';
import { SYSTEM, actorOf } from '../../src/domain';
import { openDatabase } from '../../src/store/database';
import { PartnerCenterStore } from '../../src/store/partnerCenter';
import { personOf } from '../../src/store/people';
import { TOKYO, inDays, seedBasics } from '../helpers/fixtures';
import { postgresBinaries, startPgCluster, type PgCluster } from '../helpers/pgCluster';
import { invokeBody, postJson, startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { startConnectorStub, type ConnectorStub } from '../helpers/connectorStub';

jest.setTimeout(120_000);

const maybe = postgresBinaries() ? describe : describe.skip;
const PC_TOKYO = 'pc-location-tokyo';

/**
 * Issue 13 with two bot processes on one PostgreSQL database: webhooks go to one instance, the jobs run on either;
 * every Partner Center referral becomes one deal, and every change made through either instance is pushed once.
 */
maybe('the Partner Center sync with two instances', () => {
  let cluster: PgCluster;
  let sb: Sandbox;
  let stub: ConnectorStub;
  let a: ServerProcess;
  let b: ServerProcess;
  let dbUrl: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-pc-scale-'));

  beforeAll(async () => {
    cluster = await startPgCluster();
    dbUrl = await cluster.createDatabase('cosell_pc_scaleout');
    const db = await openDatabase({ url: dbUrl });
    await seedBasics(db.prisma);
    await new PartnerCenterStore(db.prisma).mapLocation(TOKYO, PC_TOKYO, SYSTEM);
    await db.close();
    sb = await startPartnerCenterSandbox({ locationId: PC_TOKYO });
    stub = await startConnectorStub();
    const caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, sb.caPem);
    const env = {
      DATABASE_URL: dbUrl,
      JOB_POLL_SECONDS: '1',
      SWEEP_INTERVAL_SECONDS: '86400',
      PARTNER_CENTER_TOKEN: sb.token,
      PARTNER_CENTER_API_URL: sb.url,
      PARTNER_CENTER_CERT_HOSTS: sb.certHost,
      PARTNER_CENTER_WEBHOOK_CA_FILE: caFile,
      PARTNER_CENTER_POLL_SECONDS: '10',
    };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    sb.setWebhookUrl(`${a.url}/api/partner-center/events`);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([sb?.close(), stub?.close()]);
    cluster?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function withDb<T>(fn: (prisma: Awaited<ReturnType<typeof openDatabase>>['prisma']) => Promise<T>): Promise<T> {
    const db = await openDatabase({ url: dbUrl, poolSize: 2 });
    try {
      return await fn(db.prisma);
    } finally {
      await db.close();
    }
  }
  async function until(check: () => Promise<boolean> | boolean, ms = 60_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  test('each referral becomes one deal; each accept, through either instance, is pushed once', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => sb.createAsMicrosoft({ name: `Scale-out PC referral ${i}` } as never).id);
    // The webhooks go to A; both instances poll (every 10 s) — a referral is still one deal.
    await until(() => withDb(async (p) => (await p.deal.count({ where: { pcReferralId: { in: ids } } })) === ids.length));
    const deals = await withDb((p) => p.deal.findMany({ where: { pcReferralId: { in: ids } } }));
    expect(new Set(deals.map((d) => d.pcReferralId)).size).toBe(ids.length);

    // Yuki accepts them, clicking on A and B in turn.
    const user = await withDb(async (p) => actorOf(personOf(await p.user.findUniqueOrThrow({ where: { aadObjectId: 'aad-tokyouser' }, include: { locations: true } }))));
    const answers = await Promise.all(
      deals.map((d, i) =>
        postJson(
          `${(i % 2 ? a : b).url}/api/messages`,
          invokeBody(
            'referral.acceptSubmit',
            { dealId: d.id, version: d.version, name: d.name, value: '1000000', currency: 'JPY', closeDate: inDays(30), notes: 'Accepted on one of two instances.', member0Name: user.name, member0Email: 'tokyouser@contoso.example', member0Phone: '+81 3 1234 5678' },
            { aadObjectId: 'aad-tokyouser', name: user.name },
            stub.url,
          ),
        ),
      ),
    );
    for (const res of answers) expect(res.status).toBe(200);
    await until(() => ids.every((id) => sb.referrals.get(id)?.status === 'Active'));
    // Let both workers finish whatever is left, then count: one accepted PATCH per referral.
    await until(() => withDb(async (p) => (await p.job.count({ where: { kind: 'pc.push' } })) === 0));
    for (const id of ids) {
      const patches = sb.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith(`/${id}`) && q.status === 200);
      expect(patches).toHaveLength(1);
    }
  });
});
