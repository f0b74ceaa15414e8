import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ChartSpec } from '../../domain';
import type { ChartStore } from '../../store/charts';
import { renderChart } from './render';

/**
 * Issue 17: the insights card's charts as links, `GET /charts/<signed id>.png` under PUBLIC_BASE_URL.
 *
 * Why links and not `data:` URIs: Teams caps a card near 28 KB, and one readable chart PNG is 15–50 KB (three on a
 * card), so inline images would not fit. The card carries a link per chart; the chart's words and numbers wait in
 * the database (any instance can answer) and are drawn when a client asks. A link is `<id>.<expiry>.<signature>`:
 * an HMAC-SHA256 over id and expiry, so nothing is read, rendered or revealed without a valid, unexpired signature.
 */

export type ChartOpening = { ok: true; png: Buffer } | { ok: false; reason: 'invalid' | 'expired' | 'gone' };

export interface ChartLinkOptions {
  /** Where clients reach this service (PUBLIC_BASE_URL); without it, no links (the card shows numbers only). */
  baseUrl: string | undefined;
  /** The HMAC key. */
  secret: Buffer;
  /** How long a link works. */
  ttlMs: number;
}

/** A signed id has this shape; anything else is refused before any work. */
const TOKEN = /^([0-9a-f-]{36})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;

export class ChartLinks {
  /** Rendered PNGs by id: a client (and Teams' image proxy) asks for the same chart more than once. */
  private readonly rendered = new Map<string, Buffer>();

  constructor(
    private readonly store: ChartStore,
    private readonly opts: ChartLinkOptions,
  ) {}

  get enabled(): boolean {
    return this.opts.baseUrl !== undefined;
  }

  /** Saves the charts and returns a link for each, in order; none when PUBLIC_BASE_URL is not set. */
  async publish(specs: ChartSpec[], now = new Date()): Promise<string[]> {
    if (!this.opts.baseUrl || specs.length === 0) return [];
    const expiresAt = new Date(now.getTime() + this.opts.ttlMs);
    const ids = await this.store.save(specs, expiresAt, now);
    return ids.map((id) => `${this.opts.baseUrl}/charts/${this.sign(id, expiresAt)}.png`);
  }

  /** `<id>.<expiry in seconds, base 36>.<signature>` */
  sign(id: string, expiresAt: Date): string {
    const expiry = Math.floor(expiresAt.getTime() / 1000).toString(36);
    return `${id}.${expiry}.${this.mac(id, expiry)}`;
  }

  /** The PNG of a signed id: refused when the signature is wrong, the link expired or the chart is gone. */
  async open(token: string, now = new Date()): Promise<ChartOpening> {
    const m = TOKEN.exec(token);
    if (!m) return { ok: false, reason: 'invalid' };
    const [, id, expiry, signature] = m as unknown as [string, string, string, string];
    const expected = Buffer.from(this.mac(id, expiry));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
    if (parseInt(expiry, 36) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
    const cached = this.rendered.get(id);
    if (cached) return { ok: true, png: cached };
    const spec = await this.store.get(id, now);
    if (!spec) return { ok: false, reason: 'gone' };
    const png = await renderChart(spec);
    this.rendered.set(id, png);
    // Keep the newest few dozen (a card has three charts; a few people look at once).
    for (const key of this.rendered.keys()) {
      if (this.rendered.size <= 60) break;
      this.rendered.delete(key);
    }
    return { ok: true, png };
  }

  private mac(id: string, expiry: string): string {
    return createHmac('sha256', this.opts.secret).update(`chart:${id}.${expiry}`).digest('base64url');
  }
}

/**
 * The signing key: CHART_LINK_SECRET; else one derived from the bot's app password (the same on every instance of
 * the bot); else, in local mode with neither, a random key for this process (links die with it).
 */
export function chartLinkSecret(config: { CHART_LINK_SECRET?: string; MicrosoftAppPassword?: string }): Buffer {
  if (config.CHART_LINK_SECRET) return Buffer.from(config.CHART_LINK_SECRET);
  if (config.MicrosoftAppPassword) return createHmac('sha256', 'cosell-bot chart links').update(config.MicrosoftAppPassword).digest();
  return randomBytes(32);
}
