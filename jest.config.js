/**
 * Two projects: every suite on the embedded database, and — when TEST_DATABASE_URL names a PostgreSQL server (CI
 * starts one) — the suites that run the whole app (HTTP, bot, API) again on PostgreSQL. Store suites run on both
 * databases by themselves (describeEachDatabase); the domain is pure.
 */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // PGlite loads parts of itself with dynamic import(), which jest blocks without this (see the file).
  setupFiles: ['<rootDir>/tests/helpers/nativePglite.ts'],
};

const APP_SUITES = ['http', 'bot', 'admin', 'wizard', 'referrals', 'deals', 'api', 'app', 'partnerCenter', 'hostile'];

const projects = [{ ...base, displayName: 'pglite', testMatch: ['<rootDir>/tests/**/*.test.ts'] }];
if (process.env.TEST_DATABASE_URL) {
  projects.push({
    ...base,
    displayName: 'postgres',
    testMatch: APP_SUITES.map((dir) => `<rootDir>/tests/${dir}/**/*.test.ts`),
    // The process-level tests of the embedded database (lock, second instance) have no PostgreSQL meaning.
    testPathIgnorePatterns: ['/tests/http/main\\.test\\.ts$', '/tests/e2e/'],
    setupFiles: [...base.setupFiles, '<rootDir>/tests/helpers/usePostgres.ts'],
  });
}

/** @type {import('jest').Config} */
module.exports = {
  projects,
  testTimeout: 30000,
  // PGlite instances are memory-hungry; two workers fit the 2-core machines.
  maxWorkers: 2,
};
