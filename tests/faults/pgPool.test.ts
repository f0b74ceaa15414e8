import { openDatabase } from '../../src/store/database';
import { postgresBinaries, startPgCluster } from '../helpers/pgCluster';

const maybe = postgresBinaries() ? describe : describe.skip;

/**
 * Connections dropped inside transactions by server restarts must not leak pool slots: with a pool of 2, three
 * restarts under load would otherwise leave no connection at all and every request waiting forever.
 */
maybe('PostgreSQL pool across restarts', () => {
  test('after three restarts under transactional load, queries still get a connection', async () => {
    const cluster = await startPgCluster();
    const db = await openDatabase({ url: cluster.url, poolSize: 2 });
    try {
      for (let round = 0; round < 3; round++) {
        let stop = false;
        const load = Array.from({ length: 4 }, async () => {
          while (!stop) {
            await db.prisma
              .$transaction(async (tx) => {
                await tx.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.02)`;
                await tx.$queryRaw`SELECT 2 AS two`;
              })
              .catch(() => undefined);
          }
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        await cluster.restart();
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        stop = true;
        await Promise.all(load);
        const answer = await Promise.race([
          db.prisma.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`,
          new Promise((_, reject) => setTimeout(() => reject(new Error(`no connection after restart ${round + 1}`)), 5_000)),
        ]);
        expect(answer).toEqual([{ ok: 1 }]);
      }
    } finally {
      await db.close();
      cluster.destroy();
    }
  }, 90_000);
});
