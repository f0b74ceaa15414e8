import type pg from 'pg';

/**
 * Keeps a pg pool healthy across server restarts and failovers.
 *
 * When the server drops a connection that is checked out inside a transaction, Prisma's pg adapter does not always
 * hand the connection back (its rollback never runs once ROLLBACK itself fails). The pool then believes the slot is
 * in use forever; after a few restarts every request waits for a free connection that never comes. This guard:
 * - listens for `error` on every connection (unheard, it would kill the process);
 * - returns a broken connection that is still checked out a moment later to the pool as failed, so it is replaced;
 * - makes release idempotent, so the adapter releasing late is harmless.
 */
export function guardPool(pool: pg.Pool, graceMs = 1_000): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      setTimeout(() => {
        if (checkedOut.has(client as pg.PoolClient)) (client as pg.PoolClient).release(err);
      }, graceMs).unref();
    });
  });
  pool.on('acquire', (client) => {
    checkedOut.add(client);
    // pg-pool assigns client.release right after emitting 'acquire'.
    queueMicrotask(() => {
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => {
        if (!checkedOut.delete(client)) return;
        release(err);
      };
    });
  });
  pool.on('release', (_err, client) => {
    checkedOut.delete(client);
  });
}
