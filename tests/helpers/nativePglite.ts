/**
 * PGlite 0.3 loads parts of itself with dynamic `import()` ("fs/promises", "module"). Inside jest's module sandbox
 * that throws "A dynamic import callback was invoked without --experimental-vm-modules" unless node runs with that
 * flag. This module makes every `require('@electric-sql/pglite')` in the current test file (including the one in
 * pglite-prisma-adapter) return the package as loaded by Node's own loader, outside the sandbox, where `import()`
 * works. tests/store/pgliteTypes.test.ts shows Prisma's values survive the crossing. Values taken from PGlite
 * directly (db.query rows) belong to Node's realm, though: `row.at instanceof Date` is false in a test; use
 * Prisma, or `Object.prototype.toString.call(x) === '[object Date]'`.
 *
 * Import it before anything that loads PGlite (tests/helpers/testDb.ts does), or list it in jest's `setupFiles`.
 */
function nativeRequire(id: string): unknown {
  // Code run by vm.runInThisContext sees Node's real globals, not the sandbox's.
  const realProcess = (require('node:vm') as typeof import('node:vm')).runInThisContext('process') as NodeJS.Process;
  const Module = realProcess.mainModule?.constructor as typeof import('node:module') | undefined;
  if (!Module?.createRequire) {
    throw new Error('Cannot reach Node\'s module loader from jest: run jest with NODE_OPTIONS=--experimental-vm-modules');
  }
  return Module.createRequire(__filename)(id) as unknown;
}

jest.mock('@electric-sql/pglite', () => nativeRequire('@electric-sql/pglite'));
// The trigram extension (src/store/pgliteInstance.ts) locates its bundle the same way, so it crosses too.
jest.mock('@electric-sql/pglite/contrib/pg_trgm', () => nativeRequire('@electric-sql/pglite/contrib/pg_trgm'));

export {};
