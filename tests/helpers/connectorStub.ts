import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * A local stand-in for the Bot Connector service (the `serviceUrl` of a Teams activity). It records every call the
 * bot makes and answers the way the real service does, so tests exercise the real outbound path of CloudAdapter.
 */

export type ConnectorCallKind = 'send' | 'reply' | 'update' | 'delete' | 'createConversation';

export interface ConnectorCall {
  kind: ConnectorCallKind;
  method: string;
  path: string;
  /** Decoded conversation id from the path (for createConversation: the id the stub created). */
  conversationId: string;
  /** The activity id in the path: the message replied to, updated or deleted. */
  activityId?: string;
  /** The id the stub answered with (a new activity id; the same id for updates). */
  id: string;
  /** The activity sent (for createConversation: `body.activity`, if any). */
  activity: BotActivity;
  /** The raw JSON body. */
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  /** HTTP status the stub answered with. */
  status: number;
}

/** The parts of an outgoing activity tests look at; everything else is still there. */
export interface BotActivity {
  type?: string;
  text?: string;
  locale?: string;
  replyToId?: string;
  attachments?: { contentType: string; content: any }[];
  conversation?: { id: string };
  [key: string]: unknown;
}

/** A member as the Bot Connector returns it (TeamsChannelAccount). */
export interface TeamsMember {
  id: string;
  name: string;
  aadObjectId: string;
  email?: string;
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
  tenantId?: string;
  userRole?: string;
}

export interface InjectedFailure {
  status: number;
  body?: unknown;
  /** Sent as Retry-After (seconds), as the real service does for 429. */
  retryAfterSeconds?: number;
}

export interface ConnectorStub {
  /** Base URL with a trailing slash, as Teams sends serviceUrl. */
  readonly url: string;
  /** Every call answered with 2xx, in arrival order. */
  readonly calls: ConnectorCall[];
  /** Calls answered with an injected failure. */
  readonly failed: ConnectorCall[];
  /** Activities the bot sent (send, reply, createConversation with an activity), in order. */
  sent(): BotActivity[];
  /** Resolves with the first recorded call (past or future) matching the predicate; rejects after timeoutMs. */
  waitFor(predicate: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  /** The next `count` calls are answered with `status` (e.g. 403 for a user who removed the bot, 429, 500). */
  failNext(count: number, status: number, opts?: Omit<InjectedFailure, 'status'>): void;
  /** The next `count` calls are answered only after `ms` (a slow connector; failures still apply). */
  delayNext(count: number, ms: number): void;
  /**
   * The next `count` calls are never answered and never processed (a connector that lost the request): the bot's
   * own timeout has to end them. Recorded in `failed` with status 0.
   */
  hangNext(count: number): void;
  /**
   * Teams members the stub knows, by Teams user id (`29:…`): GET /v3/conversations/:id/members/:userId answers
   * with the member (as TeamsInfo.getMember reads it), or 404 MemberNotFound for anyone not listed. Lookups are
   * recorded in `memberLookups`, not in `calls`, and never consume injected failures or delays.
   */
  readonly members: Map<string, TeamsMember>;
  readonly memberLookups: { conversationId: string; userId: string; status: number }[];
  /** Forget recorded calls and pending failures and delays. */
  reset(): void;
  close(): Promise<void>;
}

const ERROR_CODES: Record<number, string> = {
  400: 'BadArgument',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'ConversationNotFound',
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

interface Route {
  kind: ConnectorCallKind;
  method: string;
  pattern: RegExp;
}

// Paths of the Bot Connector REST API v3 that the bot uses.
const ROUTES: Route[] = [
  { kind: 'createConversation', method: 'POST', pattern: /^\/v3\/conversations\/?$/ },
  { kind: 'send', method: 'POST', pattern: /^\/v3\/conversations\/([^/]+)\/activities\/?$/ },
  { kind: 'reply', method: 'POST', pattern: /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)\/?$/ },
  { kind: 'update', method: 'PUT', pattern: /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)\/?$/ },
  { kind: 'delete', method: 'DELETE', pattern: /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)\/?$/ },
];

const MEMBER_ROUTE = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)\/?$/;

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve({});
      try {
        const parsed: unknown = JSON.parse(text);
        resolve(typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {});
      } catch (err) {
        reject(err);
      }
    });
  });
}

function answer(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function newActivityId(): string {
  // Teams activity ids are epoch-millisecond strings; uniqueness is what matters here.
  return `${Date.now()}${Math.floor(Math.random() * 1e6)
    .toString()
    .padStart(6, '0')}`;
}

export async function startConnectorStub(): Promise<ConnectorStub> {
  const calls: ConnectorCall[] = [];
  const failed: ConnectorCall[] = [];
  const failures: InjectedFailure[] = [];
  const delays: number[] = [];
  let hangs = 0;
  const watchers = new Set<(call: ConnectorCall) => void>();
  const members = new Map<string, TeamsMember>();
  const memberLookups: { conversationId: string; userId: string; status: number }[] = [];

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => answer(res, 500, { error: { code: 'StubError', message: String(err) } }));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stub').pathname.replace(/\/{2,}/g, '/');
    const method = req.method ?? 'GET';
    const body = await readJson(req);
    const memberPath = method === 'GET' ? MEMBER_ROUTE.exec(path) : null;
    if (memberPath) {
      const userId = decodeURIComponent(memberPath[2] ?? '');
      const member = members.get(userId);
      memberLookups.push({ conversationId: decodeURIComponent(memberPath[1] ?? ''), userId, status: member ? 200 : 404 });
      if (member) answer(res, 200, member);
      else answer(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'The member could not be found.' } });
      return;
    }
    const delay = delays.shift();
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const route = ROUTES.map((r) => ({ r, m: r.method === method ? r.pattern.exec(path) : null })).find((x) => x.m);
    if (!route?.m) {
      answer(res, 404, { error: { code: 'NotFound', message: `connector stub: no route for ${method} ${path}` } });
      return;
    }
    const { r, m } = route;
    const conversationId = r.kind === 'createConversation' ? `a:${randomUUID()}` : decodeURIComponent(m[1] ?? '');
    const activityId = m[2] !== undefined ? decodeURIComponent(m[2]) : undefined;
    const id = r.kind === 'update' && activityId ? activityId : newActivityId();
    const activity = (r.kind === 'createConversation' ? (body.activity ?? {}) : body) as BotActivity;
    const hang = hangs > 0;
    if (hang) hangs--;
    const failure = hang ? undefined : failures.shift();
    const call: ConnectorCall = {
      kind: r.kind,
      method,
      path,
      conversationId,
      activityId,
      id,
      activity,
      body,
      headers: req.headers,
      status: hang ? 0 : (failure?.status ?? (r.kind === 'createConversation' ? 201 : 200)),
    };

    if (hang) {
      failed.push(call);
      return; // no answer; the connection stays open until the caller gives up or the stub closes
    }

    if (failure) {
      failed.push(call);
      const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
      answer(
        res,
        failure.status,
        failure.body ?? { error: { code: ERROR_CODES[failure.status] ?? 'Error', message: `injected ${failure.status}` } },
        headers,
      );
      return;
    }

    calls.push(call);
    for (const w of [...watchers]) w(call);
    if (r.kind === 'createConversation') {
      answer(res, call.status, { id: conversationId, activityId: body.activity ? id : undefined, serviceUrl: baseUrl });
    } else if (r.kind === 'delete') {
      answer(res, call.status, {});
    } else {
      answer(res, call.status, { id });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url: baseUrl,
    calls,
    failed,
    sent() {
      return calls.filter((c) => c.kind === 'send' || c.kind === 'reply' || (c.kind === 'createConversation' && c.body.activity)).map((c) => c.activity);
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const seen = calls.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise<ConnectorCall>((resolve, reject) => {
        const watcher = (call: ConnectorCall) => {
          if (!predicate(call)) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve(call);
        };
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          const got = calls.map((c) => `${c.kind} ${c.activity.type ?? ''} ${(c.activity.text ?? '').slice(0, 60)}`);
          reject(new Error(`connector stub: no matching call within ${timeoutMs} ms; received ${calls.length}: ${JSON.stringify(got)}`));
        }, timeoutMs);
        watchers.add(watcher);
      });
    },
    members,
    memberLookups,
    failNext(count, status, opts = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, ...opts });
    },
    delayNext(count, ms) {
      for (let i = 0; i < count; i++) delays.push(ms);
    },
    hangNext(count) {
      hangs += count;
    },
    reset() {
      delays.length = 0;
      hangs = 0;
      calls.length = 0;
      failed.length = 0;
      failures.length = 0;
      memberLookups.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
