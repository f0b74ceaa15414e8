import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MANDATORY_SA_STAGES } from '../../src/domain';
import { openDatabase } from '../../src/store/database';
import { actorOf } from '../../src/domain';
import { PeopleStore } from '../../src/store/people';
import { dealStore, seedBasics, validCreateInput } from '../helpers/fixtures';
import { invokeBody, postJson, startServerProcess } from '../helpers/serverProcess';

jest.setTimeout(120_000);

const CLICKER = { aadObjectId: 'kill9-admin', name: 'Kaito Admin' };

/**
 * `kill -9` of the bot in the middle of a burst of state changes on the embedded database: afterwards every deal is
 * either fully changed or untouched (version, stage, completions and audit events agree), the stale lock of the
 * dead process is recovered, and the bot serves again.
 */
describe('kill -9 during card actions (embedded database)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-kill9-'));
  const dataDir = path.join(dir, 'pglite');
  const dealIds: string[] = [];

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('no half-written deal, and the bot comes back on the same directory', async () => {
    {
      const db = await openDatabase({ url: dataDir });
      const { customer } = await seedBasics(db.prisma);
      const people = new PeopleStore(db.prisma);
      const admin = actorOf(await people.setRole((await people.ensureUser(CLICKER)).id, 'admin', { global: true, locations: [] }));
      for (let i = 0; i < 24; i++) {
        const created = await dealStore(db.prisma).create(validCreateInput(customer.id, admin, { name: `Kill ${i}` }), admin);
        if (!created.ok) throw new Error(created.refusal.code);
        dealIds.push(created.value.id);
      }
      await db.close();
    }

    const first = await startServerProcess({ DATABASE_URL: dataDir });
    let answered = 0;
    const clicking = Promise.all(
      dealIds.map(async (dealId) => {
        for (const stage of MANDATORY_SA_STAGES) {
          try {
            await postJson(`${first.url}/api/messages`, invokeBody('deal.completeStage', { dealId, stage }, CLICKER));
            answered++;
          } catch {
            return; // the server died under us
          }
        }
      }),
    );
    // Kill once some, but not all, clicks have gone through.
    while (answered < 20) await new Promise((resolve) => setTimeout(resolve, 10));
    await first.kill9();
    await clicking;
    expect(answered).toBeLessThan(dealIds.length * MANDATORY_SA_STAGES.length);

    // A new process takes over the directory (the dead one's lock is stale) and serves.
    const second = await startServerProcess({ DATABASE_URL: dataDir });
    const health = await fetch(`${second.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await second.stop()).toBe(0);

    const db = await openDatabase({ url: dataDir });
    try {
      let changed = 0;
      for (const id of dealIds) {
        const deal = await db.prisma.deal.findUniqueOrThrow({ where: { id }, include: { completions: true } });
        const events = await db.prisma.auditEvent.count({ where: { dealId: id, type: 'StageCompleted' } });
        expect({ id, completions: deal.completions.length, events, version: deal.version }).toEqual({
          id,
          completions: events,
          events,
          version: 1 + events,
        });
        expect(deal.stage).toBe(events ? MANDATORY_SA_STAGES[events - 1] : 'accepted');
        if (events) changed++;
      }
      expect(changed).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
