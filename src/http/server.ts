import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import restify, { type Next, type Request, type Response, type Server } from 'restify';
import type { Activity, ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Config } from '../config';
import { quietSdkConsole, type Logger } from '../log';
import { checkBotToken, type BotAuthentication } from './botAuth';
import { serverProblem, type ServerErrorCode } from './errors';
import { mediaTypeOf, readJsonBody } from './jsonBody';

/** Bot Framework activities are small; Teams caps bot messages near 100 KB. Anything far larger is not ours. */
export const MAX_BODY_BYTES = 256 * 1024;

const HEALTH_TIMEOUT_MS = 5_000;

export interface ServerDeps {
  config: Config;
  /** The database answers (GET /healthz); the Partner Center sync's state is reported, never failing the check. */
  health: { kind: string; ping(): Promise<void>; partnerCenter?: () => Promise<Record<string, unknown>> };
  logger: Logger;
  adapter: CloudAdapter;
  /** The adapter's Bot Framework authentication: /api/messages checks the token with it before reading the body. */
  botAuth: BotAuthentication;
  bot: ActivityHandler;
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.x.x, ::ffff:7f00:1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/%.*$/, '');
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)) return true;
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/.exec(a)?.[1];
  if (mapped === undefined) return false;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(mapped)) return true;
  // Hex form of a mapped address: the first hextet holds the first two octets.
  const hex = /^([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(mapped)?.[1];
  return hex !== undefined && parseInt(hex, 16) >> 8 === 127;
}

/**
 * A proxy or tunnel (dev tunnels, ngrok, a reverse proxy) connects from loopback on behalf of someone else. Its
 * forwarding headers give it away; such a caller is not "on this machine" and is refused in local mode.
 */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

export type LocalModeVerdict = { allowed: true } | { allowed: false; reason: 'not_loopback' | 'proxied' };

export function checkLocalModeCaller(remoteAddress: string | undefined, headers: IncomingMessage['headers']): LocalModeVerdict {
  if (!isLoopbackAddress(remoteAddress)) return { allowed: false, reason: 'not_loopback' };
  if (FORWARDING_HEADERS.some((h) => headers[h] !== undefined)) return { allowed: false, reason: 'proxied' };
  return { allowed: true };
}

export const LOCAL_MODE_REFUSAL = {
  error: 'local_mode_loopback_only',
  message:
    'This bot runs in local mode (MicrosoftAppId is not set) and accepts /api/messages only from this machine, ' +
    'not through a proxy or tunnel. To accept Bot Framework traffic, set MicrosoftAppId and MicrosoftAppPassword ' +
    '(and MicrosoftAppTenantId for SingleTenant).',
} as const;

export const BAD_ACTIVITY = {
  error: 'bad_activity',
  message: 'The body must be a Bot Framework activity: a JSON object with a string "type".',
} as const;

// CloudAdapter throws (→ 500) on a body without a type; a malformed request is the caller's mistake, so 400.
function isActivityShaped(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    typeof (body as { type?: unknown }).type === 'string' &&
    (body as { type: string }).type !== ''
  );
}

function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.json(body);
}

/** Bot Framework posts activities as JSON; nothing else is read (no forms, no multipart uploads to a temp dir). */
const ACTIVITY_MEDIA_TYPES = ['application/json'];

/** The id of a request, as in its `x-request-id` header and its log lines. */
export const requestIdOf = (req: Request): string => req.getId();

/**
 * Answers without reading the body. A body still on its way is not drained: the connection is closed after the
 * answer, so an unwanted upload costs neither memory nor disk.
 */
function refuseUnread(req: Request, res: Response, code: ServerErrorCode, params: Record<string, string | number> = {}): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody) res.header('Connection', 'close');
  const problem = serverProblem(code, requestIdOf(req), params);
  sendJson(res, problem.status, problem.body);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** restify's own refusals (no such route, wrong method, …) in our shape; anything else is a 500. */
function codeOfRestifyError(err: unknown): ServerErrorCode {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (status === 404) return 'NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (typeof status === 'number' && status >= 400 && status < 500) return 'BAD_REQUEST';
  return 'INTERNAL_ERROR';
}

/**
 * restify wraps a handler's rejection that is not an `Error` (of its realm) in an AsyncError "rejected without an
 * error"; the log wants what was really thrown.
 */
function causeOf(err: unknown): unknown {
  const info = (err as { jse_info?: { cause?: unknown } } | null)?.jse_info;
  return (err as { name?: string } | null)?.name === 'AsyncError' && info?.cause !== undefined ? info.cause : err;
}

export function createServer(deps: ServerDeps): Server {
  const { config, health, logger, adapter, botAuth, bot } = deps;
  const localMode = !config.MicrosoftAppId;
  const server = restify.createServer({ name: 'cosell-bot', handleUncaughtExceptions: false, ignoreTrailingSlash: true });

  // Every answer names its request, so a user's report can be matched with the log line that has the details.
  server.pre((req: Request, res: Response, next: Next) => {
    res.header('x-request-id', requestIdOf(req));
    return next();
  });

  // One error handler for every route: a handler that throws (a database error, a bug) or a request restify
  // refuses itself gets {code, message{en,ja}, requestId}; stack, SQL and paths go only to the log.
  server.on('restifyError', (req: Request, res: Response, err: unknown, done: () => void) => {
    const code = codeOfRestifyError(err);
    const requestId = requestIdOf(req);
    const line = { requestId, method: req.method, path: req.path() };
    if (code === 'INTERNAL_ERROR') logger.error({ ...line, err: causeOf(err) }, 'request failed');
    else logger.debug({ ...line, code }, 'request refused');
    if (!res.headersSent) {
      const problem = serverProblem(code, requestId, { expected: ACTIVITY_MEDIA_TYPES.join(', '), max: Math.round(MAX_BODY_BYTES / 1024), detail: '' });
      sendJson(res, problem.status, problem.body);
    }
    return done();
  });

  // Local mode lets in loopback callers only (R25); others are turned away before their body is even read.
  const localCallersOnly = (req: Request, res: Response, next: Next) => {
    if (!localMode) return next();
    const verdict = checkLocalModeCaller(req.socket.remoteAddress, req.headers);
    if (verdict.allowed) return next();
    logger.warn({ remoteAddress: req.socket.remoteAddress, reason: verdict.reason }, 'local mode: caller refused');
    if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined) res.header('Connection', 'close');
    sendJson(res, 403, LOCAL_MODE_REFUSAL);
    return next(false);
  };

  /** With MicrosoftAppId set: the Bot Framework token, checked without the activity (headers only) or with it. */
  const tokenAccepted = async (req: Request, res: Response, activity?: Partial<Activity>): Promise<boolean> => {
    if (localMode) return true;
    const verdict = await checkBotToken(botAuth, req.headers.authorization, logger, activity);
    if (verdict.ok) return true;
    const requestId = requestIdOf(req);
    if (verdict.status === 503) logger.error({ requestId, reason: verdict.reason }, 'bot request: signing keys unavailable');
    else logger.warn({ requestId, reason: verdict.reason, remoteAddress: req.socket.remoteAddress }, 'bot request: token refused');
    if (verdict.status === 401) res.header('WWW-Authenticate', 'Bearer');
    refuseUnread(req, res, verdict.status === 401 ? 'BOT_UNAUTHORIZED' : 'AUTH_UNAVAILABLE');
    return false;
  };

  /**
   * CloudAdapter writes its own answers: the invoke response, or its error's message as text (401, 500). Its
   * refusals and failures are turned into our shapes here (the message goes to the log); the rest passes through.
   */
  const adapterResponse = (req: Request, res: Response) => {
    let status = 200;
    let body: unknown;
    const facade = {
      status(code: number) {
        status = code;
        return facade;
      },
      header(name: string, value: string) {
        res.header(name, value);
        return facade;
      },
      send(value: unknown) {
        body = value;
        return facade;
      },
      end() {
        if (status === 401 || status >= 500) {
          const requestId = requestIdOf(req);
          logger[status === 401 ? 'warn' : 'error']({ requestId, status, detail: body }, 'bot request: the adapter refused or failed');
          const problem = serverProblem(status === 401 ? 'BOT_UNAUTHORIZED' : 'INTERNAL_ERROR', requestId);
          return sendJson(res, problem.status, problem.body);
        }
        res.status(status);
        if (body) res.send(body);
        res.end();
      },
    };
    return facade;
  };

  server.get('/healthz', async (_req: Request, res: Response) => {
    try {
      await withTimeout(health.ping(), HEALTH_TIMEOUT_MS, 'database check');
      // Partner Center being down is the sync's problem (it retries), not this instance's: reported, still 200.
      const partnerCenter = health.partnerCenter ? await withTimeout(health.partnerCenter(), HEALTH_TIMEOUT_MS, 'sync state').catch(() => ({ state: 'unknown' })) : undefined;
      sendJson(res, 200, { status: 'ok', db: health.kind, ...(partnerCenter ? { partnerCenter } : {}) });
    } catch (err) {
      logger.warn({ err }, 'health check: database unavailable');
      sendJson(res, 503, { status: 'error' });
    }
  });

  server.post('/api/messages', localCallersOnly, async (req: Request, res: Response) => {
    // Only JSON, and only with a valid token: both decided from the headers, before a byte of the body is read.
    const type = mediaTypeOf(req);
    if (type === null || !ACTIVITY_MEDIA_TYPES.includes(type)) {
      return refuseUnread(req, res, 'UNSUPPORTED_MEDIA_TYPE', { expected: ACTIVITY_MEDIA_TYPES.join(', ') });
    }
    if (!(await tokenAccepted(req, res))) return;
    const read = await readJsonBody(req, { maxBytes: MAX_BODY_BYTES, mediaTypes: ACTIVITY_MEDIA_TYPES });
    if (!read.ok) {
      if (read.reason === 'tooLarge') return refuseUnread(req, res, 'PAYLOAD_TOO_LARGE', { max: Math.round(MAX_BODY_BYTES / 1024) });
      if (read.reason === 'mediaType') return refuseUnread(req, res, 'UNSUPPORTED_MEDIA_TYPE', { expected: ACTIVITY_MEDIA_TYPES.join(', ') });
      return sendJson(res, 400, BAD_ACTIVITY);
    }
    if (!isActivityShaped(read.value)) return sendJson(res, 400, BAD_ACTIVITY);
    // Now with the activity: the signing key must be endorsed for its channel and the token name its serviceUrl.
    if (!(await tokenAccepted(req, res, read.value as Partial<Activity>))) return;
    req.body = read.value;
    // CloudAdapter authenticates once more (cheap: the keys are cached) and runs the turn; its console goes to debug.
    await quietSdkConsole(logger, () => adapter.process(req, adapterResponse(req, res) as unknown as Response, (context) => bot.run(context)));
  });

  server.on('after', (req: Request, res: Response, _route: unknown, err?: Error) => {
    const line = { requestId: requestIdOf(req), method: req.method, path: req.path(), status: res.statusCode, ms: Date.now() - req.time() };
    if (err || res.statusCode >= 500) logger.warn({ ...line, err }, 'request');
    else logger.debug(line, 'request');
  });

  return server;
}

/**
 * Counts requests in flight on a Node HTTP server so shutdown can wait for them: a bot turn runs inside its
 * request (CloudAdapter answers after the turn), so "no requests in flight" means "no turns half done".
 */
export function trackInflight(http: HttpServer) {
  const active = new Set<ServerResponse>();
  let closing = false;
  const waiters = new Set<() => void>();
  http.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    active.add(res);
    // While draining, a keep-alive socket must not pick up new work after this response.
    if (closing) res.shouldKeepAlive = false;
    res.once('close', () => {
      active.delete(res);
      if (active.size === 0) for (const w of [...waiters]) w();
    });
  });
  return {
    get count() {
      return active.size;
    },
    /** Stops keep-alive reuse, then resolves true when nothing is in flight, or false after timeoutMs. */
    drain(timeoutMs: number): Promise<boolean> {
      closing = true;
      for (const res of active) if (!res.headersSent) res.shouldKeepAlive = false;
      if (active.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (drained: boolean) => {
          clearTimeout(timer);
          waiters.delete(onEmpty);
          resolve(drained);
        };
        const onEmpty = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(onEmpty);
      });
    },
  };
}
