import type { Activity } from 'botbuilder';
import { createApp, type App } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { silentLogger, type Logger } from '../../src/log';
import type { Resolve } from '../../src/services/callbackTarget';
import type { Database } from '../../src/store/database';
import { startConnectorStub, type ConnectorStub } from './connectorStub';
import { createTestDatabase } from './testDb';

export interface TestAppOptions {
  /** Environment overrides, as strings, exactly as the process would see them (e.g. `{ MicrosoftAppId: '…' }`). */
  env?: Record<string, string>;
  logger?: Logger;
  /** Reuse an open database instead of a fresh in-memory one (the caller closes it). */
  db?: Database;
  /** DNS for sender callbacks (default: the system resolver). */
  resolve?: Resolve;
  /** The daily digest's clock (default: the system clock). */
  clock?: () => Date;
}

export interface PostResult {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: any;
  headers: Headers;
}

export interface TestApp {
  /** Base URL of the app, e.g. `http://127.0.0.1:41234`. */
  url: string;
  app: App;
  config: Config;
  stub: ConnectorStub;
  db: Database;
  /**
   * POSTs an activity to /api/messages (`serviceUrl` defaults to the connector stub), then waits until the follow-up
   * jobs it caused have run (`settle`), so a test sees every posted card the way a user would a moment later.
   */
  post(activity: Partial<Activity>, headers?: Record<string, string>): Promise<PostResult>;
  /** The same without waiting for follow-up jobs: what the request itself answered, and when. */
  postOnly(activity: Partial<Activity>, headers?: Record<string, string>): Promise<PostResult>;
  /**
   * Waits until no follow-up job is due or running (retries scheduled for later do not count): the event a test
   * awaits instead of sleeping. Throws after `timeoutMs`.
   */
  settle(timeoutMs?: number): Promise<void>;
  get(path: string): Promise<PostResult>;
  close(): Promise<void>;
}

async function toResult(res: Response): Promise<PostResult> {
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      // leave as text
    }
  }
  return { status: res.status, body, headers: res.headers };
}

/**
 * The app on 127.0.0.1, a free port, a fresh test database (in-memory PGlite unless TEST_DB=postgres), silent logs,
 * and a connector stub for the bot's replies.
 */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  // The daily digest (issue 17) posts on the wall clock: off unless a test asks for it (and moves its own clock).
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'memory://', LOG_LEVEL: 'silent', DIGEST_AT: 'off', ...opts.env });
  const ownDb = !opts.db;
  const db = opts.db ?? (await createTestDatabase());
  let stub: ConnectorStub | undefined;
  let app: App | undefined;
  let port: number;
  try {
    stub = await startConnectorStub();
    app = createApp({ config, db, logger: opts.logger ?? silentLogger(), drainTimeoutMs: 2_000, resolve: opts.resolve, clock: opts.clock });
    ({ port } = await app.listen());
  } catch (err) {
    // A half-started app must not leave handles open: jest would hang instead of reporting the error.
    await app?.close();
    await stub?.close();
    if (ownDb) await db.close();
    throw err;
  }
  const started = { app, stub };
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    app: started.app,
    config,
    stub: started.stub,
    db,
    async postOnly(activity, headers = {}) {
      const body = { ...activity, serviceUrl: activity.serviceUrl || started.stub.url };
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return toResult(res);
    },
    async post(activity, headers = {}) {
      const body = { ...activity, serviceUrl: activity.serviceUrl || started.stub.url };
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      const result = await toResult(res);
      await settle(started.app);
      return result;
    },
    settle: (timeoutMs) => settle(started.app, timeoutMs),
    async get(path) {
      return toResult(await fetch(`${url}${path}`));
    },
    async close() {
      await started.app.close();
      await started.stub.close();
      if (ownDb) await db.close();
    },
  };
}

/** Polls the job table until nothing is due or running (see TestApp.settle and JobStore.busy). */
export async function settle(app: App, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await app.services.jobStore.busy();
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error(`${busy} follow-up job(s) still due or running after ${timeoutMs} ms`);
    app.services.jobs.kick();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
