import type { PGlite } from '@electric-sql/pglite';
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/**
 * pglite-prisma-adapter 0.6.1 is built against an older @prisma/driver-adapter-utils (6.10) than Prisma 6.19. Two
 * consequences, both handled here, the one place the adapter is bridged:
 *
 * - Its factory type is not assignable to Prisma's, although queries work at run time
 *   (tests/store/pgliteTypes.test.ts exercises Decimal, DateTime, Json, BigInt, enums, arrays, transactions).
 * - Its errors use the old shape `{kind: 'postgres', code, message, …}`. Prisma 6.19 expects the newer kinds
 *   (`UniqueConstraintViolation`, …, or `postgres` with `originalCode`/`originalMessage`). Unconverted, a unique
 *   violation reaches the caller as a bare DriverAdapterError instead of P2002, and raw-query errors lose their
 *   message. Errors are converted the way @prisma/adapter-pg converts them, so PGlite and PostgreSQL agree.
 *
 * Also: its executeScript did not wait for the script (errors became unhandled rejections), and it applied a
 * transaction's isolation level outside the transaction (silently ignored). Both are done here instead.
 */
export function pgliteAdapter(db: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(db) as unknown as SqlMigrationAwareDriverAdapterFactory;
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => bridgeAdapter(await inner.connect(), db),
    connectToShadowDb: async () => bridgeAdapter(await inner.connectToShadowDb()),
  };
}

/** The `cause` Prisma 6.19 understands, from a PostgreSQL error (mirrors @prisma/adapter-pg's convertDriverError). */
export interface PgErrorLike {
  code: string;
  message: string;
  severity?: string;
  detail?: string;
  column?: string;
  hint?: string;
  constraint?: string;
}

type Cause = ConstructorParameters<typeof DriverAdapterError>[0];

export function convertPgError(e: PgErrorLike): Cause {
  const keyFields = () => e.detail?.match(/Key \(([^)]+)\)/)?.[1]?.split(', ');
  const quoted = (s: string, sep: string, at: number) => s.split(sep).at(at)?.split('"').at(1);
  const base = { originalCode: e.code, originalMessage: e.message };
  switch (e.code) {
    case '22001':
      return { ...base, kind: 'LengthMismatch', column: e.column };
    case '22003':
      return { ...base, kind: 'ValueOutOfRange', cause: e.message };
    case '23505': {
      const fields = keyFields();
      return { ...base, kind: 'UniqueConstraintViolation', constraint: fields ? { fields } : undefined };
    }
    case '23502': {
      const fields = keyFields();
      return { ...base, kind: 'NullConstraintViolation', constraint: fields ? { fields } : undefined };
    }
    case '23503': {
      const constraint = e.column ? { fields: [e.column] } : e.constraint ? { index: e.constraint } : undefined;
      return { ...base, kind: 'ForeignKeyConstraintViolation', constraint };
    }
    case '40001':
      return { ...base, kind: 'TransactionWriteConflict' };
    case '42P01':
      return { ...base, kind: 'TableDoesNotExist', table: quoted(e.message, ' ', 1) };
    case '42703':
      return { ...base, kind: 'ColumnNotFound', column: quoted(e.message, ' ', 1) };
    default:
      return {
        ...base,
        kind: 'postgres',
        code: e.code,
        severity: e.severity ?? 'N/A',
        message: e.message,
        detail: e.detail,
        column: e.column,
        hint: e.hint,
      };
  }
}

function isPgErrorLike(x: unknown): x is PgErrorLike {
  const e = x as Partial<PgErrorLike> | null;
  return typeof e?.code === 'string' && typeof e.message === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
}

/** Rethrows adapter and PGlite errors in the shape Prisma 6.19 maps to its error codes. */
function rethrow(err: unknown): never {
  const cause = (err as { name?: string; cause?: unknown } | null)?.cause as { kind?: unknown } | undefined;
  const isAdapterError = (err as { name?: string } | null)?.name === 'DriverAdapterError';
  if (isAdapterError && cause?.kind === 'postgres' && isPgErrorLike(cause) && !('originalCode' in cause)) {
    throw new DriverAdapterError(convertPgError(cause));
  }
  if (!isAdapterError && isPgErrorLike(err)) throw new DriverAdapterError(convertPgError(err));
  throw err;
}

function guard<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      rethrow(err);
    }
  };
}

function bridgeTransaction(tx: Transaction): Transaction {
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: guard((q) => tx.queryRaw(q)),
    executeRaw: guard((q) => tx.executeRaw(q)),
    commit: guard(() => tx.commit()),
    rollback: guard(() => tx.rollback()),
  };
}

function bridgeAdapter(adapter: SqlDriverAdapter, db?: PGlite): SqlDriverAdapter {
  const bridged: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: guard((q) => adapter.queryRaw(q)),
    executeRaw: guard((q) => adapter.executeRaw(q)),
    executeScript: guard(async (script: string) => {
      if (db) await db.exec(script);
      else await adapter.executeScript(script);
    }),
    startTransaction: guard(async (isolationLevel) => {
      // The adapter would run SET TRANSACTION before its BEGIN, where PostgreSQL ignores it; set it inside instead.
      const tx = bridgeTransaction(await adapter.startTransaction());
      if (isolationLevel) {
        try {
          await tx.executeRaw({ sql: `SET TRANSACTION ISOLATION LEVEL ${isolationLevel}`, args: [], argTypes: [] });
        } catch (err) {
          await tx.rollback().catch(() => undefined);
          throw err;
        }
      }
      return tx;
    }),
    dispose: guard(() => adapter.dispose()),
  };
  if (adapter.getConnectionInfo) bridged.getConnectionInfo = () => adapter.getConnectionInfo!();
  return bridged;
}
