import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPartnerCenterSandbox, type Sandbox } from '../../scripts/partnerCenterSandbox';
import { SYSTEM, actorOf } from '../../src/domain';
import { openDatabase } from '../../src/store/database';
import { PartnerCenterStore } from '../../src/store/partnerCenter';
import { personOf } from '../../src/store/people';
import { TOKYO, inDays, seedBasics } from '../helpers/fixtures';
import { startServerProcess } from '../helpers/serverProcess';
import { runCommitThenDie } from './programs/runChild';

jest.setTimeout(300_000);

const PC_TOKYO = 'pc-location-tokyo';
const API_TOKEN = 'push-crash-api-token-0123456789ab';

/**
 * Issue 13: `kill -9` after a change was committed and before its Partner Center push ran. The push job was written
 * in the change's transaction, so the next process sends it — once, with the eTag the deal recorded.
 */
describe('kill -9 between a commit and its Partner Center push (embedded database)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-push-crash-'));
  const dataDir = path.join(dir, 'pglite');
  const caFile = path.join(dir, 'ca.pem');
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await startPartnerCenterSandbox({ locationId: PC_TOKYO });
    fs.writeFileSync(caFile, sb.caPem);
  });
  afterAll(async () => {
    await sb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({
    API_CLIENTS: `crash:admin:global:${createHash('sha256').update(API_TOKEN).digest('hex')}`,
    DATABASE_URL: dataDir,
    JOB_POLL_SECONDS: '1',
    PARTNER_CENTER_TOKEN: sb.token,
    PARTNER_CENTER_API_URL: sb.url,
    PARTNER_CENTER_CERT_HOSTS: sb.certHost,
    PARTNER_CENTER_WEBHOOK_CA_FILE: caFile,
    PARTNER_CENTER_POLL_SECONDS: '86400',
  });
  const patchesOf = (id: string) => sb.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith(`/${id}`) && q.status === 200);
  async function until(check: () => boolean | Promise<boolean>, ms = 30_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('the push is sent after the restart, once', async () => {
    {
      const db = await openDatabase({ url: dataDir });
      await seedBasics(db.prisma);
      await new PartnerCenterStore(db.prisma).mapLocation(TOKYO, PC_TOKYO, SYSTEM);
      await db.close();
    }
    // A referral arrives from Partner Center through a running server (webhook → deal).
    const first = await startServerProcess(env());
    sb.setWebhookUrl(`${first.url}/api/partner-center/events`);
    const r = sb.createAsMicrosoft({ name: 'Referral accepted just before the crash' } as never);
    let dealId = '';
    // The running server holds the data directory: the deal is looked for through the deals API.
    await until(async () => {
      const res = await fetch(`${first.url}/api/deals?q=${encodeURIComponent('just before the crash')}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      const body = (await res.json()) as { value?: { id: string }[] };
      dealId = body.value?.[0]?.id ?? '';
      return !!dealId;
    }).catch(async (err) => {
      await first.stop();
      throw err;
    });
    expect(await first.stop()).toBe(0);
    sb.setWebhookUrl(undefined);

    // A process accepts it and dies before its push job could run.
    const db = await openDatabase({ url: dataDir });
    const user = actorOf(personOf(await db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: 'aad-tokyouser' }, include: { locations: true } })));
    await db.close();
    const plan = {
      receive: [],
      partnerCenter: true,
      execute: [{ dealId, actor: user, command: { type: 'accept', input: { name: 'Accepted before the crash', value: 1000, closeDate: inDays(30), notes: 'n', team: [{ name: 'Yuki Tokyo', email: 'tokyouser@contoso.example', phone: '+81 3 1234 5678' }] } } }],
    };
    const child = await runCommitThenDie([dataDir, JSON.stringify(plan)]);
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toContain('committed');
    expect(patchesOf(r.id)).toHaveLength(0);

    // The next process sends it; another restart finds nothing left.
    const second = await startServerProcess(env());
    await until(() => patchesOf(r.id).length > 0);
    expect(await second.stop()).toBe(0);
    const third = await startServerProcess(env());
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
    expect(await third.stop()).toBe(0);
    expect(patchesOf(r.id)).toHaveLength(1);
    expect(sb.referrals.get(r.id)).toMatchObject({ status: 'Active', substatus: 'Accepted', name: 'Accepted before the crash' });
  });
});

