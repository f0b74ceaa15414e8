import { PrismaStorage, StorageConflictError } from '../../src/store/botStorage';
import { describeEachDatabase } from '../helpers/testDb';

/** The dialog state store: items round-trip, and a write with a stale eTag loses instead of overwriting. */
describeEachDatabase('PrismaStorage', (db) => {
  const storage = () => new PrismaStorage(db().prisma);

  test('reads what was written, with an eTag; unknown keys are absent', async () => {
    const s = storage();
    await s.write({ a: { step: 1, nested: { x: 'ｱ' } } });
    const read = await s.read(['a', 'missing']);
    expect(Object.keys(read)).toEqual(['a']);
    expect(read.a).toMatchObject({ step: 1, nested: { x: 'ｱ' } });
    expect(typeof read.a.eTag).toBe('string');
  });

  test('of two writers that read the same version, the second one gets a conflict and changes nothing', async () => {
    const s = storage();
    await s.write({ b: { step: 1 } });
    const first = (await s.read(['b'])).b;
    const second = (await s.read(['b'])).b;
    await s.write({ b: { ...first, step: 2 } });
    await expect(s.write({ b: { ...second, step: 99 } })).rejects.toBeInstanceOf(StorageConflictError);
    expect((await s.read(['b'])).b.step).toBe(2);
  });

  test('a written item carries its new eTag, so a second write in the same turn is still conditional', async () => {
    const s = storage();
    await s.write({ c: { step: 1 } });
    const item = (await s.read(['c'])).c;
    item.step = 2;
    await s.write({ c: item });
    item.step = 3;
    await s.write({ c: item });
    expect((await s.read(['c'])).c.step).toBe(3);
  });

  test('"*" or no eTag always wins; delete removes; a read-then-deleted item is recreated', async () => {
    const s = storage();
    await s.write({ d: { v: 1 } });
    const stale = (await s.read(['d'])).d;
    await s.write({ d: { v: 2 } });
    await s.write({ d: { ...stale, v: 3, eTag: '*' } });
    expect((await s.read(['d'])).d.v).toBe(3);
    const held = (await s.read(['d'])).d;
    await s.delete(['d']);
    expect(await s.read(['d'])).toEqual({});
    await s.write({ d: { ...held, v: 4 } });
    expect((await s.read(['d'])).d.v).toBe(4);
  });

  test('concurrent conditional writes: exactly one wins', async () => {
    const s = storage();
    await s.write({ e: { n: 0 } });
    const base = (await s.read(['e'])).e;
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => s.write({ e: { ...base, n: i + 1 } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
