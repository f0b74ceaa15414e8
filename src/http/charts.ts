import type { Request, Response, Server } from 'restify';
import type { Logger } from '../log';
import type { ChartLinks } from '../services/charts/links';
import { serverProblem, type ServerErrorCode } from './errors';
import { requestIdOf } from './server';

/**
 * Issue 17: `GET /charts/<signed id>.png`, the images of insights cards. No sign-in (Teams clients fetch card images
 * without one): the signature is the permission, it expires, and a refused request learns nothing about the chart.
 */
const REFUSAL: Record<'invalid' | 'expired' | 'gone', ServerErrorCode> = {
  invalid: 'CHART_LINK_INVALID',
  expired: 'CHART_LINK_EXPIRED',
  gone: 'CHART_LINK_EXPIRED',
};

export function registerChartRoutes(server: Server, deps: { charts: ChartLinks; logger: Logger }): void {
  server.get('/charts/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file ?? '');
    const token = file.endsWith('.png') ? file.slice(0, -4) : '';
    let answer: { status: number; body: unknown } | undefined;
    try {
      const opened = await deps.charts.open(token);
      if (opened.ok) {
        res.writeHead(200, {
          'content-type': 'image/png',
          'content-length': opened.png.length,
          // The link is its own permission and dies soon: caches may keep it until then, privately.
          'cache-control': 'private, max-age=600',
          'x-content-type-options': 'nosniff',
        });
        res.end(opened.png);
        return;
      }
      answer = serverProblem(REFUSAL[opened.reason], requestIdOf(req));
    } catch (err) {
      deps.logger.error({ err, requestId: requestIdOf(req) }, 'chart rendering failed');
      answer = serverProblem('INTERNAL_ERROR', requestIdOf(req));
    }
    res.status(answer.status);
    res.json(answer.body);
  });
}
