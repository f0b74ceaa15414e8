import type { Next, Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { ApiClient } from '../apiClients';
import type { Config } from '../config';
import type { Logger } from '../log';
import { referralSendersOf, senderForToken, type ReferralSender } from '../referralSenders';
import type { Outbox } from '../services/outbox';
import { bearerToken, clientForToken } from './apiAuth';
import { sendSenderRefusal } from './referrals';

/**
 * R28: the sender-notification outbox. `GET /api/notifications?status=failed` lists notifications: a referral sender
 * (REFERRAL_SENDERS or the legacy REFERRALS_API_TOKEN) sees only those of its own referrals; an operator (an
 * `API_CLIENTS` admin) sees all. `POST /api/notifications/:id/retry` queues a failed one again: operators only.
 */

const QuerySchema = z.object({
  status: z.enum(['pending', 'delivered', 'failed', 'noEndpoint']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.json(body);
}

type Caller = { kind: 'sender'; sender: ReferralSender } | { kind: 'operator'; client: ApiClient };

const callers = new WeakMap<Request, Caller>();

const OPERATORS_ONLY = {
  en: 'Only an operator (an API_CLIENTS admin token) may do this.',
  ja: 'この操作はオペレーター (API_CLIENTS の admin トークン) のみが実行できます。',
} as const;

export function registerNotificationRoutes(server: Server, deps: { config: Config; logger: Logger; outbox: Outbox }): void {
  const senders = referralSendersOf(deps.config);
  const clients = deps.config.API_CLIENTS;

  /** A sender's token or an API client's; a non-admin API client is not an operator (403). */
  const auth = (req: Request, res: Response, next: Next) => {
    if (senders.length === 0 && clients.length === 0) {
      sendSenderRefusal(res, 503, 'intake_disabled');
      return next(false);
    }
    const token = bearerToken(req.headers.authorization);
    const sender = token ? senderForToken(senders, token) : null;
    const client = token && !sender ? clientForToken(clients, token) : null;
    if (sender) callers.set(req, { kind: 'sender', sender });
    else if (client?.role === 'admin') callers.set(req, { kind: 'operator', client });
    else if (client) {
      sendJson(res, 403, { error: 'forbidden', message: OPERATORS_ONLY.en, messages: OPERATORS_ONLY });
      return next(false);
    } else {
      deps.logger.warn({ path: req.path(), remoteAddress: req.socket.remoteAddress, hadHeader: !!req.headers.authorization }, 'notifications API: bad or missing token');
      sendSenderRefusal(res, 401, 'unauthorized');
      return next(false);
    }
    return next();
  };

  const operatorOnly = (req: Request, res: Response, next: Next) => {
    if (callers.get(req)?.kind === 'operator') return next();
    sendJson(res, 403, { error: 'forbidden', message: OPERATORS_ONLY.en, messages: OPERATORS_ONLY });
    return next(false);
  };

  server.get('/api/notifications', auth, async (req: Request, res: Response) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const query = QuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) {
      sendJson(res, 400, {
        error: 'invalid_query',
        message: 'status must be pending, delivered, failed or noEndpoint; limit 1–500.',
        messages: {
          en: 'status must be pending, delivered, failed or noEndpoint; limit 1–500.',
          ja: 'status は pending、delivered、failed、noEndpoint のいずれか、limit は 1～500 です。',
        },
      });
      return;
    }
    const caller = callers.get(req) as Caller;
    const own = caller.kind === 'sender' ? caller.sender.name : undefined;
    const items = await deps.outbox.list(query.data.status, query.data.limit, own);
    sendJson(res, 200, { items });
  });

  server.post('/api/notifications/:id/retry', auth, operatorOnly, async (req: Request, res: Response) => {
    const id = String(req.params.id ?? '');
    if (!(await deps.outbox.retry(id))) {
      const message = { en: 'No failed notification with that id.', ja: 'その ID の失敗した通知はありません。' };
      sendJson(res, 404, { error: 'not_found', message: message.en, messages: message });
      return;
    }
    const caller = callers.get(req) as Caller;
    deps.logger.info({ notificationId: id, operator: caller.kind === 'operator' ? caller.client.name : null }, 'notification retried by an operator');
    deps.outbox.kick();
    sendJson(res, 202, { id, status: 'pending' });
  });
}
