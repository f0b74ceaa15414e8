import http from 'node:http';
import os from 'node:os';
import { catalog } from '../../cards/i18n';
import { checkLocalModeCaller, isLoopbackAddress, LOCAL_MODE_REFUSAL, MAX_BODY_BYTES } from '../../src/http/server';
import { adaptiveCards, cardText, channelMessage, groupChatMessage, personalMessage } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';
import type { ConnectorCall } from '../helpers/connectorStub';
import { createTestDatabase } from '../helpers/testDb';

const en = catalog('en');
const ja = catalog('ja');

const isCardReply = (call: ConnectorCall) => adaptiveCards(call.activity).length > 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local mode (no MicrosoftAppId)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.stub.reset());

  it('GET /healthz answers ok with the database kind', async () => {
    const res = await t.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: t.db.kind });
  });

  it('answers `help` in English with the help card, as a reply in the same conversation', async () => {
    const activity = personalMessage('help', { locale: 'en-US' });
    const res = await t.post(activity);
    expect(res.status).toBe(200);

    const call = await t.stub.waitFor(isCardReply);
    expect(call.kind).toBe('reply');
    expect(call.conversationId).toBe(activity.conversation.id);
    expect(call.activityId).toBe(activity.id);
    const [card] = adaptiveCards(call.activity);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    const text = cardText(card);
    expect(text).toContain(en['help.title']);
    for (const command of ['new deal', 'deals', 'pipeline', 'help']) expect(text).toContain(command);
    expect(text).not.toContain(ja['help.title']);
    expect(text).not.toContain(en['help.unrecognized']);
    expect(JSON.stringify(card)).not.toContain('${');
  });

  it('answers `ヘルプ` from a ja-JP client in Japanese', async () => {
    await t.post(personalMessage('ヘルプ', { locale: 'ja-JP' }));
    const call = await t.stub.waitFor(isCardReply);
    const text = cardText(adaptiveCards(call.activity)[0]);
    expect(text).toContain(ja['help.title']);
    for (const command of ['新しい取引', '取引一覧', 'パイプライン', 'ヘルプ']) expect(text).toContain(command);
    expect(text).not.toContain(en['help.title']);
  });

  it('follows the locale, not the language of the command', async () => {
    await t.post(personalMessage('help', { locale: 'ja-JP' }));
    const text = cardText(adaptiveCards((await t.stub.waitFor(isCardReply)).activity)[0]);
    expect(text).toContain(ja['help.title']);
  });

  it('strips the @mention in a channel before matching the command', async () => {
    const activity = channelMessage('help', { locale: 'en-US' });
    expect(activity.text).toBe('<at>Co-sell</at> help');
    await t.post(activity);
    const call = await t.stub.waitFor(isCardReply);
    expect(call.conversationId).toBe(activity.conversation.id);
    const text = cardText(adaptiveCards(call.activity)[0]);
    expect(text).toContain(en['help.title']);
    expect(text).not.toContain(en['help.unrecognized']);
  });

  it('strips the @mention in a group chat too (Japanese)', async () => {
    await t.post(groupChatMessage('ヘルプ', { locale: 'ja-JP' }));
    const text = cardText(adaptiveCards((await t.stub.waitFor(isCardReply)).activity)[0]);
    expect(text).toContain(ja['help.title']);
    expect(text).not.toContain(ja['help.unrecognized']);
  });

  it('answers unknown text with one line and the inbox and help buttons, never with silence', async () => {
    await t.post(personalMessage('what can you do for me?', { locale: 'en-US' }));
    const card = adaptiveCards((await t.stub.waitFor(isCardReply)).activity)[0];
    expect(cardText(card)).toContain('"what can you do for me?" is not a command.');
    expect(card.actions.map((a: any) => a.data.command)).toEqual(['inbox', 'help']);

    await t.post(personalMessage('こんにちは', { locale: 'ja-JP' }));
    const jaCall = await t.stub.waitFor((c) => isCardReply(c) && cardText(adaptiveCards(c.activity)[0]).includes('「こんにちは」はコマンドではありません。'));
    expect(adaptiveCards(jaCall.activity)[0].actions.map((a: any) => a.data.command)).toEqual(['受信トレイ', 'ヘルプ']);
  });

  it('on a failed turn, apologises in the user language instead of crashing', async () => {
    // The card send is refused (403 is not retried by the connector client), which fails the turn;
    // onTurnError then sends the apology, which the stub accepts.
    t.stub.failNext(1, 403);
    const res = await t.post(personalMessage('help', { locale: 'ja-JP' }));
    expect(res.status).toBe(200);
    const apology = await t.stub.waitFor((c) => c.activity.text === ja['error.apology']);
    expect(apology.kind).toBe('reply');
    expect(t.stub.failed).toHaveLength(1);
    expect(adaptiveCards(t.stub.failed[0]!.activity)).toHaveLength(1);

    // …and the server is still fine afterwards.
    await t.post(personalMessage('help'));
    await t.stub.waitFor(isCardReply);
    expect((await t.get('/healthz')).status).toBe(200);
  });

  it('stays silent when even the apology cannot be delivered', async () => {
    t.stub.failNext(2, 403);
    const res = await t.post(personalMessage('help'));
    expect(res.status).toBe(200);
    expect(t.stub.failed).toHaveLength(2);
    expect(t.stub.calls).toHaveLength(0);
    expect((await t.get('/healthz')).status).toBe(200);
  });

  it('refuses a body that is not an activity with 400', async () => {
    for (const body of ['{}', '[]', '{"type":""}', '"help"']) {
      const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    expect(t.stub.calls).toHaveLength(0);
  });

  it(`refuses bodies over ${MAX_BODY_BYTES} bytes with 413`, async () => {
    const res = await t.post({ ...personalMessage('help'), text: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect(res.status).toBe(413);
    await sleep(100);
    expect(t.stub.calls).toHaveLength(0);
  });

  it('refuses a loopback caller that is really a proxy or tunnel (forwarding headers)', async () => {
    const res = await t.post(personalMessage('help'), { 'x-forwarded-for': '203.0.113.9' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(LOCAL_MODE_REFUSAL);
    await sleep(100);
    expect(t.stub.calls).toHaveLength(0);
  });
});

describe('local mode, a caller from another machine', () => {
  // A non-loopback address of this machine: connecting from it to it makes the server see a non-loopback peer.
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  const itIfExternal = external ? it : it.skip;

  itIfExternal('is refused with 403 and a JSON message, and nothing is sent', async () => {
    const t = await startTestApp({ env: { HOST: '0.0.0.0' } });
    try {
      const port = Number(new URL(t.url).port);
      const body = JSON.stringify({ ...personalMessage('help'), serviceUrl: t.stub.url });
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: external, port, localAddress: external, path: '/api/messages', method: 'POST', headers: { 'content-type': 'application/json' } },
          (r) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => (text += c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toEqual(LOCAL_MODE_REFUSAL);
      await sleep(100);
      expect(t.stub.calls).toHaveLength(0);
      // /healthz is not restricted (probes come from the platform, not from this machine).
      expect((await fetch(`http://${external}:${port}/healthz`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('loopback check', () => {
  it.each(['127.0.0.1', '127.1.2.3', '127.255.255.254', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2', '::ffff:7f00:1', '0:0:0:0:0:0:0:1'])(
    '%s is loopback',
    (a) => expect(isLoopbackAddress(a)).toBe(true),
  );
  it.each(['10.0.0.1', '192.0.2.2', '128.0.0.1', '::', '::2', 'fe80::1', '::ffff:10.0.0.1', '::ffff:8000:1', '1127.0.0.1', '', undefined])(
    '%s is not loopback',
    (a) => expect(isLoopbackAddress(a)).toBe(false),
  );
  it('refuses forwarded requests even from loopback', () => {
    expect(checkLocalModeCaller('127.0.0.1', {})).toEqual({ allowed: true });
    expect(checkLocalModeCaller('127.0.0.1', { 'x-forwarded-for': '1.2.3.4' })).toEqual({ allowed: false, reason: 'proxied' });
    expect(checkLocalModeCaller('127.0.0.1', { forwarded: 'for=1.2.3.4' })).toEqual({ allowed: false, reason: 'proxied' });
    expect(checkLocalModeCaller('10.1.1.1', {})).toEqual({ allowed: false, reason: 'not_loopback' });
  });
});

describe('authenticated mode (MicrosoftAppId set)', () => {
  let t: TestApp;
  let consoleError: jest.SpyInstance;
  beforeAll(async () => {
    t = await startTestApp({
      env: { MicrosoftAppId: '00000000-0000-4000-8000-00000000b07a', MicrosoftAppPassword: 'not-a-real-secret' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    t.stub.reset();
    // CloudAdapter console.error()s every refused request; keep the test output readable.
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => consoleError.mockRestore());

  it('refuses a request without Authorization with 401 and sends nothing', async () => {
    const res = await t.post(personalMessage('help'));
    expect(res.status).toBe(401);
    await sleep(200);
    expect(t.stub.calls).toHaveLength(0);
    expect(t.stub.failed).toHaveLength(0);
  });

  it('refuses a malformed bearer token with 401', async () => {
    const res = await t.post(personalMessage('help'), { authorization: 'Bearer not.a.jwt' });
    expect(res.status).toBe(401);
    await sleep(200);
    expect(t.stub.calls).toHaveLength(0);
  });

  it('does not apply the loopback rule (Bot Framework traffic comes from Azure)', async () => {
    const res = await t.post(personalMessage('help'), { 'x-forwarded-for': '203.0.113.9' });
    expect(res.status).toBe(401);
  });

  it('still answers /healthz', async () => {
    expect((await t.get('/healthz')).body).toEqual({ status: 'ok', db: t.db.kind });
  });
});

describe('health with a broken database', () => {
  it('answers 503 {status:"error"}', async () => {
    const db = await createTestDatabase();
    const t = await startTestApp({ db });
    try {
      expect((await t.get('/healthz')).status).toBe(200);
      await db.close();
      const res = await t.get('/healthz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'error' });
    } finally {
      await t.close();
    }
  });
});

describe('graceful close', () => {
  it('lets a turn in flight finish before closing', async () => {
    const t = await startTestApp();
    try {
      t.stub.delayNext(1, 700);
      const inFlight = t.post(personalMessage('help'));
      await sleep(200);
      const closed = t.app.close();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(t.stub.calls.filter(isCardReply)).toHaveLength(1);
      await closed;
      await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    } finally {
      await t.close();
    }
  });
});
