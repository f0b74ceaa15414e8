import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The CLI runs on the WebAssembly schema engine (no native download), through the same driver adapters as the app
// (src/store/database.ts). For PGlite it opens the data directory through the same lock as the server, so it refuses
// to touch a database the server has open.
const configured = process.env.DATABASE_URL ?? path.join('data', 'pglite');
const isPostgres = (url: string) => /^postgres(ql)?:\/\//i.test(url);
// The schema's datasource url must parse even for the embedded default, which has no URL.
if (!isPostgres(process.env.DATABASE_URL ?? '')) {
  process.env.DATABASE_URL = 'postgresql://embedded-pglite.invalid/cosell';
}

// The CLI asks for the adapter more than once per command. A PGlite directory may be opened (and locked) only once
// per process, so every call gets the same factory. Kept on globalThis in case the config module is loaded twice.
const CACHE = Symbol.for('cosell-bot.prismaCliAdapter');
const cache = globalThis as { [CACHE]?: Promise<unknown> };

// @prisma/adapter-pg 6.19 cannot map PostgreSQL's `name` type (oid 19) and the schema engine reads catalog columns of
// that type (pg_class.relname …): `migrate deploy` on an empty database fails with "Column type 'name' could not be
// deserialized". pg returns such values as strings already, so report them as text. CLI only; relies on the
// adapter's performIO, and does nothing if that is gone.
const NAME_OID = 19;
const TEXT_OID = 25;
type Fields = { fields?: { dataTypeID: number }[] };
type Queryable = { performIO?: (q: unknown) => Promise<Fields>; startTransaction?: (...a: unknown[]) => Promise<unknown> };
function reportNameAsText(q: Queryable): void {
  const performIO = q.performIO;
  if (typeof performIO === 'function') {
    q.performIO = async (query) => {
      const result = await performIO.call(q, query);
      for (const f of result?.fields ?? []) if (f.dataTypeID === NAME_OID) f.dataTypeID = TEXT_OID;
      return result;
    };
  }
  const startTransaction = q.startTransaction;
  if (typeof startTransaction === 'function') {
    q.startTransaction = async (...args) => {
      const tx = await startTransaction.apply(q, args);
      reportNameAsText(tx as Queryable);
      return tx;
    };
  }
}
function withNameAsText<F extends { connect(): Promise<unknown> }>(factory: F): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    reportNameAsText(adapter as Queryable);
    return adapter;
  };
  return factory;
}

async function createAdapter(url: string): Promise<unknown> {
  if (isPostgres(url)) {
    const { PrismaPg } = await import('@prisma/adapter-pg');
    // allowExitOnIdle: the CLI never ends the pool; idle connections must not keep it alive for 10 s.
    return withNameAsText(new PrismaPg({ connectionString: url, allowExitOnIdle: true }));
  }
  const { newPglite } = await import('./src/store/pgliteInstance');
  const { lockDataDir } = await import('./src/store/dataDirLock');
  const { pgliteDirOf } = await import('./src/store/database');
  const { pgliteAdapter } = await import('./src/store/pgliteAdapter');
  const dir = pgliteDirOf(url);
  if (!dir) return pgliteAdapter(newPglite());
  lockDataDir(dir, 'prisma CLI'); // released when the CLI exits
  return pgliteAdapter(newPglite(dir));
}

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    cache[CACHE] ??= createAdapter(configured);
    return (await cache[CACHE]) as never;
  },
});
