import type { Request, Response, Server } from 'restify';
import type { ApiClient } from '../apiClients';
import type { Logger } from '../log';
import type { PartnerCenterService } from '../services/services';
import { bearerToken, clientForToken } from './apiAuth';
import { serverProblem } from './errors';
import { readRawBody } from './jsonBody';
import { requestIdOf } from './server';

/**
 * Issue 13, Partner Center's side of the HTTP API:
 * - `POST /api/partner-center/events`: Partner Center's webhooks. The signature is checked over the raw bytes exactly
 *   as Microsoft documents it before anything is read; a bad or missing one is 401 and nothing happens. A good one
 *   is answered at once; the referral is read (GET, only under PARTNER_CENTER_API_URL) and applied by a job.
 * - `GET /api/partner-center/status`: the sync's state for an `API_CLIENTS` admin (backlog, failures, last poll and
 *   webhook, referrals waiting for a location mapping).
 */

const MAX_WEBHOOK_BYTES = 64 * 1024;

export function registerPartnerCenterRoutes(server: Server, deps: { logger: Logger; partnerCenter: PartnerCenterService | null; apiClients: readonly ApiClient[]; oldestPendingAt: () => Promise<Date | null> }): void {
  const answer = (res: Response, status: number, body: unknown) => {
    res.status(status);
    res.json(body);
  };

  server.post('/api/partner-center/events', async (req: Request, res: Response) => {
    const requestId = requestIdOf(req);
    const pc = deps.partnerCenter;
    if (!pc) {
      const p = serverProblem('NOT_FOUND', requestId);
      return answer(res, p.status, p.body);
    }
    const raw = await readRawBody(req, MAX_WEBHOOK_BYTES);
    if (!raw) {
      const p = serverProblem('PAYLOAD_TOO_LARGE', requestId, { max: MAX_WEBHOOK_BYTES / 1024 });
      return answer(res, p.status, p.body);
    }
    const verified = await pc.verify(raw, req.headers);
    if (!verified.ok) {
      deps.logger.warn({ requestId, reason: verified.reason }, 'Partner Center webhook refused');
      const p = serverProblem('WEBHOOK_UNAUTHORIZED', requestId);
      return answer(res, p.status, p.body);
    }
    await pc.sync.webhookReceived(verified.event);
    answer(res, 202, { accepted: true, requestId });
  });

  server.get('/api/partner-center/status', async (req: Request, res: Response) => {
    const requestId = requestIdOf(req);
    const token = bearerToken(req.headers.authorization);
    const client = token ? clientForToken(deps.apiClients, token) : null;
    if (!client) {
      const p = serverProblem('UNAUTHORIZED', requestId);
      return answer(res, p.status, p.body);
    }
    if (client.role !== 'admin') {
      const p = serverProblem('FORBIDDEN', requestId);
      return answer(res, p.status, p.body);
    }
    if (!deps.partnerCenter) return answer(res, 200, { configured: false });
    const overview = await deps.partnerCenter.store.overview(await deps.oldestPendingAt());
    answer(res, 200, { configured: true, ...overview });
  });
}
