import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/store/database';
import { seedBasics } from '../helpers/fixtures';
import { startConnectorStub, type ConnectorStub } from '../helpers/connectorStub';
import { invokeBody, postJson, startServerProcess, type ServerProcess } from '../helpers/serverProcess';
import { pcReferral, startCallbackReceiver, TOKEN } from '../referrals/referralTestKit';

jest.setTimeout(150_000);

const ADMIN = { aadObjectId: 'aad-admin', name: 'Aiko Admin' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * R28 across a crash: a decline whose sender callback is down leaves its notification pending; the bot is killed
 * with -9; a new process on the same database, with the callback back up, delivers it exactly once, with the same
 * Idempotency-Key as the failed attempt.
 */
describe('the outbox after kill -9 (embedded database)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-outbox-'));
  const dataDir = path.join(dir, 'pglite');
  const env = { DATABASE_URL: dataDir, REFERRALS_API_TOKEN: TOKEN, SWEEP_INTERVAL_SECONDS: '1', NOTIFY_RETRY_SECONDS: '10', CALLBACK_ALLOW_PRIVATE: '1' };
  let stub: ConnectorStub;
  let callback: Awaited<ReturnType<typeof startCallbackReceiver>>;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    stub = await startConnectorStub();
    callback = await startCallbackReceiver();
    const db = await openDatabase({ url: dataDir });
    await seedBasics(db.prisma);
    await db.close();
  });
  afterAll(async () => {
    await server?.kill9();
    await stub?.close();
    await callback?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function notificationRow(dealId: string) {
    const db = await openDatabase({ url: dataDir });
    try {
      return await db.prisma.notification.findFirst({ where: { dealId } });
    } finally {
      await db.close();
    }
  }

  test('a pending notification is delivered once by the next process', async () => {
    server = await startServerProcess(env);
    // The sender's endpoint is down (503 to everything) while the referral is declined.
    callback.failNext(1_000, 503);
    const res = await fetch(`${server.url}/api/referrals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(pcReferral({ sender: { type: 'microsoft', name: 'Sato', callbackUrl: callback.url } })),
    });
    expect(res.status).toBe(201);
    const { dealId } = (await res.json()) as { dealId: string };

    const declined = await postJson(
      `${server.url}/api/messages`,
      invokeBody('referral.declineSubmit', { dealId, version: 1, reason: 'timelineTooShort', message: 'No capacity this quarter' }, ADMIN, stub.url),
    );
    expect(JSON.stringify(declined.body)).toContain('Referral declined');
    for (let i = 0; i < 100 && callback.hits.length === 0; i++) await sleep(50);
    expect(callback.hits.map((h) => h.status)).toEqual([503]);
    const failedKey = callback.hits[0]!.idempotencyKey;

    await server.kill9();
    server = undefined;

    // Recorded as pending, for a later attempt; the database holds it across the crash.
    const pending = await notificationRow(dealId);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, kind: 'declined' });
    // The kill may land between the failed POST and recording why it failed; either way the attempt counted.
    if (pending!.lastError !== null) expect(pending!.lastError).toBe('http_5xx');

    callback.clearFailures();
    server = await startServerProcess(env);
    // The next attempt falls due NOTIFY_RETRY_SECONDS after the failed one (the outbox's backoff); then it is sent.
    // If the kill landed between the failed POST and recording it, the dead process's claim (a 60 s lease that covers
    // exactly this crash) must run out first.
    const deadline = Date.now() + 90_000;
    while (callback.delivered().length === 0 && Date.now() < deadline) await sleep(200);
    await sleep(2_000); // two more dispatch rounds: nothing is sent twice
    expect(callback.delivered()).toHaveLength(1);
    const hit = callback.delivered()[0]!;
    expect(hit.idempotencyKey).toBe(failedKey);
    expect(hit.body).toMatchObject({ event: 'referral.declined', dealId, reason: 'timelineTooShort', message: 'No capacity this quarter' });
    expect(callback.hits).toHaveLength(2);

    expect(await server.stop()).toBe(0);
    server = undefined;
    expect(await notificationRow(dealId)).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
  });
});
