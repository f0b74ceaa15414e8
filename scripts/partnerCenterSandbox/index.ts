import { randomBytes, randomUUID, sign } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  PC_STATUS_TRANSITIONS,
  PC_SUBSTATUSES_OF,
  PcReferralCreateSchema,
  PcReferralSchema,
  type PcReferral,
} from '../../src/services/partnerCenter/referral';
import { ODataError, parseFilter, parseOrderBy } from './odata';
import { createTestCa, issueCertificate, type Issued } from './x509';

/**
 * A local stand-in for Partner Center: the Referrals API (v1.0) and the webhook sender — a TEST DOUBLE of the
 * documented API, for tests, benchmarks and the playground. It keeps to what Microsoft documents:
 *
 * - `GET {url}` lists with `$filter` (status, substatus, updatedDateTime, createdDateTime, engagementId, direction,
 *   type, qualification; eq/ne/gt/ge/lt/le joined by `and`), `$orderby` (createdDateTime|updatedDateTime asc|desc),
 *   `$top`, 100 per page with `@odata.nextLink` (`$skiptoken`);
 * - `GET {url}/{id}`; `POST {url}` creates (201, with id and eTag); `PATCH {url}/{id}` takes a JSON Patch document
 *   (`replace` and `add` only), honours `If-Match` (412 when stale), enforces the documented status/substatus
 *   transitions, bumps the eTag, and answers 204 — or 200 with the referral under `Prefer: return=representation`;
 * - every request needs `Authorization: Bearer <token>` (401 otherwise);
 * - webhooks (`referral-created`, `referral-updated`) are POSTed to the webhook URL with Microsoft's body and headers,
 *   signed RSA-SHA256 with a certificate (O=Microsoft Corporation) issued by a test root CA generated at start; the
 *   certificate is served over https by the sandbox itself (a TLS certificate for 127.0.0.1/localhost from the same
 *   CA), so `verifyWebhook` runs unchanged with `certHosts: [certHost]` and `caPem`. A delivery is tried up to 10
 *   times, then dropped, as Partner Center does.
 *
 * Acting "as Microsoft": `createAsMicrosoft`, `updateAsMicrosoft`, `failNext`, `hang` in code, or the admin API
 * (`POST /sandbox/referrals`, `PATCH /sandbox/referrals/{id}`, `POST /sandbox/fail`, `POST /sandbox/hang`,
 * `PUT /sandbox/webhook`, `GET /sandbox/requests`) with curl. The admin API has no authentication: the sandbox
 * binds to 127.0.0.1 unless told otherwise.
 */

export interface SandboxOptions {
  /** Port of the API (0 or absent = a free port). The certificate host gets its own free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Where webhooks go; unset = none are sent. */
  webhookUrl?: string;
  /** The bearer the API accepts; default a random one. */
  token?: string;
  /** Referrals per page; Partner Center serves 100. */
  pageSize?: number;
  /** Base wait between webhook attempts (grows linearly); default 1000 ms. */
  webhookRetryMs?: number;
  /** Partner Center makes 10 attempts, then drops the event. */
  webhookAttempts?: number;
  /** The business-profile location id a referral created "as Microsoft" targets by default. */
  locationId?: string;
  /**
   * Generate a new CA and keys for this sandbox. By default one set is generated per process and shared by every
   * sandbox it starts (RSA key generation is the slow part of starting one).
   */
  freshKeys?: boolean;
  /** A line per API request answered and per webhook attempt (the standalone sandbox prints them). */
  log?: (line: string) => void;
}

interface Pki {
  ca: Issued;
  signer: Issued;
  tlsCert: Issued;
}
let sharedPki: Pki | undefined;

/** A root CA, the webhook signing certificate (O=Microsoft Corporation), the TLS certificate of the certificate host. */
function generatePki(): Pki {
  const ca = createTestCa();
  const signer = issueCertificate({
    subject: { C: 'US', ST: 'WA', L: 'Redmond', O: 'Microsoft Corporation', CN: 'pcnotifications-dispatch.sandbox.test' },
    issuer: ca,
  });
  const tlsCert = issueCertificate({ subject: { CN: '127.0.0.1' }, issuer: ca, altNames: ['127.0.0.1', 'localhost'] });
  return { ca, signer, tlsCert };
}

export interface SandboxRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The status the sandbox answered with (undefined while the request is held by `hang`). */
  status?: number;
}

export interface WebhookDelivery {
  event: PcWebhookBody;
  attempts: { status?: number; error?: string }[];
  delivered: boolean;
}

export interface PcWebhookBody {
  EventName: string;
  ResourceUri: string;
  ResourceName: string;
  AuditUri: string | null;
  ResourceChangeUtcDate: string;
}

type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null } : T;
export type ReferralChanges = DeepPartial<PcReferral> & Record<string, unknown>;

export interface Sandbox {
  /** Base of the Referrals API: `${origin}/v1.0/engagements/referrals`. */
  url: string;
  origin: string;
  /** The bearer token the API accepts. */
  token: string;
  /** Partner Center's webhook registration endpoint, on the sandbox (PARTNER_CENTER_WEBHOOK_REGISTRATION_URL). */
  webhookRegistrationUrl: string;
  /** PEM of the generated test root CA (trust it for the webhook chain: PARTNER_CENTER_WEBHOOK_CA_FILE). */
  caPem: string;
  /** `127.0.0.1:<port>` — the host the certificate URL uses (PARTNER_CENTER_CERT_HOSTS). */
  certHost: string;
  /** The X-MS-Certificate-Url the webhooks carry. */
  certUrl: string;
  /** The referrals, by id (live objects). */
  referrals: Map<string, PcReferral>;
  /** Every API request received, in order (admin and certificate requests are not logged). */
  requests: SandboxRequest[];
  /** Every webhook sent, with its attempts. */
  webhooks: WebhookDelivery[];
  /** A new incoming referral (New/Pending), as a Microsoft seller would send it; fires `referral-created`. */
  createAsMicrosoft(partial?: ReferralChanges): PcReferral;
  /** Changes a referral the way Partner Center's side would (deep merge; arrays replaced); bumps eTag and updatedDateTime; fires `referral-updated`. */
  updateAsMicrosoft(id: string, changes: ReferralChanges): PcReferral;
  /** The next n API requests fail with this status (and Retry-After, when given). */
  failNext(n: number, status: 429 | 500, retryAfterSec?: number): void;
  /** API requests arriving in the next `ms` are held until that time has passed (then answered normally). */
  hang(ms: number): void;
  /** Ends a hang now: requests from here on are answered at once. */
  resume(): void;
  setWebhookUrl(url: string | undefined): void;
  /** The headers Partner Center would send with this body (signature, certificate URL, algorithm). */
  signWebhook(body: Buffer): Record<string, string>;
  /** Resolves when every webhook delivery started so far has finished (delivered or dropped). */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

export const REFERRALS_PATH = '/v1.0/engagements/referrals';
/** Partner Center's webhook registration (`/webhooks/v1/registration`), on the sandbox's own origin. */
export const WEBHOOK_REGISTRATION_PATH = '/webhooks/v1/registration';
const CERT_PATH = '/cert/pcnotifications-dispatch.cer';
const MAX_BODY = 1024 * 1024;
const DAY = 86_400_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startPartnerCenterSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? `sandbox-${randomBytes(16).toString('hex')}`;
  const pageSize = opts.pageSize ?? 100;
  const retryMs = opts.webhookRetryMs ?? 1000;
  const maxAttempts = opts.webhookAttempts ?? 10;
  const locationId = opts.locationId ?? 'sandbox-location-1';
  let webhookUrl = opts.webhookUrl;

  const { ca, signer, tlsCert } = opts.freshKeys ? generatePki() : (sharedPki ??= generatePki());

  const referrals = new Map<string, PcReferral>();
  const requests: SandboxRequest[] = [];
  const webhooks: WebhookDelivery[] = [];
  const failures: { status: 429 | 500; retryAfterSec?: number }[] = [];
  let hangUntil = 0;
  let closed = false;
  /** Pending waits (hang, webhook retry backoff); close() ends them all at once. */
  const waits = new Map<NodeJS.Timeout, () => void>();
  const aborts = new Set<AbortController>();
  let deliveryChain: Promise<void> = Promise.resolve();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        waits.delete(t);
        resolve();
      }, ms);
      waits.set(t, resolve);
    });

  // Partner Center's timestamps have 7 fractional digits; each change gets a later one than the last.
  let lastStamp = 0;
  const stamp = () => {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return new Date(lastStamp).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
  };
  const newETag = () => `"${randomUUID()}"`;
  const bareETag = (e: string) => e.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');

  // ---- servers --------------------------------------------------------------------------------------------------

  const api = http.createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { code: 'InternalError', message: String((err as Error).message ?? err) }));
  });
  const certServer = https.createServer({ key: tlsCert.keyPem, cert: tlsCert.certPem }, (req, res) => {
    if (req.method === 'GET' && req.url === CERT_PATH) {
      res.writeHead(200, { 'Content-Type': 'application/pkix-cert', 'Content-Length': signer.certDer.length });
      res.end(signer.certDer);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await listen(api, opts.port ?? 0, host);
  await listen(certServer, 0, host);
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${hostForUrl}:${(api.address() as AddressInfo).port}`;
  const url = `${origin}${REFERRALS_PATH}`;
  const certHost = `${hostForUrl}:${(certServer.address() as AddressInfo).port}`;
  const certUrl = `https://${certHost}${CERT_PATH}`;

  function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
    if (res.headersSent || res.destroyed) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }), 'Request-ID': randomUUID(), ...headers });
    res.end(text);
  }

  async function readBody(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new HttpError(413, 'PayloadTooLarge', 'body too large');
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text.trim()) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, 'BadRequest', 'the body is not JSON');
    }
  }

  let webhookEvents: string[] = [];
  /** GET shows the registration (404 without one); POST creates it, PUT replaces it: {WebhookUrl, WebhookEvents}. */
  async function registration(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { code: 'Unauthorized', message: 'The bearer token is missing or invalid.' });
    if (req.method === 'GET') {
      return webhookUrl ? send(res, 200, { WebhookUrl: webhookUrl, WebhookEvents: webhookEvents }) : send(res, 404, { code: 'NotFound', message: 'no registration' });
    }
    if (req.method !== 'POST' && req.method !== 'PUT') return send(res, 405, { code: 'MethodNotAllowed', message: `${req.method} is not supported here` });
    const body = (await readBody(req).catch(() => null)) as { WebhookUrl?: unknown; WebhookEvents?: unknown } | null;
    if (!body || typeof body.WebhookUrl !== 'string' || !Array.isArray(body.WebhookEvents)) return send(res, 400, { code: 'BadRequest', message: 'WebhookUrl and WebhookEvents are required' });
    if (req.method === 'POST' && webhookUrl) return send(res, 409, { code: 'Conflict', message: 'a registration exists; use PUT' });
    webhookUrl = body.WebhookUrl;
    webhookEvents = body.WebhookEvents.map(String);
    opts.log?.(`webhook registration -> ${webhookUrl}`);
    return send(res, 200, { WebhookUrl: webhookUrl, WebhookEvents: webhookEvents });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const u = new URL(req.url ?? '/', origin);
    if (u.pathname.startsWith('/sandbox/')) return admin(req, res, u);
    if (u.pathname === WEBHOOK_REGISTRATION_PATH) return registration(req, res);
    if (u.pathname !== REFERRALS_PATH && !u.pathname.startsWith(`${REFERRALS_PATH}/`)) return send(res, 404, { code: 'NotFound', message: 'no such resource' });

    let body: unknown;
    const entry: SandboxRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: undefined };
    requests.push(entry);
    const answer = (status: number, payload?: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      send(res, status, payload, headers);
      opts.log?.(`${entry.method} ${decodeURIComponent(entry.path)} -> ${status}`);
    };
    try {
      body = await readBody(req);
      entry.body = body;
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(400, 'BadRequest', 'unreadable body');
      return answer(e.status, { code: e.code, message: e.message });
    }

    if (Date.now() < hangUntil) await sleep(hangUntil - Date.now());
    if (closed) return;
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfterSec !== undefined ? { 'Retry-After': String(failure.retryAfterSec) } : {};
      return answer(failure.status, failure.status === 429 ? { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again later.' } : { code: 'InternalServerError', message: 'The service could not complete the request.' }, headers);
    }
    if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { code: 'Unauthorized', message: 'The bearer token is missing or invalid.' }, { 'WWW-Authenticate': 'Bearer' });

    try {
      const rest = u.pathname.slice(REFERRALS_PATH.length).replace(/^\//, '');
      if (!rest) {
        if (req.method === 'GET') return answer(200, list(u));
        if (req.method === 'POST') {
          const created = createFromApi(body);
          return answer(201, created, { ETag: created.eTag!, Location: `${url}/${encodeURIComponent(created.id)}` });
        }
        throw new HttpError(405, 'MethodNotAllowed', `${req.method} is not supported here`);
      }
      if (rest.includes('/')) throw new HttpError(404, 'NotFound', 'no such resource');
      const id = decodeURIComponent(rest);
      const current = referrals.get(id);
      if (!current) throw new HttpError(404, 'NotFound', `referral ${id} not found`);
      if (req.method === 'GET') return answer(200, current, { ETag: current.eTag! });
      if (req.method === 'PATCH') {
        const ifMatch = req.headers['if-match'];
        if (typeof ifMatch === 'string' && ifMatch.trim() !== '*' && bareETag(ifMatch) !== bareETag(current.eTag ?? '')) {
          throw new HttpError(412, 'PreconditionFailed', 'The referral was changed since the given eTag.');
        }
        const updated = patchFromApi(current, body);
        const wantsBody = /return=representation/i.test(String(req.headers.prefer ?? ''));
        return wantsBody ? answer(200, updated, { ETag: updated.eTag! }) : answer(204, undefined, { ETag: updated.eTag! });
      }
      throw new HttpError(405, 'MethodNotAllowed', `${req.method} is not supported here`);
    } catch (err) {
      if (err instanceof HttpError) return answer(err.status, { code: err.code, message: err.message });
      if (err instanceof ODataError) return answer(400, { code: 'BadRequest', message: err.message });
      throw err;
    }
  }

  // ---- list -----------------------------------------------------------------------------------------------------

  function list(u: URL) {
    const predicate = parseFilter(u.searchParams.get('$filter'));
    const order = parseOrderBy(u.searchParams.get('$orderby'));
    const topParam = u.searchParams.get('$top');
    if (topParam !== null && !/^\d+$/.test(topParam)) throw new ODataError('$top must be a whole number');
    const top = topParam === null ? Infinity : Number(topParam);
    const keyOf = (r: PcReferral): [number, string] => [Date.parse(r[order.field]), r.id];
    const cmp = (a: [number, string], b: [number, string]) => {
      const c = a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
      return order.desc ? -c : c;
    };
    let items = [...referrals.values()].filter((r) => predicate(r as Record<string, unknown>)).sort((a, b) => cmp(keyOf(a), keyOf(b)));
    // Keyset paging: the token is the sort key of the last referral sent, so a referral that changes while a
    // client pages moves behind the cursor and is seen again instead of shifting another one out of view.
    const skip = u.searchParams.get('$skiptoken');
    if (skip) {
      let after: [number, string];
      try {
        after = JSON.parse(Buffer.from(skip, 'base64url').toString('utf8')) as [number, string];
      } catch {
        throw new ODataError('invalid $skiptoken');
      }
      items = items.filter((r) => cmp(keyOf(r), after) > 0);
    }
    const take = Math.min(pageSize, top);
    const page = items.slice(0, take);
    const remaining = top - page.length;
    const more = items.length > page.length && remaining > 0;
    const out: Record<string, unknown> = { '@odata.context': `${origin}/v1.0/$metadata#Referrals`, value: page };
    if (more) {
      const next = new URL(u.href);
      next.searchParams.set('$skiptoken', Buffer.from(JSON.stringify(keyOf(page[page.length - 1]!))).toString('base64url'));
      if (top !== Infinity) next.searchParams.set('$top', String(remaining));
      out['@odata.nextLink'] = next.href;
    }
    return out;
  }

  // ---- create / patch -------------------------------------------------------------------------------------------

  function store(r: unknown, event: 'referral-created' | 'referral-updated'): PcReferral {
    const parsed = PcReferralSchema.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, 'BadRequest', `${issue?.path.join('.') || '(body)'}: ${issue?.message}`);
    }
    referrals.set(parsed.data.id, parsed.data);
    notify(event, parsed.data);
    return structuredClone(parsed.data);
  }

  function createFromApi(body: unknown): PcReferral {
    const input = PcReferralCreateSchema.safeParse(body);
    if (!input.success) {
      const issue = input.error.issues[0];
      throw new HttpError(400, 'BadRequest', `${issue?.path.join('.') || '(body)'}: ${issue?.message}`);
    }
    const status = input.data.status ?? 'Active';
    const substatus = input.data.substatus ?? (status === 'Active' ? 'Accepted' : status === 'New' ? 'Pending' : undefined);
    if (status === 'None' || !substatus || !PC_SUBSTATUSES_OF[status].includes(substatus)) {
      throw new HttpError(400, 'BadRequest', `substatus ${substatus ?? '(none)'} is not allowed with status ${status}`);
    }
    const at = stamp();
    return store(
      {
        type: 'Independent',
        qualification: 'None',
        team: [],
        registrations: [],
        ...input.data,
        id: randomUUID(),
        engagementId: randomUUID(),
        status,
        substatus,
        direction: 'Outgoing',
        createdDateTime: at,
        updatedDateTime: at,
        acceptedDateTime: status === 'Active' ? at : null,
        expirationDateTime: null,
        eTag: newETag(),
      },
      'referral-created',
    );
  }

  const READ_ONLY = new Set(['id', 'engagementId', 'eTag', 'createdDateTime', 'updatedDateTime', 'acceptedDateTime', 'closedDateTime', 'direction', 'expirationDateTime']);

  function patchFromApi(current: PcReferral, body: unknown): PcReferral {
    if (!Array.isArray(body) || body.length === 0) throw new HttpError(400, 'BadRequest', 'the body must be a JSON Patch document (a non-empty array of operations)');
    const next = structuredClone(current) as Record<string, unknown>;
    for (const [i, op] of body.entries()) {
      const o = op as { op?: unknown; path?: unknown; value?: unknown };
      if (o.op !== 'replace' && o.op !== 'add') throw new HttpError(400, 'BadRequest', `operation ${i}: only 'replace' and 'add' are supported`);
      if (typeof o.path !== 'string' || !o.path.startsWith('/')) throw new HttpError(400, 'BadRequest', `operation ${i}: path must be a JSON Pointer`);
      if (!('value' in o)) throw new HttpError(400, 'BadRequest', `operation ${i}: value is required`);
      const tokens = o.path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (READ_ONLY.has(tokens[0]!)) throw new HttpError(400, 'BadRequest', `operation ${i}: ${o.path} cannot be changed`);
      applyOp(next, tokens, o.op, o.value, i);
    }
    const from = current.status === 'None' ? 'New' : current.status;
    const status = next.status as PcReferral['status'];
    const substatus = next.substatus as PcReferral['substatus'];
    if (status === 'None' || !PC_STATUS_TRANSITIONS[from].includes(status)) throw new HttpError(400, 'BadRequest', `status cannot change from ${current.status} to ${String(status)}`);
    if (!PC_SUBSTATUSES_OF[status].includes(substatus)) throw new HttpError(400, 'BadRequest', `substatus ${String(substatus)} is not allowed with status ${status}`);
    const at = stamp();
    next.updatedDateTime = at;
    next.eTag = newETag();
    if (status === 'Active' && current.status !== 'Active') next.acceptedDateTime = at;
    if (status === 'Closed' && current.status !== 'Closed') next.closedDateTime = at;
    return store(next, 'referral-updated');
  }

  function applyOp(doc: Record<string, unknown>, tokens: string[], op: 'replace' | 'add', value: unknown, i: number) {
    let parent: unknown = doc;
    for (const t of tokens.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(t)] : (parent as Record<string, unknown> | null)?.[t];
      if (parent === null || typeof parent !== 'object') throw new HttpError(400, 'BadRequest', `operation ${i}: the parent of the path does not exist`);
    }
    const last = tokens[tokens.length - 1]!;
    if (Array.isArray(parent)) {
      if (last === '-' && op === 'add') return void parent.push(value);
      if (!/^\d+$/.test(last)) throw new HttpError(400, 'BadRequest', `operation ${i}: '${last}' is not an array index`);
      const idx = Number(last);
      if (op === 'add' && idx <= parent.length) return void parent.splice(idx, 0, value);
      if (op === 'replace' && idx < parent.length) return void (parent[idx] = value);
      throw new HttpError(400, 'BadRequest', `operation ${i}: index ${idx} is out of range`);
    }
    (parent as Record<string, unknown>)[last] = value;
  }

  // ---- acting as Microsoft --------------------------------------------------------------------------------------

  function createAsMicrosoft(partial: ReferralChanges = {}): PcReferral {
    const at = stamp();
    const now = Date.parse(at);
    const base: Record<string, unknown> = {
      id: randomUUID(),
      engagementId: randomUUID(),
      name: 'Fabrikam - Azure migration',
      status: 'New',
      substatus: 'Pending',
      statusReason: null,
      type: 'Shared',
      qualification: 'SalesQualified',
      direction: 'Incoming',
      target: [{ type: 'BusinessProfileLocation', id: locationId }],
      customerProfile: {
        name: 'Fabrikam, Inc.',
        address: { addressLine1: '1 Fabrikam Way', addressLine2: null, city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US', region: null },
        size: '251to1000employees',
        team: [{ firstName: 'Pat', lastName: 'Customer', email: 'pat@fabrikam.example', phoneNumber: '+1 425 555 0100' }],
        ids: [],
      },
      consent: { consentToToShareInfoWithOthers: true, consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
      details: {
        notes: 'The customer wants to move two data centres to Azure this year.',
        dealValue: 50000,
        currency: 'USD',
        closingDateTime: new Date(now + 90 * DAY).toISOString().slice(0, 10) + 'T00:00:00Z',
        requirements: { industries: [], products: [], services: [], solutions: [{ id: 'SOL-SANDBOX-1', name: 'Azure Migration', type: 'Name' }] },
      },
      team: [],
      inviteContext: { notes: 'Please contact the customer this week.', invitedBy: { name: 'Microsoft seller', email: 'seller@microsoft.example', organizationName: 'Microsoft' } },
      externalReferenceId: null,
      createdDateTime: at,
      updatedDateTime: at,
      expirationDateTime: new Date(now + 14 * DAY).toISOString(),
      eTag: newETag(),
      registrations: [],
    };
    return adminStore(deepMerge(base, partial as Record<string, unknown>), 'referral-created');
  }

  function updateAsMicrosoft(id: string, changes: ReferralChanges): PcReferral {
    const current = referrals.get(id);
    if (!current) throw new Error(`no referral ${id} in the sandbox`);
    const next = deepMerge(structuredClone(current) as Record<string, unknown>, changes as Record<string, unknown>);
    next.id = current.id;
    next.updatedDateTime = stamp();
    next.eTag = newETag();
    return adminStore(next, 'referral-updated');
  }

  function adminStore(r: Record<string, unknown>, event: 'referral-created' | 'referral-updated'): PcReferral {
    try {
      return store(r, event);
    } catch (err) {
      if (err instanceof HttpError) throw new Error(`not a valid referral: ${err.message}`);
      throw err;
    }
  }

  // ---- webhooks -------------------------------------------------------------------------------------------------

  function signWebhook(body: Buffer): Record<string, string> {
    return {
      Authorization: `Signature ${sign('sha256', body, signer.key).toString('base64')}`,
      'X-MS-Certificate-Url': certUrl,
      'X-MS-Signature-Algorithm': 'rsa-sha256',
    };
  }

  function notify(eventName: 'referral-created' | 'referral-updated', r: PcReferral) {
    if (!webhookUrl || closed) return;
    const target = webhookUrl;
    const event: PcWebhookBody = {
      EventName: eventName,
      ResourceUri: `${url}/${encodeURIComponent(r.id)}`,
      ResourceName: 'referral',
      AuditUri: null,
      ResourceChangeUtcDate: r.updatedDateTime,
    };
    const delivery: WebhookDelivery = { event, attempts: [], delivered: false };
    webhooks.push(delivery);
    // One delivery at a time, in the order of the changes.
    deliveryChain = deliveryChain.then(() => deliver(target, delivery));
  }

  async function deliver(target: string, delivery: WebhookDelivery) {
    const body = Buffer.from(JSON.stringify(delivery.event), 'utf8');
    for (let attempt = 1; attempt <= maxAttempts && !closed; attempt++) {
      const ac = new AbortController();
      aborts.add(ac);
      const timer = setTimeout(() => ac.abort(), 10_000);
      try {
        const res = await fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json', ...signWebhook(body) }, body, signal: ac.signal });
        await res.arrayBuffer().catch(() => undefined);
        delivery.attempts.push({ status: res.status });
        opts.log?.(`webhook ${delivery.event.EventName} ${delivery.event.ResourceUri} -> ${res.status} (attempt ${attempt})`);
        if (res.ok) {
          delivery.delivered = true;
          return;
        }
      } catch (err) {
        delivery.attempts.push({ error: String((err as Error).message ?? err) });
        opts.log?.(`webhook ${delivery.event.EventName} ${delivery.event.ResourceUri} -> ${String((err as Error).message ?? err)} (attempt ${attempt})`);
      } finally {
        clearTimeout(timer);
        aborts.delete(ac);
      }
      if (attempt < maxAttempts && !closed) await sleep(retryMs * attempt);
    }
  }

  // ---- admin API ------------------------------------------------------------------------------------------------

  async function admin(req: http.IncomingMessage, res: http.ServerResponse, u: URL) {
    try {
      const body = (await readBody(req)) as Record<string, unknown> | undefined;
      const m = /^\/sandbox\/referrals(?:\/([^/]+))?$/.exec(u.pathname);
      if (m && req.method === 'POST' && !m[1]) return send(res, 201, createAsMicrosoft(body ?? {}));
      if (m && req.method === 'PATCH' && m[1]) {
        const id = decodeURIComponent(m[1]);
        if (!referrals.has(id)) return send(res, 404, { code: 'NotFound', message: `referral ${id} not found` });
        return send(res, 200, updateAsMicrosoft(id, body ?? {}));
      }
      if (m && req.method === 'GET') return send(res, 200, m[1] ? referrals.get(decodeURIComponent(m[1])) ?? null : [...referrals.values()]);
      if (u.pathname === '/sandbox/fail' && req.method === 'POST') {
        const status = Number(body?.status ?? 500);
        if (status !== 429 && status !== 500) return send(res, 400, { code: 'BadRequest', message: 'status must be 429 or 500' });
        failNext(Number(body?.count ?? 1), status, body?.retryAfterSec === undefined ? undefined : Number(body.retryAfterSec));
        return send(res, 204);
      }
      if (u.pathname === '/sandbox/hang' && req.method === 'POST') {
        hang(Number(body?.ms ?? 0));
        return send(res, 204);
      }
      if (u.pathname === '/sandbox/webhook' && req.method === 'PUT') {
        setWebhookUrl(typeof body?.url === 'string' && body.url ? body.url : undefined);
        return send(res, 204);
      }
      if (u.pathname === '/sandbox/requests' && req.method === 'GET') return send(res, 200, requests.map(({ method, path, status, body: b }) => ({ method, path, status, body: b })));
      if (u.pathname === '/sandbox/webhooks' && req.method === 'GET') return send(res, 200, webhooks);
      return send(res, 404, { code: 'NotFound', message: 'no such admin route' });
    } catch (err) {
      return send(res, 400, { code: 'BadRequest', message: String((err as Error).message ?? err) });
    }
  }

  function failNext(n: number, status: 429 | 500, retryAfterSec?: number) {
    for (let i = 0; i < n; i++) failures.push({ status, retryAfterSec });
  }

  function hang(ms: number) {
    hangUntil = Math.max(hangUntil, Date.now() + ms);
  }

  function resume() {
    hangUntil = 0;
  }

  function setWebhookUrl(next: string | undefined) {
    webhookUrl = next;
  }

  return {
    url,
    origin,
    token,
    webhookRegistrationUrl: `${origin}${WEBHOOK_REGISTRATION_PATH}`,
    caPem: ca.certPem,
    certHost,
    certUrl,
    referrals,
    requests,
    webhooks,
    createAsMicrosoft,
    updateAsMicrosoft,
    failNext,
    hang,
    resume,
    setWebhookUrl,
    signWebhook,
    webhooksIdle: async () => {
      // Deliveries queued while waiting are waited for too.
      let seen: Promise<void> | undefined;
      while (seen !== deliveryChain) {
        seen = deliveryChain;
        await seen;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const [t, resolve] of waits) {
        clearTimeout(t);
        resolve();
      }
      waits.clear();
      for (const ac of aborts) ac.abort();
      await Promise.all([stop(api), stop(certServer)]);
    },
  };
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stop(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; arrays, primitives and null replace; undefined leaves a value alone. */
function deepMerge(target: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    target[k] = isPlainObject(v) && isPlainObject(target[k]) ? deepMerge({ ...(target[k] as Record<string, unknown>) }, v) : structuredClone(v);
  }
  return target;
}
