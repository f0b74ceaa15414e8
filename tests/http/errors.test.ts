import { createHash } from 'node:crypto';
import { pcReferral } from '../referrals/referralTestKit';
import { capturedLogger } from '../helpers/logCapture';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb';

/**
 * Issue 15, item 6: a database failure under any route answers 500 with `{code, message{en,ja}, requestId}` — no
 * stack, no file path, no Prisma text — and the details are in the log line that carries the same requestId, which
 * the client also gets as the `x-request-id` header.
 */

const REFERRALS_TOKEN = 'errors-test-referrals-token-0123';
const API_TOKEN = 'errors-test-api-token-0123456789';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const ROUTES: { name: string; method: string; path: string; token: string; body?: unknown; headers?: Record<string, string> }[] = [
  { name: 'list deals', method: 'GET', path: '/api/deals', token: API_TOKEN },
  { name: 'read a deal', method: 'GET', path: '/api/deals/some-deal', token: API_TOKEN },
  {
    name: 'patch a deal',
    method: 'PATCH',
    path: '/api/deals/some-deal',
    token: API_TOKEN,
    body: [{ op: 'replace', path: '/name', value: 'Renamed' }],
    headers: { 'content-type': 'application/json-patch+json', 'if-match': '"1"' },
  },
  { name: 'review a registration', method: 'PATCH', path: '/api/deals/some-deal/registration', token: API_TOKEN, body: { outcome: 'Approved' } },
  { name: 'receive a referral', method: 'POST', path: '/api/referrals', token: REFERRALS_TOKEN, body: pcReferral() },
  { name: 'list notifications', method: 'GET', path: '/api/notifications?status=failed', token: REFERRALS_TOKEN },
  // Retrying is for operators (an API_CLIENTS admin), not senders.
  { name: 'retry a notification', method: 'POST', path: '/api/notifications/some-notification/retry', token: API_TOKEN },
];

/** What must never reach a client: exception names, stack frames, file paths, SQL. */
const INTERNALS = [/prisma/i, /error:/i, /\bat\s+\S+\s+\(/, /\.(ts|js):\d+/, /\/(src|dist|node_modules|work|home|tmp)\//, /select|insert|update\s/i, /pglite|postgres/i];

/** Two ways a database fails: it is gone, or every query throws Prisma's own error (tables missing, P2021). */
const FAULTS: [string, (db: TestDatabase) => Promise<void>, RegExp][] = [
  ['the database is closed', (db) => db.close(), /closed|ended|terminat|end on the pool/i],
  ['every query throws a PrismaClientKnownRequestError', (db) => db.prisma.$executeRawUnsafe('DROP SCHEMA public CASCADE').then(() => undefined), /does not exist/],
];

describe.each(FAULTS)('%s: every route', (_fault, breakDatabase, logged) => {
  let t: TestApp;
  let db: TestDatabase;
  let log: ReturnType<typeof capturedLogger>;

  beforeAll(async () => {
    db = await createTestDatabase();
    log = capturedLogger('info');
    t = await startTestApp({
      db,
      logger: log.logger,
      env: { REFERRALS_API_TOKEN: REFERRALS_TOKEN, API_CLIENTS: `errors:admin:global:${sha(API_TOKEN)}`, SWEEP_INTERVAL_SECONDS: '86400' },
    });
    await breakDatabase(db);
  });
  afterAll(async () => {
    await t?.close();
    await db.close().catch(() => undefined);
  });

  it.each(ROUTES)('$name ($method $path) → 500 {code, message{en,ja}, requestId}, details only in the log', async (route) => {
    const res = await fetch(`${t.url}${route.path}`, {
      method: route.method,
      headers: { authorization: `Bearer ${route.token}`, 'content-type': 'application/json', 'accept-language': 'ja', ...route.headers },
      body: route.body === undefined ? undefined : JSON.stringify(route.body),
    });
    const text = await res.text();
    expect(res.status).toBe(500);
    const body = JSON.parse(text);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toEqual({
      code: 'INTERNAL_ERROR',
      message: { en: expect.stringContaining('request ID'), ja: expect.stringContaining('リクエスト ID') },
      requestId,
    });
    for (const pattern of INTERNALS) expect({ pattern: String(pattern), leaked: pattern.test(text) }).toEqual({ pattern: String(pattern), leaked: false });

    // The log line with the same id has what the operator needs.
    const line = log.lines.find((l) => l.requestId === requestId && l.msg === 'request failed');
    expect(line).toBeDefined();
    expect(line!.level).toBe(50); // pino's error
    expect(line!.err?.stack).toEqual(expect.any(String));
    expect(line!.err.message).toMatch(logged);
    expect(line!.path).toBe(route.path.split('?')[0]);
  });

  it('every answer carries a request id, also when nothing failed', async () => {
    const a = await fetch(`${t.url}/api/openapi.json`);
    const b = await fetch(`${t.url}/api/openapi.json`);
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get('x-request-id')).not.toBe(a.headers.get('x-request-id'));
  });

  it('an unknown route or method answers in the same shape, without echoing the path', async () => {
    const res = await fetch(`${t.url}/api/<script>nowhere`, { method: 'GET' });
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toEqual({ code: 'NOT_FOUND', message: { en: expect.any(String), ja: expect.any(String) }, requestId: res.headers.get('x-request-id') });
    expect(JSON.stringify(body)).not.toContain('script');
    const wrongMethod = await fetch(`${t.url}/api/referrals`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
  });
});
