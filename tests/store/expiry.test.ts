import { SYSTEM } from '../../src/domain';
import { expireDueBatch } from '../../src/store/expiry';
import { dealStore, inDays, referral, seedBasics } from '../helpers/fixtures';
import { describeEachDatabase, type TestDatabase } from '../helpers/testDb';

const DAY = 86_400_000;

describeEachDatabase('set-based expiry (R17)', (currentDb) => {
  let db: TestDatabase;
  let basics: Awaited<ReturnType<typeof seedBasics>>;
  beforeAll(async () => {
    db = currentDb();
    basics = await seedBasics(db.prisma);
  });

  const receive = async (daysAgo: number, callbackUrl: string | null = 'https://callback.example/r') => {
    const r = await dealStore(db.prisma).receive(referral({ callbackUrl }, new Date(Date.now() - daysAgo * DAY)));
    if (!r.ok) throw new Error(r.refusal.code);
    return r.value.deal.id;
  };

  test('a batch writes exactly what expiring one deal through the state machine writes', async () => {
    const viaMachine = await receive(15);
    const viaBatch = await receive(15);
    const now = new Date();
    const one = await dealStore(db.prisma).execute(viaMachine, { type: 'expire' }, SYSTEM, { now });
    expect(one.ok).toBe(true);
    expect(await expireDueBatch(db.prisma, now, 100)).toEqual([viaBatch]);

    const pick = async (id: string) => {
      const d = await db.prisma.deal.findUniqueOrThrow({ where: { id } });
      const n = await db.prisma.notification.findFirstOrThrow({ where: { dealId: id } });
      const e = await db.prisma.auditEvent.findMany({ where: { dealId: id }, orderBy: { id: 'asc' } });
      const payload = { ...(n.payload as Record<string, unknown>), dealId: 'x', referralId: 'x' };
      return {
        deal: { status: d.status, substatus: d.substatus, closedAt: d.closedAt, closedById: d.closedById, closedByName: d.closedByName, version: d.version },
        notification: { kind: n.kind, status: n.status, url: n.url, payload },
        // Each deal has its own expiry time; the events must carry it in the same form.
        events: e.map((x) => ({ type: x.type, actorName: x.actorName, actorId: x.actorId, data: { ...(x.data as object), expiresAt: typeof (x.data as { expiresAt?: unknown }).expiresAt } })),
      };
    };
    expect(await pick(viaBatch)).toEqual(await pick(viaMachine));
  });

  test('only due New referrals expire; answered and not-yet-due ones are untouched; no endpoint is recorded', async () => {
    const due = await receive(20, null);
    const notDue = await receive(3);
    const answered = await receive(20);
    const accepted = await dealStore(db.prisma).execute(
      answered,
      { type: 'accept', input: { name: 'Taken', value: 1, closeDate: inDays(10), notes: 'n' } },
      basics.actors.tokyoUser,
      { now: new Date(Date.now() - 10 * DAY) },
    );
    expect(accepted.ok).toBe(true);
    const expired = await expireDueBatch(db.prisma, new Date(), 100);
    expect(expired).toEqual([due]);
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: notDue } })).status).toBe('New');
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: answered } })).status).toBe('Active');
    expect(await db.prisma.notification.findFirstOrThrow({ where: { dealId: due } })).toMatchObject({ status: 'noEndpoint', url: null });
  });

  test('concurrent sweeps split the due referrals between them: each expired and notified once', async () => {
    // Received one after another: 40 intake transactions at once waited past Prisma's 2 s to start on a loaded machine.
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await receive(16));
    const now = new Date();
    const runs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const mine: string[] = [];
        for (;;) {
          const batch = await expireDueBatch(db.prisma, now, 7);
          mine.push(...batch);
          if (batch.length < 7) return mine;
        }
      }),
    );
    const all = runs.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(await db.prisma.notification.count({ where: { dealId: { in: ids } } })).toBe(ids.length);
    expect(await db.prisma.auditEvent.count({ where: { dealId: { in: ids }, type: 'ReferralExpired' } })).toBe(ids.length);
  });
});
