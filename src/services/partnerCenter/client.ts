import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  PcReferralCreateSchema,
  PcReferralPageSchema,
  PcReferralPatchSchema,
  PcReferralSchema,
  toJsonPatch,
  type PcReferral,
  type PcReferralCreate,
  type PcReferralPatch,
} from './referral';

/**
 * A client of Partner Center's Referrals API (v1.0): list (with `$filter`, following `@odata.nextLink`), get, create
 * (POST) and update (PATCH with a JSON Patch document under `If-Match`). It does not retry: every failure is a
 * PartnerCenterError whose `kind` tells the caller (the sync's outbox) whether to wait and retry (`throttled`,
 * `unavailable`), to refresh and decide again (`stale`), or to give up and show it (`rejected`, `notFound`,
 * `refused`).
 */
export interface PartnerCenterClient {
  /** Pages of referrals (Partner Center serves 100 per page), oldest change first, following `@odata.nextLink`. */
  list(q: { updatedSince?: Date; status?: string }): AsyncGenerator<PcReferral[]>;
  get(id: string): Promise<PcReferral>;
  /** GET a URI Partner Center gave us (a webhook's ResourceUri). Refuses one that is not under the base URL. */
  getByUri(uri: string): Promise<PcReferral>;
  create(body: PcReferralCreate): Promise<PcReferral>;
  /** PATCH under `If-Match: eTag`; a stale eTag is PartnerCenterError kind `stale` (412). */
  update(id: string, patch: PcReferralPatch, eTag: string): Promise<PcReferral>;
}

export type PartnerCenterErrorKind = 'stale' | 'throttled' | 'unavailable' | 'notFound' | 'rejected' | 'refused';

/** Longest excerpt of a remote response body that goes into an error message. */
const BODY_EXCERPT = 200;

export class PartnerCenterError extends Error {
  override readonly name = 'PartnerCenterError';
  constructor(
    readonly kind: PartnerCenterErrorKind,
    message: string,
    readonly status?: number,
    /** From Retry-After (429, 503), in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  /** Worth trying again later (with backoff, after retryAfterMs when given). */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'unavailable';
  }
}

export interface PartnerCenterClientConfig {
  /** The Referrals collection, e.g. https://api.partner.microsoft.com/v1.0/engagements/referrals */
  baseUrl: string;
  /** A bearer token for each request (MSAL caches; see auth.ts). */
  token: () => Promise<string>;
  /** Per request, including reading the body. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Partner Center's header for correlating calls in its logs (Partner REST headers). */
const CORRELATION_HEADER = 'MS-CorrelationId';

export function createPartnerCenterClient(cfg: PartnerCenterClientConfig): PartnerCenterClient {
  const base = new URL(cfg.baseUrl.replace(/\/+$/, ''));
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError(`Partner Center base URL must be http(s): ${cfg.baseUrl}`);
  if (base.search || base.hash) throw new TypeError('Partner Center base URL must have no query or fragment');
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = cfg.timeoutMs ?? 30_000;
  const doFetch = cfg.fetch ?? fetch;
  const correlationId = randomUUID();

  const itemUrl = (id: string) => {
    if (!id) throw new PartnerCenterError('refused', 'empty referral id');
    const u = new URL(base.href);
    u.pathname = `${basePath}/${encodeURIComponent(id)}`;
    return u;
  };

  /**
   * A URL Partner Center handed us (nextLink, ResourceUri) is followed only on the API's own host, so the bearer
   * token never goes anywhere else. Microsoft's samples write some of these links as http://; they are fetched with
   * the base URL's scheme (never downgraded).
   */
  const sameApi = (raw: string, what: string): URL => {
    let u: URL;
    try {
      u = new URL(raw, base);
    } catch {
      throw new PartnerCenterError('refused', `${what} is not a URL`);
    }
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.hostname !== base.hostname) {
      throw new PartnerCenterError('refused', `${what} is not on the Partner Center API host`);
    }
    if (u.protocol === 'http:' && base.protocol === 'https:') u.protocol = 'https:';
    if (u.protocol !== base.protocol || u.port !== base.port) throw new PartnerCenterError('refused', `${what} is not on the Partner Center API host`);
    u.hash = '';
    return u;
  };

  async function call(method: string, url: URL, body?: unknown, extra: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: unknown }> {
    const token = await cfg.token();
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      [CORRELATION_HEADER]: correlationId,
      'MS-RequestId': randomUUID(),
      ...extra,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const where = `${method} ${url.pathname}`;
    try {
      let res: Response;
      const send = () => doFetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ac.signal, redirect: 'error' });
      try {
        // A kept-alive connection the server closed meanwhile fails at once (ECONNRESET): a read is safe to ask again.
        res = await send().catch((err: unknown) => (method === 'GET' && !ac.signal.aborted ? send() : Promise.reject(err)));
      } catch (err) {
        throw new PartnerCenterError('unavailable', `${where}: ${ac.signal.aborted ? `no answer within ${timeoutMs} ms` : `network error (${errorText(err)})`}`);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        throw new PartnerCenterError('unavailable', `${where}: ${ac.signal.aborted ? `no answer within ${timeoutMs} ms` : `response cut off (${errorText(err)})`}`, res.status);
      }
      if (!res.ok) throw errorFor(where, res, text);
      if (res.status === 204 || text.trim() === '') return { status: res.status, headers: res.headers, json: undefined };
      try {
        return { status: res.status, headers: res.headers, json: JSON.parse(text) };
      } catch {
        throw new PartnerCenterError('rejected', `${where}: ${res.status} with a body that is not JSON: ${excerpt(text)}`, res.status);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async function referralFrom(where: string, r: { headers: Headers; json: unknown }): Promise<PcReferral> {
    const referral = parse(PcReferralSchema, r.json, where);
    if (!referral.eTag) {
      const header = r.headers.get('etag');
      if (header) referral.eTag = header;
    }
    return referral;
  }

  const get = async (url: URL) => referralFrom(`GET ${url.pathname}`, await call('GET', url));

  return {
    async *list(q) {
      const filters: string[] = [];
      if (q.updatedSince) filters.push(`updatedDateTime gt ${q.updatedSince.toISOString()}`);
      if (q.status) filters.push(`status eq '${q.status.replace(/'/g, "''")}'`);
      // Written by hand: URLSearchParams would turn the spaces into '+', which OData servers need not read as spaces.
      const query = [...(filters.length ? [`$filter=${encodeURIComponent(filters.join(' and '))}`] : []), '$orderby=updatedDateTime'];
      const first = new URL(`${base.href}?${query.join('&')}`);
      let next: URL | null = first;
      const seen = new Set<string>();
      while (next) {
        if (seen.has(next.href)) throw new PartnerCenterError('rejected', 'Partner Center returned the same @odata.nextLink twice');
        seen.add(next.href);
        const where: string = `GET ${next.pathname}`;
        const r = await call('GET', next);
        const page: z.infer<typeof PcReferralPageSchema> = parse(PcReferralPageSchema, r.json, where);
        const referrals = page.value.map((item, i) => parse(PcReferralSchema, item, `${where} value[${i}]`));
        const link: string | null | undefined = page['@odata.nextLink'];
        next = link ? sameApi(link, '@odata.nextLink') : null;
        if (referrals.length) yield referrals;
      }
    },

    get: (id) => get(itemUrl(id)),

    async getByUri(uri) {
      const u = sameApi(uri, 'ResourceUri');
      if (u.search) throw new PartnerCenterError('refused', 'ResourceUri is not a referral of the Partner Center API');
      const rest = u.pathname.startsWith(`${basePath}/`) ? u.pathname.slice(basePath.length + 1) : null;
      if (!rest || rest.includes('/')) throw new PartnerCenterError('refused', 'ResourceUri is not a referral of the Partner Center API');
      return get(u);
    },

    async create(body) {
      const payload = checked(PcReferralCreateSchema, body, 'create');
      return referralFrom(`POST ${base.pathname}`, await call('POST', base, payload, { Prefer: 'return=representation' }));
    },

    async update(id, patch, eTag) {
      if (!eTag) throw new PartnerCenterError('refused', 'update needs the eTag it is based on');
      const ops = toJsonPatch(checked(PcReferralPatchSchema, patch, 'update'));
      const url = itemUrl(id);
      if (ops.length === 0) return get(url);
      const r = await call('PATCH', url, ops, { 'If-Match': eTag, Prefer: 'return=representation' });
      // Without a representation (204) the documented answer is empty: read the referral back.
      return r.json === undefined ? get(url) : referralFrom(`PATCH ${url.pathname}`, r);
    },
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : '(body)';
  throw new PartnerCenterError('rejected', `${where}: unexpected response from Partner Center at ${path}: ${issue?.message ?? 'invalid'}`);
}

/** Our own request, checked before it is sent: a bad one is `refused` and nothing goes out. */
function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw new PartnerCenterError('refused', `${what}: ${issues}`);
}

function errorFor(where: string, res: Response, text: string): PartnerCenterError {
  const status = res.status;
  const detail = `${where}: ${status}${text.trim() ? ` ${excerpt(text)}` : ''}`;
  const retryAfterMs = retryAfter(res.headers.get('retry-after'));
  if (status === 412) return new PartnerCenterError('stale', detail, status);
  if (status === 429) return new PartnerCenterError('throttled', detail, status, retryAfterMs);
  if (status === 404) return new PartnerCenterError('notFound', detail, status);
  if (status >= 500 || status === 408) return new PartnerCenterError('unavailable', detail, status, retryAfterMs);
  return new PartnerCenterError('rejected', detail, status);
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** At most BODY_EXCERPT characters of a remote body, on one line. */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}…` : flat;
}

function errorText(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return excerpt(e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err));
}
