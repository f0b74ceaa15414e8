// Loaded (jest setupFiles) by the "postgres" project: every test app and test database of the suite then runs on the
// PostgreSQL server named by TEST_DATABASE_URL instead of an in-memory PGlite.
process.env.TEST_DB = 'postgres';
export {};
