import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Applies prisma/migrations/<name>/migration.sql in order, in-process, recording each one in _prisma_migrations
 * exactly as Prisma does (same columns, sha256 checksum) so `prisma migrate status` agrees. The Prisma CLI is kept
 * out of the start path: with PGlite it can finish its work and never exit.
 */
export interface SqlRunner {
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The nearest `prisma/migrations` above `start` (works from src/store under ts-jest and from dist/src/store). */
export function findMigrationsDir(start = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('prisma/migrations not found above ' + start);
    dir = parent;
  }
}

/** Lower-case hex sha256 of the script, as Prisma records it in `_prisma_migrations.checksum`. */
export function checksumOf(script: string): string {
  return crypto.createHash('sha256').update(script).digest('hex');
}

/**
 * Whether a recorded checksum matches the script, with Prisma's tolerance (schema-engine checksum.rs): the script as
 * is, with CRLF turned into LF, or LF into CRLF (git may change line endings on checkout), and the old checksum format
 * without zero padding written by early Prisma versions.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  return variants.some((v) => {
    const digest = crypto.createHash('sha256').update(v).digest();
    const rendered =
      checksum.length !== 0 && checksum.length !== 64
        ? [...digest].map((b) => b.toString(16)).join('')
        : digest.toString('hex');
    return rendered === checksum;
  });
}

export function readMigrations(dir = findMigrationsDir()): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationChecksumError extends Error {
  readonly code = 'MIGRATION_CHECKSUM_MISMATCH';
  constructor(
    readonly migration: string,
    readonly recorded: string,
    readonly actual: string,
  ) {
    super(
      `Migration ${migration} was changed after it was applied: the database recorded checksum ${recorded}, ` +
        `prisma/migrations/${migration}/migration.sql now has ${actual}. Applied migrations must never be edited: ` +
        `restore the file and put the change in a new migration.`,
    );
    this.name = 'MigrationChecksumError';
  }
}

/** Returns the names of the migrations it applied. Each migration runs in its own transaction. */
export async function applyMigrations(db: SqlRunner, migrations = readMigrations()): Promise<string[]> {
  await db.exec(CREATE_TABLE);
  const rows = await db.query<{ migration_name: string; checksum: string; finished_at: unknown }>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  const applied = new Map<string, string>();
  const failed = new Set<string>();
  for (const r of rows) {
    if (r.finished_at === null) failed.add(r.migration_name);
    else applied.set(r.migration_name, r.checksum);
  }
  const ran: string[] = [];
  for (const m of migrations) {
    const known = applied.get(m.name);
    if (known !== undefined) {
      if (!scriptMatchesChecksum(m.sql, known)) {
        throw new MigrationChecksumError(m.name, known, m.checksum);
      }
      continue;
    }
    if (failed.has(m.name)) {
      // Like Prisma (P3009): a migration that failed half-way must be looked at by a person.
      throw new Error(
        `Migration ${m.name} is recorded as started but not finished in _prisma_migrations (a failed run, e.g. of ` +
          `\`prisma migrate deploy\`). Fix the database, then mark it with \`prisma migrate resolve --applied ` +
          `${m.name}\` or \`--rolled-back ${m.name}\`.`,
      );
    }
    await db.exec('BEGIN');
    try {
      await db.exec(m.sql);
      await db.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, now(), 1)`,
        [crypto.randomUUID(), m.checksum, m.name],
      );
      await db.exec('COMMIT');
    } catch (err) {
      await db.exec('ROLLBACK').catch(() => undefined); // a broken connection must not hide the real error
      throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
    }
    ran.push(m.name);
  }
  return ran;
}
