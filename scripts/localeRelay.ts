import http from 'node:http';
import type net from 'node:net';
import { z } from 'zod';

/**
 * The Agents Playground (0.2.28) writes `locale: "en-US"` (and clientInfo country "US") into every activity it sends —
 * messages, card clicks, installs — with no CLI flag, config-file key or UI setting to change it. A Teams client set
 * to Japanese sends `ja-JP`. This relay sits between the playground and the bot and gives each activity the locale
 * and country of such a client; nothing else is changed, and the bot's answers go to the playground directly
 * (through the activity's serviceUrl), except invoke answers, which come back through the relay unchanged.
 * `npm run playground` puts it in front of the bot when PLAYGROUND_LOCALE is set; the browser test uses it too.
 */

/** The locale and country a client reports in each activity (`locale`, and the clientInfo entity). */
export const ClientLocale = z.object({
  locale: z.string().min(2),
  country: z.string().length(2),
});
export type ClientLocale = z.infer<typeof ClientLocale>;

/**
 * `ja-JP` (also `ja_jp`) → `{locale: 'ja-JP', country: 'JP'}`: a language and a region, as Teams clients send it.
 * The region is what the client reports as its country, so a bare language (`ja`) is refused.
 */
export const PlaygroundLocale = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}[-_][a-z]{2}$/i, 'expected a language and a region, e.g. ja-JP')
  .transform((value): ClientLocale => {
    const [language, region] = value.split(/[-_]/) as [string, string];
    const country = region.toUpperCase();
    return { locale: `${language.toLowerCase()}-${country}`, country };
  });

/** Only what the relay rewrites; every other field of the activity passes through untouched. */
const RelayedActivity = z.looseObject({
  locale: z.string().optional(),
  entities: z.array(z.looseObject({ type: z.string().optional() })).optional(),
});

export interface LocaleRelay {
  /** The endpoint to give the playground (`-e`). */
  endpoint: string;
  close(): Promise<void>;
}

/** The activity as the client would have sent it; null when the body is not an activity. */
function rewrite(body: string, client: ClientLocale): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = RelayedActivity.safeParse(json);
  if (!parsed.success) return null;
  const activity = parsed.data;
  activity.locale = client.locale;
  for (const e of activity.entities ?? []) {
    if (e.type === 'clientInfo') Object.assign(e, { locale: client.locale, country: client.country });
  }
  return JSON.stringify(activity);
}

/** Listens on a free port of 127.0.0.1 and forwards each request to `target` (the bot's /api/messages). */
export async function startLocaleRelay(target: string, client: ClientLocale): Promise<LocaleRelay> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const received = Buffer.concat(chunks).toString('utf8');
        const body = received ? rewrite(received, client) : '';
        if (body === null) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end('locale relay: the body is not a JSON activity');
          return;
        }
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (req.headers.authorization) headers.authorization = req.headers.authorization;
        const answer = await fetch(target, { method: req.method, headers, body: body || undefined });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      })().catch((err: unknown) => {
        // The bot is down or unreachable: say so to the playground instead of leaving it waiting.
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`locale relay: ${String(err)}`);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections from the playground would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
