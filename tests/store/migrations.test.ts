import '../helpers/nativePglite';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { newPglite } from '../../src/store/pgliteInstance';
import pg from 'pg';
import { openDatabase, pgliteRunner } from '../../src/store/database';
import {
  applyMigrations,
  MigrationChecksumError,
  readMigrations,
  type Migration,
  type SqlRunner,
} from '../../src/store/migrations';
import { createTestDatabase, postgresTestUrl, type TestDbKind } from '../helpers/testDb';

const ROOT = path.resolve(__dirname, '..', '..');
const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');

/** The committed migrations, read independently of the code under test. */
function committed(): { name: string; checksum: string }[] {
  return fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((n) => fs.existsSync(path.join(MIGRATIONS_DIR, n, 'migration.sql')))
    .sort()
    .map((name) => ({
      name,
      checksum: crypto.createHash('sha256').update(fs.readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'))).digest('hex'),
    }));
}

interface Row {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

/** An empty database of the given kind with a raw SqlRunner on it (no Prisma in between). */
async function emptyDatabase(kind: TestDbKind): Promise<{ sql: SqlRunner; url: string; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const db = newPglite();
    return { sql: pgliteRunner(db), url: 'memory://', close: () => db.close() };
  }
  const tdb = await createTestDatabase('postgres', { migrate: false });
  const client = new pg.Client({ connectionString: tdb.url });
  await client.connect();
  return {
    url: tdb.url,
    sql: {
      exec: async (sql) => {
        await client.query(sql);
      },
      query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
    },
    close: async () => {
      await client.end();
      await tdb.close();
    },
  };
}

const rowsOf = (sql: SqlRunner) =>
  sql.query<Row>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name, started_at`);
const tableExists = async (sql: SqlRunner, table: string) =>
  (await sql.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [`public."${table}"`]))[0]?.t != null;

const extra = (name: string, body: string): Migration => ({
  name,
  sql: body,
  checksum: crypto.createHash('sha256').update(body).digest('hex'),
});

test('readMigrations lists migration folders in name order and ignores everything else', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-migrations-'));
  try {
    for (const name of ['20270102000000_b', '20270101000000_a', 'not_a_migration']) {
      fs.mkdirSync(path.join(dir, name));
      if (name !== 'not_a_migration') fs.writeFileSync(path.join(dir, name, 'migration.sql'), `-- ${name}\n`);
    }
    fs.writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    const found = readMigrations(dir);
    expect(found.map((m) => m.name)).toEqual(['20270101000000_a', '20270102000000_b']);
    expect(found[0]?.checksum).toBe(crypto.createHash('sha256').update('-- 20270101000000_a\n').digest('hex'));
    expect(readMigrations().map(({ name, checksum }) => ({ name, checksum }))).toEqual(committed());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const kind of ['pglite', 'postgres'] as const) {
  const enabled = kind === 'pglite' || postgresTestUrl() !== undefined;
  const title = enabled ? `applyMigrations [${kind}]` : `applyMigrations [${kind}: skipped, set TEST_DATABASE_URL to run]`;

  (enabled ? describe : describe.skip)(title, () => {
    let db: Awaited<ReturnType<typeof emptyDatabase>>;
    beforeEach(async () => {
      db = await emptyDatabase(kind);
    });
    afterEach(async () => {
      await db?.close();
    });

    test('a fresh database gets every migration, recorded like Prisma with the sha256 of the file', async () => {
      const ran = await applyMigrations(db.sql);
      expect(ran).toEqual(committed().map((m) => m.name));
      const rows = await rowsOf(db.sql);
      expect(rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }))).toEqual(committed());
      for (const r of rows) {
        expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        // (toString, not instanceof: raw PGlite rows come from Node's realm, see tests/helpers/nativePglite.ts)
        expect(Object.prototype.toString.call(r.finished_at)).toBe('[object Date]');
        expect(r.rolled_back_at).toBeNull();
        expect(r.logs).toBeNull();
        expect(r.applied_steps_count).toBe(1);
      }
      expect(await tableExists(db.sql, 'Deal')).toBe(true);
    });

    test('running again applies nothing and records nothing', async () => {
      await applyMigrations(db.sql);
      const before = await rowsOf(db.sql);
      expect(await applyMigrations(db.sql)).toEqual([]);
      expect(await rowsOf(db.sql)).toEqual(before);
    });

    test('a migration edited after it was applied is refused with a clear error', async () => {
      await applyMigrations(db.sql);
      const [first, ...rest] = readMigrations();
      if (!first) throw new Error('no migrations committed');
      const edited = extra(first.name, first.sql + '\nALTER TABLE "Deal" ADD COLUMN "sneaky" TEXT;\n');

      const err = await applyMigrations(db.sql, [edited, ...rest]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationChecksumError);
      const message = (err as Error).message;
      expect(message).toContain(first.name);
      expect(message).toContain(first.checksum); // what the database recorded
      expect(message).toContain(edited.checksum); // what the file has now
      expect(message).toMatch(/changed after it was applied/);
      const columns = await db.sql.query(
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'Deal' AND column_name = 'sneaky'`,
      );
      expect(columns).toEqual([]);
    });

    test('a checksum changed in the database is refused too', async () => {
      await applyMigrations(db.sql);
      await db.sql.query(`UPDATE "_prisma_migrations" SET checksum = $1`, ['0'.repeat(64)]);
      await expect(applyMigrations(db.sql)).rejects.toThrow(/changed after it was applied/);
    });

    test('line endings changed by git (LF <-> CRLF) are not a change, as in Prisma', async () => {
      await applyMigrations(db.sql);
      const crlf = readMigrations().map((m) => extra(m.name, m.sql.replace(/\n/g, '\r\n')));
      expect(crlf[0]?.checksum).not.toBe(committed()[0]?.checksum);
      expect(await applyMigrations(db.sql, crlf)).toEqual([]);
    });

    test('a new migration is applied alone; a failing one is rolled back whole and not recorded', async () => {
      await applyMigrations(db.sql);
      const more = extra('29990101000000_more', 'CREATE TABLE "Extra" ("id" INTEGER PRIMARY KEY);\n');
      expect(await applyMigrations(db.sql, [...readMigrations(), more])).toEqual([more.name]);
      expect(await tableExists(db.sql, 'Extra')).toBe(true);

      const bad = extra('29990102000000_bad', 'CREATE TABLE "Half" ("id" INTEGER);\nSELECT 1 / 0;\n');
      await expect(applyMigrations(db.sql, [...readMigrations(), more, bad])).rejects.toThrow(
        /Migration 29990102000000_bad failed: division by zero/,
      );
      expect(await tableExists(db.sql, 'Half')).toBe(false);
      expect((await rowsOf(db.sql)).map((r) => r.migration_name)).not.toContain(bad.name);
      // The connection is usable afterwards (no transaction left open).
      expect(await db.sql.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });

    test('a migration that failed half-way in the Prisma CLI (finished_at NULL) is refused, not re-run', async () => {
      await applyMigrations(db.sql);
      const half = extra('29990103000000_half', 'CREATE TABLE "Again" ("id" INTEGER);\n');
      await db.sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [crypto.randomUUID(), half.checksum, half.name],
      );
      await expect(applyMigrations(db.sql, [...readMigrations(), half])).rejects.toThrow(/prisma migrate resolve/);
      expect(await tableExists(db.sql, 'Again')).toBe(false);
    });
  });
}

// `prisma migrate status` must agree with what applyMigrations recorded. The CLI runs on the WebAssembly schema
// engine through prisma.config.ts (PGlite directory via the lock, or PostgreSQL via @prisma/adapter-pg).
const run = promisify(execFile);
async function prismaMigrateStatus(databaseUrl: string): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'status'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
    timeout: 60_000,
  });
  return stdout + stderr;
}

describe('prisma migrate status agrees with the in-process runner', () => {
  test('PGlite data directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-status-'));
    try {
      const dataDir = path.join(dir, 'pglite');
      const db = await openDatabase({ url: dataDir });
      await db.close(); // the CLI takes the same lock
      expect(await prismaMigrateStatus(dataDir)).toContain('Database schema is up to date');
      expect(fs.existsSync(`${dataDir}.lock`)).toBe(false); // the CLI released it on exit
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  (postgresTestUrl() ? test : test.skip)('PostgreSQL', async () => {
    const db = await createTestDatabase('postgres');
    try {
      expect(await prismaMigrateStatus(db.url)).toContain('Database schema is up to date');
    } finally {
      await db.close();
    }
  }, 60_000);
});
