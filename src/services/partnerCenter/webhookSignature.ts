import { X509Certificate, verify as verifySignature } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { z } from 'zod';

/**
 * Verifies a Partner Center webhook the way Microsoft documents it ("Partner Center webhooks" → "How to authenticate
 * the callback"):
 *
 * 1. the headers are there: `Authorization: Signature <base64>` (or `x-ms-signature: Signature <base64>` when the
 *    registration set SignatureTokenToMsSignatureHeader), `X-MS-Certificate-Url`, `X-MS-Signature-Algorithm:
 *    rsa-sha256`;
 * 2. the certificate is downloaded from the certificate URL — here only over https from an allowed host (exact
 *    host match; a port only when the allowed entry names it; no user info);
 * 3. its chain is verified up to a trusted root (the system's roots, `tls.rootCertificates`, or only the given `caPem`
 *    roots); intermediates come from the downloaded file or, when it holds only the leaf, from the certificate's
 *    Authority Information Access "CA Issuers" URL (what Windows does for Microsoft's .NET sample);
 * 4. the certificate's organisation (subject O) is "Microsoft Corporation", and every certificate of the chain is
 *    within its validity dates;
 * 5. the raw body bytes, as received, verify against the signature with RSA and SHA-256.
 *
 * Only then is the body parsed. Note what the protocol cannot do: it has no timestamp or nonce, so a captured event
 * sent again unchanged verifies again. That is harmless here: an event only says "this referral changed" and the
 * sync then GETs the referral itself from the API.
 */

export const PcWebhookEventSchema = z
  .object({
    /** `referral-created`, `referral-updated`, `related-referral-created`, `related-referral-updated`, `test-created`, … */
    EventName: z.string().min(1),
    ResourceUri: z.string().min(1),
    ResourceName: z.string().nullish(),
    AuditUri: z.string().nullish(),
    ResourceChangeUtcDate: z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'is not a date-time' }),
  })
  .loose();
export type PcWebhookEvent = z.infer<typeof PcWebhookEventSchema>;

export const PC_REFERRAL_EVENTS = ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'] as const;

/** Microsoft's documented certificate host (Partner Center's webhook signing certificate is published there). */
export const DEFAULT_PC_CERT_HOSTS = ['3psostorageacct.blob.core.windows.net'];

export type WebhookRefusal =
  | 'missing_signature'
  | 'bad_cert_url'
  | 'cert_fetch_failed'
  | 'untrusted_cert'
  | 'wrong_organisation'
  | 'expired_cert'
  | 'bad_signature'
  | 'bad_body';

export type WebhookVerification = { ok: true; event: PcWebhookEvent } | { ok: false; reason: WebhookRefusal };

export interface VerifyWebhookOptions {
  /** Hosts the certificate may be downloaded from, e.g. `3psostorageacct.blob.core.windows.net` or `127.0.0.1:8443`. */
  certHosts: string[];
  /** PEM of the only trusted roots (replaces the system roots; tests and sandboxes). */
  caPem?: string;
  /** Downloads a certificate (or an issuer from an AIA URL). Default: https/http GET, 5 s, 64 KiB, no redirects. */
  fetchCert?: (url: string) => Promise<Buffer>;
  now?: Date;
}

export const PARTNER_CENTER_ORGANISATION = 'Microsoft Corporation';
const MAX_CHAIN = 5;
const MAX_CERT_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
const CACHE_SIZE = 16;
const CACHE_TTL_MS = 60 * 60 * 1000;

export async function verifyWebhook(
  input: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> },
  opts: VerifyWebhookOptions,
): Promise<WebhookVerification> {
  const header = (name: string): string | undefined => {
    for (const [k, v] of Object.entries(input.headers)) {
      if (k.toLowerCase() === name) return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
    }
    return undefined;
  };
  const refuse = (reason: WebhookRefusal): WebhookVerification => ({ ok: false, reason });

  // 1. Headers.
  const signatureHeader = header('authorization') ?? header('x-ms-signature');
  const certUrl = header('x-ms-certificate-url');
  const algorithm = header('x-ms-signature-algorithm');
  const scheme = signatureHeader?.match(/^Signature\s+(\S+)$/i);
  if (!scheme || !certUrl || !algorithm) return refuse('missing_signature');
  if (algorithm.toLowerCase() !== 'rsa-sha256') return refuse('bad_signature');
  const signatureB64 = scheme[1]!;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64)) return refuse('bad_signature');

  // 2. Certificate URL and download.
  const url = allowedCertUrl(certUrl, opts.certHosts);
  if (!url) return refuse('bad_cert_url');
  const fetchCert = opts.fetchCert ?? defaultFetcher(opts.caPem);
  const cache = cacheFor(opts.fetchCert ?? defaultCacheKey(opts.caPem));
  let bundle: X509Certificate[];
  try {
    bundle = await cached(cache, url, () => fetchCert(url).then(parseCertificates));
  } catch {
    return refuse('cert_fetch_failed');
  }
  const leaf = bundle[0]!;

  // 3. Chain to a trusted root.
  const roots = trustedRoots(opts.caPem);
  const chain = await buildChain(leaf, bundle.slice(1), roots, (u) => cached(cache, u, () => fetchCert(u).then(parseCertificates)));
  if (!chain) return refuse('untrusted_cert');

  // 4. Organisation, dates.
  if (!subjectValues(leaf.subject, 'O').includes(PARTNER_CENTER_ORGANISATION)) return refuse('wrong_organisation');
  const now = (opts.now ?? new Date()).getTime();
  for (const cert of chain) {
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return refuse('expired_cert');
  }

  // 5. RSA-SHA256 over the raw bytes.
  if (leaf.publicKey.asymmetricKeyType !== 'rsa') return refuse('bad_signature');
  let valid = false;
  try {
    valid = verifySignature('sha256', input.rawBody, leaf.publicKey, Buffer.from(signatureB64, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return refuse('bad_signature');

  let json: unknown;
  try {
    json = JSON.parse(input.rawBody.toString('utf8'));
  } catch {
    return refuse('bad_body');
  }
  const event = PcWebhookEventSchema.safeParse(json);
  return event.success ? { ok: true, event: event.data } : refuse('bad_body');
}

/**
 * The certificate URL if it is https on an allowed host, else null. The host is compared exactly (case-folded) with
 * the port: `host` for the default port, `host:port` only when the allowed entry names that port. User info, a
 * fragment, or anything that is not https is refused.
 */
export function allowedCertUrl(raw: string, certHosts: readonly string[]): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.hash || raw.includes('@')) return null;
  const allowed = new Set(certHosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  return allowed.has(u.host.toLowerCase()) ? u.href : null;
}

/** DER, or PEM with one or more certificates (leaf first). */
function parseCertificates(data: Buffer): X509Certificate[] {
  const text = data.toString('latin1');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  const certs = pems ? pems.map((p) => new X509Certificate(p)) : [new X509Certificate(data)];
  if (certs.length === 0) throw new Error('no certificate');
  return certs;
}

/**
 * Walks from the leaf to a trusted root: at each step the issuer must have issued (names, key ids) and signed the
 * certificate, and an intermediate must be a CA. Returns the chain (leaf … last certificate below or at the root,
 * plus the root) or null.
 */
async function buildChain(
  leaf: X509Certificate,
  extra: X509Certificate[],
  roots: X509Certificate[],
  fetchIssuer: (url: string) => Promise<X509Certificate[]>,
): Promise<X509Certificate[] | null> {
  const chain: X509Certificate[] = [leaf];
  let current = leaf;
  const issues = (issuer: X509Certificate, cert: X509Certificate) => {
    try {
      return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
    } catch {
      return false;
    }
  };
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (roots.some((r) => r.fingerprint256 === current.fingerprint256)) return chain;
    const root = roots.find((r) => issues(r, current));
    if (root) return [...chain, root];
    let issuer = extra.find((c) => c.ca && issues(c, current));
    if (!issuer) {
      for (const aia of caIssuersOf(current)) {
        try {
          issuer = (await fetchIssuer(aia)).find((c) => c.ca && issues(c, current));
        } catch {
          issuer = undefined;
        }
        if (issuer) break;
      }
    }
    if (!issuer || chain.some((c) => c.fingerprint256 === issuer!.fingerprint256)) return null;
    chain.push(issuer);
    current = issuer;
  }
  return null;
}

/** "CA Issuers - URI:http://…" entries of Authority Information Access. */
function caIssuersOf(cert: X509Certificate): string[] {
  return (cert.infoAccess ?? '')
    .split('\n')
    .map((l) => l.match(/^CA Issuers - URI:(https?:\/\/\S+)$/)?.[1])
    .filter((u): u is string => Boolean(u));
}

/** The values of one attribute of a subject as node:crypto prints it ("C=US\nO=Microsoft Corporation\nCN=…"). */
function subjectValues(subject: string, attr: string): string[] {
  return subject
    .split('\n')
    .filter((line) => line.startsWith(`${attr}=`))
    .map((line) => line.slice(attr.length + 1).replace(/^"(.*)"$/, '$1'));
}

const rootsCache = new Map<string, X509Certificate[]>();
function trustedRoots(caPem: string | undefined): X509Certificate[] {
  const key = caPem ?? '(system)';
  let roots = rootsCache.get(key);
  if (!roots) {
    const pems = caPem ? (caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) : [...rootCertificates];
    roots = pems.flatMap((p) => {
      try {
        return [new X509Certificate(p)];
      } catch {
        return [];
      }
    });
    if (rootsCache.size > 8) rootsCache.clear();
    rootsCache.set(key, roots);
  }
  return roots;
}

// ---- certificate download, cached by URL (bounded, one hour) -------------------------------------------------------

type Cache = Map<string, { at: number; value: Promise<X509Certificate[]> }>;
const caches = new WeakMap<object, Cache>();
const defaultKeys = new Map<string, object>();

function defaultCacheKey(caPem: string | undefined): object {
  const k = caPem ?? '(system)';
  let key = defaultKeys.get(k);
  if (!key) {
    key = {};
    defaultKeys.set(k, key);
  }
  return key;
}

function cacheFor(key: object): Cache {
  let cache = caches.get(key);
  if (!cache) {
    cache = new Map();
    caches.set(key, cache);
  }
  return cache;
}

/** Forgets every downloaded certificate (e.g. after Microsoft rotates it, or between tests). */
export function clearWebhookCertCache(): void {
  for (const key of defaultKeys.values()) caches.delete(key);
  defaultKeys.clear();
}

function cached(cache: Cache, url: string, load: () => Promise<X509Certificate[]>): Promise<X509Certificate[]> {
  const hit = cache.get(url);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value;
  const value = load();
  cache.set(url, { at: Date.now(), value });
  // Failures are not kept: the next event tries again.
  value.catch(() => {
    if (cache.get(url)?.value === value) cache.delete(url);
  });
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return value;
}

/** GET with a timeout and a size limit, following no redirect. https trusts the system roots plus caPem. */
function defaultFetcher(caPem: string | undefined): (url: string) => Promise<Buffer> {
  const ca = caPem ? [...rootCertificates, caPem] : undefined;
  return (url) =>
    new Promise<Buffer>((resolve, reject) => {
      const u = new URL(url);
      const mod = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
      if (!mod) return reject(new Error('unsupported scheme'));
      const req = mod.get(u, { timeout: FETCH_TIMEOUT_MS, ...(u.protocol === 'https:' && ca ? { ca } : {}) }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`HTTP ${res.statusCode}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_CERT_BYTES) {
            req.destroy(new Error('certificate too large'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      });
      // The socket timeout catches silence; this one a server that dribbles.
      const overall = setTimeout(() => req.destroy(new Error('timeout')), FETCH_TIMEOUT_MS);
      req.on('close', () => clearTimeout(overall));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
    });
}
