// First: PGlite must be loaded outside jest's sandbox (see nativePglite.ts) before database.ts requires it.
import './nativePglite';
import crypto from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/store/database';

/**
 * Fresh, migrated databases for tests.
 *
 * - Default: an in-memory PGlite (about 1 s to create and migrate).
 * - `TEST_DB=postgres` + `TEST_DATABASE_URL=postgres://admin@host:port/db`: a new database with a unique name on
 *   that server (CREATE DATABASE as the URL's user), dropped again on close().
 *
 * `describeEachDatabase` runs a suite on PGlite always, and on PostgreSQL too when TEST_DATABASE_URL is set.
 */
export type TestDbKind = 'pglite' | 'postgres';

export interface TestDatabase extends Database {
  /** The url it was opened with (`memory://` for PGlite). */
  readonly url: string;
}

export function postgresTestUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

export function defaultTestDbKind(): TestDbKind {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

export interface TestDbOptions {
  /** Apply prisma/migrations (default true); false gives an empty database. */
  migrate?: boolean;
}

export async function createTestDatabase(
  kind: TestDbKind = defaultTestDbKind(),
  { migrate = true }: TestDbOptions = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const url = 'memory://';
    return Object.assign(await openDatabase({ url, migrate }), { url });
  }
  const adminUrl = postgresTestUrl();
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL=postgres://user@host:port/db (an admin login)');

  const name = `cosell_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  let db: Database;
  try {
    db = await openDatabase({ url, migrate, poolSize: 5 });
  } catch (err) {
    await dropDatabase(adminUrl, name);
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    ...db,
    url,
    close() {
      closing ??= db.close().finally(() => dropDatabase(adminUrl, name));
      return closing;
    },
  };
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  // FORCE (PostgreSQL 13+) ends connections a failed test left open.
  await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * Declares the suite once per database kind: `name [pglite]` always, and `name [postgres]` when TEST_DATABASE_URL is
 * set (otherwise it is declared skipped, with the reason in its name, so the skip is visible in jest's output).
 * The database is created in beforeAll and closed in afterAll; `db()` returns it inside tests.
 */
export function describeEachDatabase(
  name: string,
  fn: (db: () => TestDatabase, kind: TestDbKind) => void,
): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const enabled = kind === 'pglite' || postgresTestUrl() !== undefined;
    const title = enabled ? `${name} [${kind}]` : `${name} [${kind}: skipped, set TEST_DATABASE_URL to run]`;
    (enabled ? describe : describe.skip)(title, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await current?.close();
      });
      fn(() => {
        if (!current) throw new Error('The test database is not open (did beforeAll fail?)');
        return current;
      }, kind);
    });
  }
}
