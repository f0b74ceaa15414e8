import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import pg from 'pg';
import { guardPool } from './pgPoolGuard';
import { lockDataDir, type DataDirLock } from './dataDirLock';
import { applyMigrations, type SqlRunner } from './migrations';
import { pgliteSql, postgresSql, registerSql } from './sql';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  /** Where it lives, without credentials: a directory, `memory`, or host/db. */
  readonly where: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `postgres://…` / `postgresql://…` for a server; a directory path or `memory://` for embedded PGlite. */
  url: string;
  /** Apply committed migrations before returning (default true). */
  migrate?: boolean;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return isPostgresUrl(opts.url) ? openPostgres(opts) : openPglite(opts);
}

/**
 * The PGlite data directory a non-PostgreSQL url names, or undefined for an in-memory database (`memory://`).
 * Accepts a plain path (`data/pglite`, `/var/lib/cosell`), `file:relative/path` and `file:///absolute/path`.
 */
export function pgliteDirOf(url: string): string | undefined {
  const u = url.trim();
  if (u === '') throw new Error('Empty database url: give a directory, memory:// or a postgres:// URL');
  if (u === 'memory' || u.startsWith('memory://')) return undefined;
  if (u.startsWith('file://')) return path.resolve(decodeURIComponent(u.slice('file://'.length)));
  if (u.startsWith('file:')) return path.resolve(decodeURIComponent(u.slice('file:'.length)));
  return path.resolve(u);
}

async function openPglite(opts: OpenOptions): Promise<Database> {
  const dir = pgliteDirOf(opts.url);
  // The lock comes first: nothing may touch the directory while another process has it open.
  const lock: DataDirLock | undefined = dir ? lockDataDir(dir) : undefined;
  let db: PGlite | undefined;
  try {
    if (dir) fs.mkdirSync(dir, { recursive: true });
    // PGlite and its Prisma adapter are loaded only for the embedded database, not when a server is used.
    const { newPglite } = await import('./pgliteInstance');
    db = newPglite(dir);
    await db.waitReady;
    if (opts.migrate !== false) {
      await applyMigrations(pgliteRunner(db));
    }
    // PGlite has no autovacuum: without statistics the planner misjudges every table. They are kept in the data
    // directory, so a database that has them starts without the full ANALYZE (seconds at 100,000 deals, issue 16's
    // start-up target); the app refreshes them periodically (src/app.ts).
    const stats = await db.query<{ known: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = 'public' AND tablename = 'Deal') AS known`);
    if (!stats.rows[0]?.known) await db.exec('ANALYZE');
  } catch (err) {
    // An open PGlite keeps the process alive: close it before giving up.
    await db?.close().catch(() => undefined);
    lock?.release();
    throw err;
  }
  const pglite = db;
  const { pgliteAdapter } = await import('./pgliteAdapter');
  const prisma = new PrismaClient({ adapter: pgliteAdapter(pglite) });
  registerSql(prisma, pgliteSql(pglite));
  let closing: Promise<void> | undefined;
  return {
    kind: 'pglite',
    prisma,
    where: dir ?? 'memory',
    close() {
      closing ??= (async () => {
        try {
          await prisma.$disconnect().catch(() => undefined);
          if (!pglite.closed) await pglite.close();
        } finally {
          lock?.release();
        }
      })();
      return closing;
    },
  };
}

export function pgliteRunner(db: PGlite): SqlRunner {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
  };
}

// Any fixed number: serialises migration runs of several instances starting at once on one server.
const MIGRATION_LOCK_KEY = 72_160_231;

async function openPostgres(opts: OpenOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    // The thin SQL path's prepared statements (src/store/sql.ts) are key look-ups: planned once per connection, not
    // per execution (issue 16). Prisma's statements are unnamed and planned each time either way. JIT off: the
    // planner's cost of a visibility-filtered aggregate (R3, `person:`) passes the JIT thresholds, and compiling took
    // 330–375 ms of a 400 ms query that runs in 40–60 ms without it (issue 17 bench). No parallel workers: starting
    // them took 30–50 ms for a list page whose own work is 1–10 ms, and the bot's requests are many and small.
    options: '-c plan_cache_mode=force_generic_plan -c jit=off -c max_parallel_workers_per_gather=0',
  });
  // A dropped server connection must neither crash the process nor leak its pool slot (see pgPoolGuard).
  guardPool(pool);
  try {
    if (opts.migrate !== false) await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  registerSql(prisma, postgresSql(pool));
  const u = new URL(opts.url);
  let closing: Promise<void> | undefined;
  return {
    kind: 'postgres',
    prisma,
    where: `${u.hostname}:${u.port || 5432}${u.pathname}`,
    close() {
      closing ??= (async () => {
        await prisma.$disconnect().catch(() => undefined);
        // pool.end() waits for every checked-out client; one lost in a server restart would hold shutdown forever.
        const ended = pool.end().catch(() => undefined);
        const timedOut = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
        await Promise.race([ended, timedOut]);
      })();
      return closing;
    },
  };
}

async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // Session-level advisory lock: several instances starting at once migrate one after the other.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await applyMigrations({
        exec: async (sql) => {
          await client.query(sql);
        },
        query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
      });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((err: Error) => {
        broken = err;
      });
    }
  } finally {
    // A connection whose unlock failed may still hold the lock: destroy it rather than return it to the pool.
    client.release(broken);
  }
}

/** One round trip to the database (health checks). */
export async function pingDatabase(db: Pick<Database, 'prisma'>): Promise<void> {
  await db.prisma.$queryRaw`SELECT 1`;
}

/** Refreshes the planner's statistics (PGlite has no autovacuum to do it). */
export async function analyze(db: Pick<Database, 'prisma'>): Promise<void> {
  await db.prisma.$executeRawUnsafe('ANALYZE');
}
