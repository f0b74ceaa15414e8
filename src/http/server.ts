import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import restify, { type Next, type Request, type Response, type Server } from 'restify';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Config } from '../config';
import type { Logger } from '../log';

/** Bot Framework activities are small; Teams caps bot messages near 100 KB. Anything far larger is not ours. */
export const MAX_BODY_BYTES = 256 * 1024;

const HEALTH_TIMEOUT_MS = 5_000;

export interface ServerDeps {
  config: Config;
  /** The database answers (GET /healthz). */
  health: { kind: string; ping(): Promise<void> };
  logger: Logger;
  adapter: CloudAdapter;
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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createServer(deps: ServerDeps): Server {
  const { config, health, logger, adapter, bot } = deps;
  const localMode = !config.MicrosoftAppId;
  const server = restify.createServer({ name: 'cosell-bot', handleUncaughtExceptions: false, ignoreTrailingSlash: true });

  const jsonBody = restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false, rejectUnknown: true });

  // Local mode lets in loopback callers only (R25); others are turned away before their body is even read.
  const localCallersOnly = (req: Request, res: Response, next: Next) => {
    if (!localMode) return next();
    const verdict = checkLocalModeCaller(req.socket.remoteAddress, req.headers);
    if (verdict.allowed) return next();
    logger.warn({ remoteAddress: req.socket.remoteAddress, reason: verdict.reason }, 'local mode: caller refused');
    sendJson(res, 403, LOCAL_MODE_REFUSAL);
    return next(false);
  };

  server.get('/healthz', async (_req: Request, res: Response) => {
    try {
      await withTimeout(health.ping(), HEALTH_TIMEOUT_MS, 'database check');
      sendJson(res, 200, { status: 'ok', db: health.kind });
    } catch (err) {
      logger.warn({ err }, 'health check: database unavailable');
      sendJson(res, 503, { status: 'error' });
    }
  });

  server.post('/api/messages', localCallersOnly, jsonBody, async (req: Request, res: Response) => {
    if (!isActivityShaped(req.body)) {
      sendJson(res, 400, BAD_ACTIVITY);
      return;
    }
    try {
      // With MicrosoftAppId set, CloudAdapter validates the Bot Framework JWT and answers 401 itself (R25).
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (err) {
      // Turn errors are handled by adapter.onTurnError; this is a failure around the turn (bad body, adapter bug).
      logger.error({ err }, 'bot request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
    }
  });

  server.on('after', (req: Request, res: Response, _route: unknown, err?: Error) => {
    const line = { method: req.method, path: req.path(), status: res.statusCode, ms: Date.now() - req.time() };
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
