/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // PGlite loads parts of itself with dynamic import(), which jest blocks without this (see the file).
  setupFiles: ['<rootDir>/tests/helpers/nativePglite.ts'],
  testTimeout: 30000,
  // PGlite instances are memory-hungry; two workers fit the 2-core machines.
  maxWorkers: 2,
};
