import http from 'node:http';
import type net from 'node:net';

/**
 * The Agents Playground (0.2.28) writes `locale: "en-US"` (and clientInfo country "US") into every activity it sends —
 * messages, card clicks, installs — with no CLI flag, config-file key or UI setting to change it. A Teams client set
 * to Japanese sends `ja-JP`. This relay sits between the playground and the bot and gives each activity the locale
 * and country of such a client; nothing else is changed, and the bot's answers go to the playground directly.
 */
export interface LocaleRelay {
  /** The endpoint to give the playground (`-e`). */
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocaleRelay(target: string, client: { locale: string; country: string }): Promise<LocaleRelay> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let body = Buffer.concat(chunks).toString('utf8');
        if (body) {
          const activity = JSON.parse(body) as { locale?: string; entities?: { type?: string; locale?: string; country?: string }[] };
          activity.locale = client.locale;
          for (const e of activity.entities ?? []) {
            if (e.type === 'clientInfo') Object.assign(e, { locale: client.locale, country: client.country });
          }
          body = JSON.stringify(activity);
        }
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (req.headers.authorization) headers.authorization = req.headers.authorization;
        const answer = await fetch(target, { method: req.method, headers, body: body || undefined });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      })().catch((err: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
