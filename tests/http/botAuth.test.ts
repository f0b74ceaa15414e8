import { personalMessage } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { capturedLogger } from '../helpers/logCapture';
import { channelToken, newSigningKey, trustTestSigningKey, unsignedToken } from '../helpers/botTokens';
import { checkBotToken } from '../../src/http/botAuth';

/**
 * Issue 15, item 6: forged or malformed Bot Framework tokens get 401 in our error shape — never a 500 and never the
 * SDK's message — and the SDK's console dump (stacks, every public key it knows) goes to the debug log, not stderr.
 * The SDK's real validation runs against a signing key the test publishes in its OpenID metadata cache.
 */

const APP_ID = '00000000-0000-4000-8000-00000000b07a';
const trusted = newSigningKey('test-key-1');
const stranger = newSigningKey('stranger-key');
// Signed by a key nobody published, under the kid of the trusted one.
const impostor = { kid: trusted.kid, privateKey: stranger.privateKey };

describe('authenticated mode: Bot Framework tokens', () => {
  let t: TestApp;
  let log: ReturnType<typeof capturedLogger>;
  const stderr = jest.fn();

  beforeAll(async () => {
    // The app's console routing wraps whatever console.error is when it first runs: make that a probe.
    console.error = stderr;
    console.warn = stderr;
    trustTestSigningKey(trusted);
    log = capturedLogger('debug');
    t = await startTestApp({ env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret' }, logger: log.logger });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.stub.reset());

  const claims = () => ({ aud: APP_ID, serviceUrl: t.stub.url });
  const now = () => Math.floor(Date.now() / 1000);

  const forged: [string, () => string][] = [
    ['no header', () => ''],
    ['not a bearer token', () => 'Basic dXNlcjpwYXNz'],
    ['garbage', () => 'Bearer not.a.jwt'],
    ['"Bearer" alone', () => 'Bearer'],
    ['two spaces', () => `Bearer  ${channelToken(trusted, claims())}`],
    ['alg none', () => `Bearer ${unsignedToken(claims())}`],
    ['alg none under a known kid', () => `Bearer ${unsignedToken(claims()).replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'none', kid: trusted.kid })).toString('base64url'))}`],
    ['signed by an unknown key', () => `Bearer ${channelToken(stranger, claims())}`],
    ['signed by another key under a known kid', () => `Bearer ${channelToken(impostor, claims())}`],
    ['expired an hour ago', () => `Bearer ${channelToken(trusted, { ...claims(), exp: now() - 3600, nbf: now() - 7200 })}`],
    ['not valid for an hour yet', () => `Bearer ${channelToken(trusted, { ...claims(), nbf: now() + 3600 })}`],
    ['for another bot', () => `Bearer ${channelToken(trusted, { ...claims(), aud: '11111111-1111-4111-8111-111111111111' })}`],
    ['from another issuer', () => `Bearer ${channelToken(trusted, { ...claims(), iss: 'https://evil.example' })}`],
    ['for another serviceUrl', () => `Bearer ${channelToken(trusted, { ...claims(), serviceUrl: 'https://evil.example/' })}`],
    ['a tampered payload', () => `Bearer ${tamper(channelToken(trusted, claims()))}`],
  ];

  it.each(forged)('%s → 401 {code, message{en,ja}, requestId}, nothing runs', async (_name, header) => {
    const res = await t.post(personalMessage('help'), header() ? { authorization: header() } : {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      code: 'BOT_UNAUTHORIZED',
      message: { en: expect.stringContaining('Bot Framework token'), ja: expect.stringContaining('Bot Framework トークン') },
      requestId: res.headers.get('x-request-id'),
    });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(t.stub.calls).toHaveLength(0);
    // The refusal is logged (with the SDK's reason) under the same request id.
    expect(log.lines.some((l) => l.requestId === res.body.requestId && l.msg === 'bot request: token refused')).toBe(true);
  });

  it('accepts a valid token (the SDK checks it again with the activity) and runs the turn', async () => {
    const res = await t.post({ ...personalMessage('help'), type: 'typing', text: undefined }, { authorization: `Bearer ${channelToken(trusted, claims())}` });
    expect(res.status).toBe(200);
  });

  it('routes the SDK console output to the debug log, never to stderr', async () => {
    const before = log.lines.length;
    // An expired token makes botframework-connector console.error() the whole jsonwebtoken error.
    await t.post(personalMessage('help'), { authorization: `Bearer ${channelToken(trusted, { ...claims(), exp: now() - 3600, nbf: now() - 7200 })}` });
    await t.post(personalMessage('help'), { authorization: `Bearer ${channelToken(impostor, claims())}` });
    const sdkLines = log.lines.slice(before).filter((l) => l.msg === 'Bot Framework SDK console output');
    expect(sdkLines.length).toBeGreaterThan(0);
    expect(sdkLines.every((l) => l.level === 20)).toBe(true); // pino's debug
    expect(stderr).not.toHaveBeenCalled();
  });

  it('leaves console calls outside the SDK scope alone', () => {
    console.error('a line of our own');
    expect(stderr).toHaveBeenCalledWith('a line of our own');
    stderr.mockClear();
  });
});

function tamper(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  payload.aud = `${payload.aud}x`;
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}

describe('checkBotToken: whose fault a failure is', () => {
  const logger = capturedLogger('debug').logger;
  const failingWith = (err: unknown) => ({ authenticateRequest: () => Promise.reject(err) });
  const named = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name }, extra);
  const header = 'Bearer a.b.c';

  it.each([
    ['an AuthenticationError (401)', named('AuthenticationError', 'Unauthorized. Is not authenticated', { statusCode: 401 })],
    ['a jsonwebtoken error', named('JsonWebTokenError', 'invalid signature')],
    ['an expired token', named('TokenExpiredError', 'jwt expired')],
    ['a TypeError on a malformed token', new TypeError("Cannot read properties of undefined (reading 'split')")],
  ])('%s → 401', async (_name, err) => {
    expect(await checkBotToken(failingWith(err), header, logger)).toEqual({ ok: false, status: 401, reason: expect.any(String) });
  });

  it.each([
    ['the OpenID metadata answered 500', named('AuthenticationError', 'Failed to load openID config: 500', { statusCode: 500 })],
    ['the keys could not be fetched', named('AuthenticationError', 'Failed to load Keys: 503', { statusCode: 500 })],
    ['the metadata host is unreachable', named('FetchError', 'request to https://login.botframework.com/ failed, reason: getaddrinfo ENOTFOUND')],
  ])('%s → 503 (nobody could be authenticated)', async (_name, err) => {
    expect(await checkBotToken(failingWith(err), header, logger)).toEqual({ ok: false, status: 503, reason: expect.any(String) });
  });

  it('refuses a header that is not "Bearer <token>" without asking the SDK', async () => {
    const auth = { authenticateRequest: jest.fn() };
    for (const h of [undefined, '', 'Bearer', 'bearer x', 'Basic x', `Bearer ${'x'.repeat(9000)}`, 'Bearer a b']) {
      expect((await checkBotToken(auth, h, logger)).ok).toBe(false);
    }
    expect(auth.authenticateRequest).not.toHaveBeenCalled();
  });
});
