import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/store/database';
import { PeopleStore } from '../../src/store/people';
import { dealStore, referral, seedBasics } from '../helpers/fixtures';
import { startConnectorStub, type ConnectorStub } from '../helpers/connectorStub';
import { invokeBody, postJson, startServerProcess } from '../helpers/serverProcess';

jest.setTimeout(90_000);

const CLICKER = { aadObjectId: 'kill9-accepter', name: 'Akira Accepter' };

/**
 * `kill -9` of the bot in the middle of a burst of referral accepts: afterwards each referral is either fully
 * accepted (status, owner, team member, the accept note, one audit event, version) or untouched, and a new process on the
 * same directory serves again.
 */
describe('kill -9 during referral accepts (embedded database)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-kill9-accept-'));
  const dataDir = path.join(dir, 'pglite');
  const deals: { id: string; closeDate: string; notes: number }[] = [];
  let stub: ConnectorStub;

  beforeAll(async () => {
    stub = await startConnectorStub();
  });
  afterAll(async () => {
    await stub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('each referral is fully accepted or untouched', async () => {
    {
      const db = await openDatabase({ url: dataDir });
      await seedBasics(db.prisma);
      const people = new PeopleStore(db.prisma);
      await people.setRole((await people.ensureUser(CLICKER)).id, 'admin', {
        global: true,
        locations: [],
      });
      for (let i = 0; i < 30; i++) {
        const received = await dealStore(db.prisma).receive(referral({ referralId: `kill9-accept-${i}` }));
        if (!received.ok) throw new Error(received.refusal.code);
        const id = received.value.deal.id;
        const row = await db.prisma.deal.findUniqueOrThrow({ where: { id } });
        deals.push({
          id,
          closeDate: row.closeDate.toISOString().slice(0, 10),
          notes: await db.prisma.dealNote.count({ where: { dealId: id } }),
        });
      }
      await db.close();
    }

    const first = await startServerProcess({ DATABASE_URL: dataDir });
    let answered = 0;
    const accepted = new Set<string>();
    const clicking = Promise.all(
      deals.map(async ({ id, closeDate }, i) => {
        const data = {
          dealId: id,
          version: 1,
          name: `Accepted ${i}`,
          value: '3000000',
          currency: 'JPY',
          closeDate,
          notes: `kill9 accept note ${i}`,
          member0Name: `Member ${i}`,
          member0Email: `member${i}@contoso.example`,
          member0Phone: '+81 3 1234 5678',
        };
        try {
          const res = await postJson(`${first.url}/api/messages`, invokeBody('referral.acceptSubmit', data, CLICKER, stub.url));
          answered++;
          if (JSON.stringify(res.body).includes('Referral accepted.')) accepted.add(id);
        } catch {
          // the server died under us
        }
      }),
    );
    while (answered < 6) await new Promise((resolve) => setTimeout(resolve, 5));
    await first.kill9();
    await clicking;
    expect(answered).toBeLessThan(deals.length);

    const second = await startServerProcess({ DATABASE_URL: dataDir });
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    expect(await second.stop()).toBe(0);

    const db = await openDatabase({ url: dataDir });
    try {
      let done = 0;
      for (const [i, { id, notes }] of deals.entries()) {
        const deal = await db.prisma.deal.findUniqueOrThrow({
          where: { id },
          include: { team: true },
        });
        const events = await db.prisma.auditEvent.findMany({
          where: { dealId: id },
        });
        const acceptEvents = events.filter((e) => e.type === 'ReferralAccepted').length;
        const acceptNotes = await db.prisma.dealNote.count({
          where: { dealId: id, text: `kill9 accept note ${i}` },
        });
        const allNotes = await db.prisma.dealNote.count({
          where: { dealId: id },
        });
        const seen = {
          status: `${deal.status}/${deal.substatus}`,
          version: deal.version,
          name: deal.name,
          owner: deal.acceptedByName,
          team: deal.team.map((m) => `${m.name} <${m.email}>`),
          acceptEvents,
          acceptNotes,
          otherNotes: allNotes - acceptNotes,
        };
        if (deal.status === 'New') {
          expect(seen).toEqual({
            status: 'New/Received',
            version: 1,
            name: deal.name,
            owner: null,
            team: [],
            acceptEvents: 0,
            acceptNotes: 0,
            otherNotes: notes,
          });
          // Told "accepted" but untouched would be a lie to the user.
          expect(accepted.has(id)).toBe(false);
        } else {
          expect(seen).toEqual({
            status: 'Active/Accepted',
            version: 2,
            name: `Accepted ${i}`,
            owner: CLICKER.name,
            team: [`Member ${i} <member${i}@contoso.example>`],
            acceptEvents: 1,
            acceptNotes: 1,
            otherNotes: notes,
          });
          done++;
        }
      }
      // The kill landed in the middle: some accepted, some not.
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThan(deals.length);
      for (const id of accepted) expect((await db.prisma.deal.findUniqueOrThrow({ where: { id } })).status).toBe('Active');
    } finally {
      await db.close();
    }
  });
});
