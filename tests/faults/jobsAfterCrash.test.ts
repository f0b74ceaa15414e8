import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_DOMAIN_CONFIG, actorOf } from '../../src/domain';
import { createDealCommands } from '../../src/services/services';
import { openDatabase } from '../../src/store/database';
import { personOf } from '../../src/store/people';
import { startConnectorStub, type ConnectorStub } from '../helpers/connectorStub';
import { inDays, referral, seedBasics } from '../helpers/fixtures';
import { postJson, startServerProcess } from '../helpers/serverProcess';
import { adaptiveCards, cardText, personalMessage, teamsUser } from '../helpers/teams';
import { runCommitThenDie } from './programs/runChild';

jest.setTimeout(300_000);

const ADMIN = teamsUser('Aiko Admin', 'aad-admin');

/**
 * `kill -9` right after a commit, before its follow-up jobs ran: the jobs were written in the same transaction, so
 * the next process runs them — the new referral's card is posted and the accepted referral's posted card updated —
 * and runs them once.
 */
describe('kill -9 between a commit and its follow-up jobs (embedded database)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-jobs-crash-'));
  const dataDir = path.join(dir, 'pglite');
  let stub: ConnectorStub;

  beforeAll(async () => {
    stub = await startConnectorStub();
  });
  afterAll(async () => {
    await stub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cardNamed = (name: string) => (c: { kind: string; activity: { attachments?: { contentType: string; content: unknown }[] } }) =>
    (c.kind === 'send' || c.kind === 'reply') && adaptiveCards(c.activity).some((card) => cardText(card).includes(name));

  test('the jobs run after the restart, once', async () => {
    // A server learns the admin's personal chat (proactive posts go there) and posts the first referral's card.
    let posted: { dealId: string; activityId: string };
    {
      const db = await openDatabase({ url: dataDir });
      await seedBasics(db.prisma);
      const first = await createDealCommands(db, DEFAULT_DOMAIN_CONFIG).receive(referral({ referralId: 'crash-1' }));
      if (!first.ok) throw new Error(first.refusal.code);
      await db.close();
      const server = await startServerProcess({ DATABASE_URL: dataDir, JOB_POLL_SECONDS: '1' });
      await postJson(`${server.url}/api/messages`, { ...personalMessage('help', { from: ADMIN }), serviceUrl: stub.url });
      const card = await stub.waitFor(cardNamed('Northwind cost optimisation'), 20_000);
      posted = { dealId: first.value.deal.id, activityId: card.id };
      expect(await server.stop()).toBe(0);
    }

    // A process accepts that referral and receives a new one, then dies before any job of its could run.
    const db = await openDatabase({ url: dataDir });
    const admin = actorOf(personOf(await db.prisma.user.findUniqueOrThrow({ where: { aadObjectId: ADMIN.aadObjectId }, include: { locations: true } })));
    await db.close();
    const plan = {
      receive: [{ ...referral({ referralId: 'crash-2' }), deal: { ...referral().deal, name: 'Arrived just before the crash', createdAt: new Date().toISOString() } }],
      execute: [{ dealId: posted.dealId, actor: admin, command: { type: 'accept', input: { name: 'Accepted before the crash', value: 1000, closeDate: inDays(30), notes: 'n' } } }],
    };
    const child = await runCommitThenDie([dataDir, JSON.stringify(plan)]);
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toContain('committed');
    stub.reset();

    // The next process does what the dead one could not.
    const server = await startServerProcess({ DATABASE_URL: dataDir, JOB_POLL_SECONDS: '1' });
    await stub.waitFor(cardNamed('Arrived just before the crash'), 20_000);
    const update = await stub.waitFor((c) => c.kind === 'update' && c.activityId === posted.activityId, 20_000);
    expect(cardText(adaptiveCards(update.activity)[0])).toContain('Active / Accepted');
    expect(await server.stop()).toBe(0);
    {
      const check = await openDatabase({ url: dataDir });
      expect(await check.prisma.job.count()).toBe(0);
      await check.close();
    }

    // And once: another restart finds nothing left to do.
    const again = await startServerProcess({ DATABASE_URL: dataDir, JOB_POLL_SECONDS: '1' });
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    expect(await again.stop()).toBe(0);
    expect(stub.calls.filter(cardNamed('Arrived just before the crash'))).toHaveLength(1);
    expect(stub.calls.filter((c) => c.kind === 'update' && c.activityId === posted.activityId)).toHaveLength(1);
  });
});

