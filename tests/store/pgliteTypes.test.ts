import { Prisma, type PrismaClient } from '@prisma/client';
import { describeEachDatabase } from '../helpers/testDb';

// The PGlite adapter (pglite-prisma-adapter 0.6.1) is typed for an older Prisma; src/store/pgliteAdapter.ts bridges
// the type. This suite proves the bridge works at run time for every kind of value the schema uses, through the real
// PrismaClient, and that PostgreSQL (@prisma/adapter-pg) behaves the same.

let seq = 0;
const uid = (prefix: string) => `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

async function seedDeal(prisma: PrismaClient, over: Partial<Prisma.DealUncheckedCreateInput> = {}) {
  const location = await prisma.location.create({ data: { id: uid('loc'), name: 'Contoso Japan – Tokyo', country: 'JP' } });
  const customer = await prisma.customer.create({
    data: { name: 'Contoso KK', searchName: 'contoso kk', country: 'JP', city: 'Tokyo' },
  });
  return prisma.deal.create({
    data: {
      direction: 'outbound',
      type: 'solutionAssessment',
      status: 'Active',
      substatus: 'Accepted',
      stage: 'accepted',
      name: 'Migration assessment',
      value: '1000.00',
      currency: 'JPY',
      closeDate: new Date('2027-01-31'),
      locationId: location.id,
      customerId: customer.id,
      ...over,
    },
  });
}

describeEachDatabase('Prisma value types through the driver adapter', (db, kind) => {
  const prisma = () => db().prisma;

  test('Decimal(18,2) round-trips exactly, rounds to 2 places, and filters', async () => {
    const big = await seedDeal(prisma(), { value: new Prisma.Decimal('12345678901234.56') });
    const max = await seedDeal(prisma(), { value: '9999999999999999.99' });
    const rounded = await seedDeal(prisma(), { value: '0.125' });

    const read = await prisma().deal.findUniqueOrThrow({ where: { id: big.id } });
    expect(read.value).toBeInstanceOf(Prisma.Decimal);
    expect(read.value.toFixed(2)).toBe('12345678901234.56');
    expect((await prisma().deal.findUniqueOrThrow({ where: { id: max.id } })).value.toFixed(2)).toBe(
      '9999999999999999.99',
    );
    // PostgreSQL numeric rounds half away from zero.
    expect((await prisma().deal.findUniqueOrThrow({ where: { id: rounded.id } })).value.toFixed(2)).toBe('0.13');

    const over = await prisma().deal.findMany({ where: { value: { gt: '12345678901234.55' } }, select: { id: true } });
    expect(over.map((d) => d.id).sort()).toEqual([big.id, max.id].sort());
    await expect(seedDeal(prisma(), { value: '99999999999999999.00' })).rejects.toThrow(); // 17 integer digits
  });

  test('DateTime keeps milliseconds; @db.Date keeps the calendar day only', async () => {
    const acceptedAt = new Date('2026-03-04T05:06:07.891Z');
    const deal = await seedDeal(prisma(), { acceptedAt, closeDate: new Date('2026-12-31T23:59:59.999Z') });
    const read = await prisma().deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(read.acceptedAt?.toISOString()).toBe('2026-03-04T05:06:07.891Z');
    expect(read.closeDate.toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(read.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const byDay = await prisma().deal.findMany({
      where: { id: deal.id, closeDate: { gte: new Date('2026-12-31'), lt: new Date('2027-01-01') } },
    });
    expect(byDay).toHaveLength(1);
  });

  test('Json values round-trip and can be filtered by path', async () => {
    const solutions = [{ id: 'sol-1', name: 'Azure 移行 🚀', tags: ['a', 'b'], weight: 1.5, active: true, extra: null }];
    const deal = await seedDeal(prisma(), { solutions });
    expect((await prisma().deal.findUniqueOrThrow({ where: { id: deal.id } })).solutions).toEqual(solutions);

    const data = { from: { stage: 'accepted' }, to: { stage: 'won' }, note: 'quote " and \\ backslash' };
    await prisma().auditEvent.create({ data: { dealId: deal.id, actorName: 'Aiko', type: 'stage.changed', data } });
    const found = await prisma().auditEvent.findMany({
      where: { dealId: deal.id, data: { path: ['to', 'stage'], equals: 'won' } },
    });
    expect(found.map((e) => e.data)).toEqual([data]);
    // Default "{}" comes back as an object, not a string.
    const bare = await prisma().auditEvent.create({ data: { actorName: 'system', type: 'noop' } });
    expect(bare.data).toEqual({});
  });

  test('BigInt ids (AuditEvent) are bigint, increase, and keep values above 2^53 exact', async () => {
    const a = await prisma().auditEvent.create({ data: { actorName: 'a', type: 't' } });
    const b = await prisma().auditEvent.create({ data: { actorName: 'b', type: 't' } });
    expect(typeof a.id).toBe('bigint');
    expect(b.id).toBeGreaterThan(a.id);

    const huge = 9_007_199_254_740_993n; // 2^53 + 1: not representable as a JS number
    await prisma().auditEvent.create({ data: { id: huge, actorName: 'c', type: 'big' } });
    const read = await prisma().auditEvent.findUniqueOrThrow({ where: { id: huge } });
    expect(read.id).toBe(huge);
    const after = await prisma().auditEvent.findMany({ where: { id: { gt: huge - 1n } } });
    expect(after.map((e) => e.id)).toEqual([huge]);
  });

  test('enums store, update, filter and reject unknown values', async () => {
    const deal = await seedDeal(prisma(), { status: 'New', substatus: 'Received', stage: 'created', direction: 'inbound' });
    const updated = await prisma().deal.update({
      where: { id: deal.id },
      data: { status: 'Closed', substatus: 'Expired' },
    });
    expect([updated.status, updated.substatus, updated.stage]).toEqual(['Closed', 'Expired', 'created']);
    const closed = await prisma().deal.findMany({ where: { id: deal.id, substatus: { in: ['Expired', 'Declined'] } } });
    expect(closed).toHaveLength(1);
    await expect(
      prisma().$executeRaw`UPDATE "Deal" SET status = ${'Bogus'}::"DealStatus" WHERE id = ${deal.id}`,
    ).rejects.toThrow(/invalid input value for enum/);
  });

  test('Int[] (Deal.remindersSent): default empty, push, set, has', async () => {
    const deal = await seedDeal(prisma());
    expect(deal.remindersSent).toEqual([]);
    await prisma().deal.update({ where: { id: deal.id }, data: { remindersSent: { push: 3 } } });
    const pushed = await prisma().deal.update({ where: { id: deal.id }, data: { remindersSent: { push: 1 } } });
    expect(pushed.remindersSent).toEqual([3, 1]);
    expect(await prisma().deal.count({ where: { id: deal.id, remindersSent: { has: 1 } } })).toBe(1);
    expect(await prisma().deal.count({ where: { id: deal.id, remindersSent: { has: 7 } } })).toBe(0);
    const set = await prisma().deal.update({ where: { id: deal.id }, data: { remindersSent: { set: [7, 3, 1] } } });
    expect(set.remindersSent).toEqual([7, 3, 1]);
    expect(await prisma().deal.count({ where: { id: deal.id, remindersSent: { isEmpty: true } } })).toBe(0);
  });

  test('contains with mode insensitive, Japanese text; LIKE wildcards are not escaped by Prisma', async () => {
    const country = `Z${String.fromCharCode(65 + (seq++ % 26))}`; // keeps this test's rows apart
    const names = ['Contoso Japan KK', 'CONTOSO Ltd', 'Fabrikam', 'コントソ株式会社', '100% Pure_Water'];
    await prisma().customer.createMany({
      data: names.map((name) => ({ name, searchName: name.toLowerCase(), country })),
    });
    const find = async (where: Prisma.CustomerWhereInput) =>
      (await prisma().customer.findMany({ where: { country, ...where }, orderBy: { name: 'asc' } })).map((c) => c.name);

    expect(await find({ name: { contains: 'contoso', mode: 'insensitive' } })).toEqual(['CONTOSO Ltd', 'Contoso Japan KK']);
    expect(await find({ name: { contains: 'contoso' } })).toEqual([]);
    expect(await find({ name: { contains: 'ントソ' } })).toEqual(['コントソ株式会社']);
    // Prisma does NOT escape LIKE wildcards in contains/startsWith/endsWith: '%' and '_' match anything. Search
    // code must escape them itself; backslash is PostgreSQL's default LIKE escape character.
    expect(await find({ name: { contains: '%' } })).toHaveLength(names.length);
    expect(await find({ name: { contains: 'o_t' } })).toEqual(['Contoso Japan KK']);
    expect(await find({ name: { contains: '\\%' } })).toEqual(['100% Pure_Water']);
    expect(await find({ name: { contains: '\\_' } })).toEqual(['100% Pure_Water']);
    expect(await find({ name: { startsWith: 'fab', mode: 'insensitive' } })).toEqual(['Fabrikam']);
  });

  test('aggregate and groupBy return exact Decimal sums and counts', async () => {
    const location = await prisma().location.create({ data: { id: uid('agg'), name: 'Osaka' } });
    const base = await seedDeal(prisma(), { locationId: location.id, value: '0.10', status: 'Active' });
    await seedDeal(prisma(), { locationId: location.id, value: '0.20', status: 'Active', customerId: base.customerId });
    await seedDeal(prisma(), { locationId: location.id, value: '12345678901234.56', status: 'Closed', substatus: 'Won' });

    const agg = await prisma().deal.aggregate({
      where: { locationId: location.id },
      _sum: { value: true },
      _max: { value: true },
      _avg: { value: true },
      _count: { _all: true },
    });
    expect(agg._count._all).toBe(3);
    expect(agg._sum.value?.toFixed(2)).toBe('12345678901234.86');
    expect(agg._max.value?.toFixed(2)).toBe('12345678901234.56');
    expect(agg._avg.value?.toFixed(2)).toBe('4115226300411.62');

    const groups = await prisma().deal.groupBy({
      by: ['status'],
      where: { locationId: location.id },
      _count: { _all: true },
      _sum: { value: true },
      orderBy: { status: 'asc' },
    });
    expect(groups.map((g) => [g.status, g._count._all, g._sum.value?.toFixed(2)])).toEqual([
      ['Active', 2, '0.30'],
      ['Closed', 1, '12345678901234.56'],
    ]);
  });

  test('interactive $transaction commits its result, and rolls everything back on throw', async () => {
    const committed = await prisma().$transaction(async (tx) => {
      const loc = await tx.location.create({ data: { id: uid('tx-ok'), name: 'Nagoya' } });
      await tx.auditEvent.create({ data: { actorName: 'tx', type: 'tx.ok', data: { loc: loc.id } } });
      return loc.id;
    });
    expect(await prisma().location.findUnique({ where: { id: committed } })).not.toBeNull();

    const id = uid('tx-rollback');
    class Boom extends Error {}
    await expect(
      prisma().$transaction(async (tx) => {
        await tx.location.create({ data: { id, name: 'Sapporo' } });
        await tx.auditEvent.create({ data: { actorName: 'tx', type: 'tx.rolledBack', data: { id } } });
        expect(await tx.location.count({ where: { id } })).toBe(1); // visible inside
        throw new Boom('abort');
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(await prisma().location.findUnique({ where: { id } })).toBeNull();
    expect(await prisma().auditEvent.count({ where: { type: 'tx.rolledBack', data: { path: ['id'], equals: id } } })).toBe(0);

    // The database still works normally afterwards (no transaction left open).
    const after = await prisma().location.create({ data: { id: uid('after'), name: 'Fukuoka' } });
    expect(await prisma().location.findUnique({ where: { id: after.id } })).not.toBeNull();
  });

  test('$transaction honours isolationLevel', async () => {
    const level = (isolationLevel?: Prisma.TransactionIsolationLevel) =>
      prisma().$transaction(
        async (tx) => (await tx.$queryRaw<{ l: string }[]>`SELECT current_setting('transaction_isolation') AS l`)[0]?.l,
        isolationLevel ? { isolationLevel } : {},
      );
    expect(await level()).toBe('read committed');
    expect(await level('Serializable')).toBe('serializable');
    expect(await level('RepeatableRead')).toBe('repeatable read');
  });

  test('a failed statement inside $transaction rolls back earlier writes and maps to P2002', async () => {
    const id = uid('dup');
    await prisma().location.create({ data: { id, name: 'Sendai' } });
    const other = uid('tx-dup');
    const err = await prisma()
      .$transaction(async (tx) => {
        await tx.location.create({ data: { id: other, name: 'Kobe' } });
        await tx.location.create({ data: { id, name: 'again' } });
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((err as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    expect(await prisma().location.findUnique({ where: { id: other } })).toBeNull();
  });

  test('$queryRaw: SELECT … FOR UPDATE SKIP LOCKED claims rows, with typed results', async () => {
    const deal = await seedDeal(prisma());
    const kinds = ['expired', 'declined', 'accepted'];
    for (const [i, k] of kinds.entries()) {
      await prisma().notification.create({
        data: { dealId: deal.id, kind: k, payload: { i }, nextAttemptAt: new Date(Date.now() - (10 - i) * 1000) },
      });
    }
    const claim = (tx: Prisma.TransactionClient, limit: number) =>
      tx.$queryRaw<{ id: string; kind: string; attempts: number; due: Date }[]>`
        SELECT id, kind, attempts, "nextAttemptAt" AS due FROM "Notification"
        WHERE "dealId" = ${deal.id} AND status = ${'pending'}::"NotificationStatus" AND "nextAttemptAt" <= now()
        ORDER BY "nextAttemptAt" LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;

    if (kind === 'postgres') {
      // Two real connections: while the first transaction holds two rows, the second one skips them.
      let releaseFirst!: () => void;
      const held = new Promise<void>((r) => (releaseFirst = r));
      let firstClaimed!: (kinds: string[]) => void;
      const firstDone = new Promise<string[]>((r) => (firstClaimed = r));
      const first = prisma().$transaction(
        async (tx) => {
          firstClaimed((await claim(tx, 2)).map((r) => r.kind));
          await held;
        },
        { timeout: 20_000 },
      );
      expect(await firstDone).toEqual(['expired', 'declined']);
      const second = await prisma().$transaction(async (tx) => (await claim(tx, 2)).map((r) => r.kind));
      expect(second).toEqual(['accepted']);
      releaseFirst();
      await first;
    } else {
      // PGlite is a single connection: the clause is accepted and locks, but nothing else can run concurrently.
      const rows = await prisma().$transaction(async (tx) => {
        const claimed = await claim(tx, 2);
        await tx.notification.updateMany({
          where: { id: { in: claimed.map((r) => r.id) } },
          data: { attempts: { increment: 1 }, lockedUntil: new Date(Date.now() + 60_000) },
        });
        return claimed;
      });
      expect(rows.map((r) => r.kind)).toEqual(['expired', 'declined']);
      expect(rows[0]?.due).toBeInstanceOf(Date);
      expect(typeof rows[0]?.attempts).toBe('number');
      const attempts = await prisma().notification.findMany({ where: { dealId: deal.id }, orderBy: { kind: 'asc' } });
      expect(attempts.map((n) => [n.kind, n.attempts])).toEqual([
        ['accepted', 0],
        ['declined', 1],
        ['expired', 1],
      ]);
    }

    // Raw result types: count(*) is bigint, numeric is Decimal, date is Date.
    const [row] = await prisma().$queryRaw<{ n: bigint; v: Prisma.Decimal; d: Date }[]>`
      SELECT count(*) AS n, max(value) AS v, max("closeDate") AS d FROM "Deal" WHERE id = ${deal.id}`;
    expect(row?.n).toBe(1n);
    expect(row?.v).toBeInstanceOf(Prisma.Decimal);
    expect(row?.v.toFixed(2)).toBe('1000.00');
    expect(row?.d.toISOString()).toBe('2027-01-31T00:00:00.000Z');
  });

  if (kind === 'pglite') {
    test('PGlite serialises: a query outside an open interactive transaction waits until it ends', async () => {
      // Consequence for callers: inside `$transaction(async (tx) => …)` use only `tx`. A query on the outer
      // client would wait for the transaction, which waits for the query: a deadlock until the tx times out.
      const events: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const isOpen = new Promise<void>((r) => (started = r));
      const tx = prisma().$transaction(async (t) => {
        await t.location.count();
        started();
        await held;
        events.push('tx committed');
      });
      await isOpen;
      const outside = prisma()
        .location.count()
        .then(() => events.push('outside query done'));
      await new Promise((r) => setTimeout(r, 200));
      expect(events).toEqual([]);
      release();
      await Promise.all([tx, outside]);
      expect(events).toEqual(['tx committed', 'outside query done']);
    });
  }
});
