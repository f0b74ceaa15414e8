import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { channelToken, newSigningKey, trustTestSigningKey } from '../helpers/botTokens';
import { personalMessage } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';

/**
 * Issue 15, item 1: restify's bodyParser used to take multipart/form-data before anyone was authenticated and
 * write every part to the OS temp directory (`upload_*`), never deleted. No route reads multipart now; every
 * route is sent a 5 MB part and 500 tiny parts, without and with valid credentials, and no new `upload_*` file
 * may appear in os.tmpdir() (where formidable writes; jest cannot redirect it, TMPDIR is read by the real process).
 */

const APP_ID = '00000000-0000-4000-8000-00000000b07a';
const REFERRALS_TOKEN = 'uploads-test-referrals-token-0123';
const API_TOKEN = 'uploads-test-api-token-0123456789';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const boundary = '----cosell-upload-test';
function multipart(parts: { name: string; filename: string; bytes: number }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    chunks.push(Buffer.alloc(p.bytes, 0x61));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const BODIES = {
  'one 5 MB part': multipart([{ name: 'file', filename: 'big.bin', bytes: 5 * 1024 * 1024 }]),
  '500 tiny parts': multipart(Array.from({ length: 500 }, (_, i) => ({ name: `f${i}`, filename: `f${i}.txt`, bytes: 3 }))),
};

/** Every route of the server, with a path that reaches its handler. */
const ROUTES: { method: string; path: string; readsBody: boolean }[] = [
  { method: 'POST', path: '/api/messages', readsBody: true },
  { method: 'POST', path: '/api/referrals', readsBody: true },
  { method: 'PATCH', path: '/api/deals/any-deal', readsBody: true },
  { method: 'PATCH', path: '/api/deals/any-deal/registration', readsBody: true },
  { method: 'POST', path: '/api/notifications/any/retry', readsBody: false },
  { method: 'GET', path: '/api/notifications', readsBody: false },
  { method: 'GET', path: '/api/deals', readsBody: false },
  { method: 'GET', path: '/api/deals/any-deal', readsBody: false },
  { method: 'GET', path: '/api/openapi.json', readsBody: false },
  { method: 'GET', path: '/healthz', readsBody: false },
  { method: 'POST', path: '/no/such/route', readsBody: false },
];

/** node:http rather than fetch: the server may answer and close before the upload is done, which is the point. */
function send(url: string, method: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(`${url}`, { method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // A write cut short by the server's close is expected once it has answered.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    req.end(body);
  });
}

const uploads = () => new Set(readdirSync(os.tmpdir()).filter((f) => f.startsWith('upload_')));

describe.each([
  ['local mode', {}],
  ['authenticated mode', { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret' }],
])('%s: multipart bodies to every route', (_mode, modeEnv) => {
  let t: TestApp;
  const signingKey = newSigningKey('uploads-key');

  beforeAll(async () => {
    trustTestSigningKey(signingKey);
    t = await startTestApp({
      env: { ...modeEnv, REFERRALS_API_TOKEN: REFERRALS_TOKEN, API_CLIENTS: `uploader:admin:global:${sha(API_TOKEN)}` },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const credentials = (route: string): Record<string, string> => {
    if (route.startsWith('/api/messages')) {
      return 'MicrosoftAppId' in modeEnv ? { authorization: `Bearer ${channelToken(signingKey, { aud: APP_ID, serviceUrl: t.stub.url })}` } : {};
    }
    if (route.startsWith('/api/referrals') || route.startsWith('/api/notifications')) return { authorization: `Bearer ${REFERRALS_TOKEN}` };
    return { authorization: `Bearer ${API_TOKEN}` };
  };

  const cases = ROUTES.flatMap((r) =>
    Object.keys(BODIES).flatMap((body) => [
      [`${r.method} ${r.path}, ${body}, no credentials`, r, body as keyof typeof BODIES, false] as const,
      [`${r.method} ${r.path}, ${body}, valid credentials`, r, body as keyof typeof BODIES, true] as const,
    ]),
  );

  it.each(cases)('%s: no temp file, never a 5xx', async (_name, route, bodyName, authenticated) => {
    const before = uploads();
    const headers = {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(authenticated ? credentials(route.path) : {}),
    };
    const res = await send(`${t.url}${route.path}`, route.method, headers, BODIES[bodyName]);
    expect([...uploads()].filter((f) => !before.has(f))).toEqual([]);
    if (route.readsBody) {
      // Refused on its headers: the wrong media type (415; /api/messages checks it first), or no token (401).
      expect(res.status).toBe(route.path === '/api/messages' || authenticated ? 415 : 401);
      expect(() => JSON.parse(res.text)).not.toThrow();
    } else {
      expect(res.status).toBeLessThan(500);
    }
    expect(t.stub.calls).toHaveLength(0);
  });

  it('/api/messages still takes a JSON activity (the refusals above are not a broken endpoint)', async () => {
    const headers = 'MicrosoftAppId' in modeEnv ? credentials('/api/messages') : {};
    const res = await t.post({ ...personalMessage('help'), type: 'typing', text: undefined }, headers);
    expect(res.status).toBe(200);
  });

  it('/api/messages refuses a form or text body with 415 and says what it takes', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/xml']) {
      const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': type, ...credentials('/api/messages') }, body: 'a=b' });
      expect(res.status).toBe(415);
      const body = await res.json();
      expect(body).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', message: { en: 'Send the body as application/json.', ja: expect.stringContaining('application/json') }, requestId: res.headers.get('x-request-id') });
    }
  });
});
