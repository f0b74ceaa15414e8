import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type { PrismaClient } from '@prisma/client';
import pg from 'pg';

/**
 * A thin SQL path for the hot paths (issue 16): a card click's transaction, its one read of the deal, the expiry
 * sweep. Prisma stays the store — schema, migrations and every other query — but Prisma's WebAssembly query
 * compiler and its client runtime cost ~20 ms of CPU per click; this layer sends fixed, parameterised statements
 * straight to the same driver the Prisma adapter uses (the same `pg` pool, or the same PGlite instance, whose own
 * lock serialises it with Prisma's work), as prepared statements on PostgreSQL so their plans are reused.
 *
 * Values come back in one shape on both databases: timestamps (stored without a zone, as Prisma stores them: UTC)
 * as Date, dates as Date at UTC midnight, numeric as string, bigint as bigint, json parsed. Date parameters are sent
 * as UTC ISO strings. Only src/store uses it.
 */

export interface SqlRunner {
  /** Rows of one statement. */
  query<T = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<T[]>;
  /** The number of rows one statement changed. */
  execute(text: string, values?: readonly unknown[]): Promise<number>;
}

export interface Sql extends SqlRunner {
  /** `work` in one transaction (READ COMMITTED, as Prisma's); an error rolls it back and is rethrown. */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const DATE = 1082;
const NUMERIC = 1700;
const INT8 = 20;

const parseTimestamp = (s: string) => new Date(s.includes('T') ? `${s}Z` : `${s.replace(' ', 'T')}Z`);
const parseDate = (s: string) => new Date(`${s}T00:00:00.000Z`);

const parsers: Record<number, (s: string) => unknown> = {
  [TIMESTAMP]: parseTimestamp,
  [TIMESTAMPTZ]: (s) => new Date(s),
  [DATE]: parseDate,
  [NUMERIC]: (s) => s,
  [INT8]: (s) => BigInt(s),
};

/** A timestamp inside json (row_to_json / json_agg): `2026-12-02T13:58:08.123`, UTC without a zone. */
export const jsonTimestamp = (v: unknown): Date | null => (typeof v === 'string' ? parseTimestamp(v) : null);
/** A date inside json: `2030-01-01`. */
export const jsonDate = (v: unknown): Date | null => (typeof v === 'string' ? parseDate(v.slice(0, 10)) : null);

const param = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v);
const params = (values: readonly unknown[] = []) => values.map(param);

/** Prepared statement names: one per distinct text, per connection (pg keeps them on the client). */
const names = new Map<string, string>();
const nameOf = (text: string) => {
  let name = names.get(text);
  if (!name) names.set(text, (name = `cosell_${names.size + 1}`));
  return name;
};

const pgTypes = {
  getTypeParser: (oid: number, format?: string) => {
    const parse = parsers[oid];
    if (parse) return parse;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

function pgRunner(client: pg.PoolClient | pg.Pool): SqlRunner {
  return {
    async query<T>(text: string, values?: readonly unknown[]) {
      const r = await client.query({ name: nameOf(text), text, values: params(values), types: pgTypes });
      return r.rows as T[];
    },
    async execute(text: string, values?: readonly unknown[]) {
      const r = await client.query({ name: nameOf(text), text, values: params(values), types: pgTypes });
      return r.rowCount ?? 0;
    },
  };
}

export function postgresSql(pool: pg.Pool): Sql {
  return {
    ...pgRunner(pool),
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        try {
          const result = await work(pgRunner(client));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch((e: Error) => {
            broken = e;
          });
          throw err;
        }
      } finally {
        // A connection whose rollback failed is in an unknown state: destroyed, not reused.
        client.release(broken);
      }
    },
  };
}

function pgliteRunner(db: PGlite | PGliteTransaction): SqlRunner {
  return {
    async query<T>(text: string, values?: readonly unknown[]) {
      return (await db.query<T>(text, params(values) as unknown[], { parsers })).rows;
    },
    async execute(text: string, values?: readonly unknown[]) {
      return (await db.query(text, params(values) as unknown[], { parsers })).affectedRows ?? 0;
    },
  };
}

export function pgliteSql(db: PGlite): Sql {
  return {
    ...pgliteRunner(db),
    transaction: (work) => db.transaction((tx) => work(pgliteRunner(tx))),
  };
}

/** The SQL path of each client opened by openDatabase (src/store/database.ts). */
const byClient = new WeakMap<PrismaClient, Sql>();

export function registerSql(prisma: PrismaClient, sql: Sql): void {
  byClient.set(prisma, sql);
}

export function sqlOf(prisma: PrismaClient): Sql {
  const sql = byClient.get(prisma);
  if (!sql) throw new Error('sqlOf: this PrismaClient was not opened by openDatabase()');
  return sql;
}
