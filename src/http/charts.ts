import type { Request, Response, Server } from 'restify';
import type { Logger } from '../log';
import type { ChartLinks } from '../services/charts/links';

/**
 * Issue 17: `GET /charts/<signed id>.png`, the images of insights cards. No sign-in (Teams clients fetch card images
 * without one): the signature is the permission, it expires, and a refused request learns nothing about the chart.
 */
const REFUSAL = {
  invalid: { status: 403, error: 'chart_link_invalid', message: 'This chart link is not valid.' },
  expired: { status: 410, error: 'chart_link_expired', message: 'This chart link has expired; ask for insights again.' },
  gone: { status: 410, error: 'chart_link_expired', message: 'This chart link has expired; ask for insights again.' },
} as const;

export function registerChartRoutes(server: Server, deps: { charts: ChartLinks; logger: Logger }): void {
  server.get('/charts/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file ?? '');
    const token = file.endsWith('.png') ? file.slice(0, -4) : '';
    try {
      const opened = await deps.charts.open(token);
      if (!opened.ok) {
        const r = REFUSAL[opened.reason];
        res.status(r.status);
        res.json({ error: r.error, message: r.message });
        return;
      }
      res.writeHead(200, {
        'content-type': 'image/png',
        'content-length': opened.png.length,
        // The link is its own permission and dies soon: caches may keep it until then, privately.
        'cache-control': 'private, max-age=600',
        'x-content-type-options': 'nosniff',
      });
      res.end(opened.png);
    } catch (err) {
      deps.logger.error({ err }, 'chart rendering failed');
      res.status(500);
      res.json({ error: 'chart_failed', message: 'The chart could not be drawn.' });
    }
  });
}
