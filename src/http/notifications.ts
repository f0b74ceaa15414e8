import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Outbox } from '../services/outbox';
import { bearerToken } from './referrals';

/**
 * R28: the sender-notification outbox, for whoever runs the service: `GET /api/notifications?status=failed` lists
 * what could not be delivered, `POST /api/notifications/:id/retry` queues a failed one again. Same token as intake.
 */

const QuerySchema = z.object({
  status: z.enum(['pending', 'delivered', 'failed', 'noEndpoint']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.json(body);
}

export function registerNotificationRoutes(server: Server, deps: { config: Config; logger: Logger; outbox: Outbox }): void {
  const auth = bearerToken(deps.config, deps.logger);

  server.get('/api/notifications', auth, async (req: Request, res: Response) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const query = QuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) {
      sendJson(res, 400, { error: 'invalid_query', message: 'status must be pending, delivered, failed or noEndpoint; limit 1–500.' });
      return;
    }
    const items = await deps.outbox.list(query.data.status, query.data.limit);
    sendJson(res, 200, { items });
  });

  server.post('/api/notifications/:id/retry', auth, async (req: Request, res: Response) => {
    const id = String(req.params.id ?? '');
    if (!(await deps.outbox.retry(id))) {
      sendJson(res, 404, { error: 'not_found', message: 'No failed notification with that id.' });
      return;
    }
    deps.outbox.kick();
    sendJson(res, 202, { id, status: 'pending' });
  });
}
