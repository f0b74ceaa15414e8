import { PGlite, type Extension } from '@electric-sql/pglite';

/**
 * Every PGlite this project opens, on a data directory or in memory, comes from here: the schema's trigram indexes
 * (deal and customer name search, issue 16) need PGlite's bundled pg_trgm loaded at start, or the first write to an
 * indexed table fails. `require` because this project's TypeScript module resolution cannot see PGlite's `exports`
 * subpaths; the extension is part of the installed package, nothing is fetched.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };

export function newPglite(dir?: string): PGlite {
  return new PGlite({ dataDir: dir, extensions: { pg_trgm } });
}
