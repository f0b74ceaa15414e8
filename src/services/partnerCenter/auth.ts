import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as msal from '@azure/msal-node';

/**
 * Bearer tokens for the Partner Center API.
 *
 * - `PARTNER_CENTER_TOKEN`: a static bearer (sandboxes and tests). It wins over everything else.
 * - Otherwise an Entra ID app with client credentials through `@azure/msal-node`: `PARTNER_CENTER_CLIENT_ID`,
 *   `PARTNER_CENTER_TENANT_ID` and either `PARTNER_CENTER_CLIENT_SECRET` or `PARTNER_CENTER_CLIENT_CERT_FILE` (one PEM
 *   file holding the private key and the certificate; the thumbprint is computed from it). The authority is
 *   `${PARTNER_CENTER_AUTHORITY_HOST}/${tenant}` (default host https://login.microsoftonline.com; set it for sovereign
 *   clouds), the scope `https://api.partner.microsoft.com/.default`. MSAL keeps the token in its in-memory cache and
 *   asks Entra ID again only when it is about to expire.
 *
 * The keys are the environment variables' names, so a parsed configuration can be passed as it is.
 */
export const PARTNER_CENTER_AUTH_VARIABLES = [
  'PARTNER_CENTER_TOKEN',
  'PARTNER_CENTER_CLIENT_ID',
  'PARTNER_CENTER_TENANT_ID',
  'PARTNER_CENTER_CLIENT_SECRET',
  'PARTNER_CENTER_CLIENT_CERT_FILE',
  'PARTNER_CENTER_AUTHORITY_HOST',
] as const;
export type PartnerCenterAuthConfig = Partial<Record<(typeof PARTNER_CENTER_AUTH_VARIABLES)[number], string | undefined>>;

export const PARTNER_CENTER_SCOPE = 'https://api.partner.microsoft.com/.default';
/** The Partner Center REST API (webhook registration) is a resource of its own. */
export const PARTNER_CENTER_REST_SCOPE = 'https://api.partnercenter.microsoft.com/.default';
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

export interface AuthProblem {
  variable: string;
  message: string;
}

export class PartnerCenterAuthError extends Error {
  override readonly name = 'PartnerCenterAuthError';
  constructor(readonly problems: readonly AuthProblem[]) {
    super(`Partner Center sign-in is not configured correctly:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

/** The subset of MSAL's ConfidentialClientApplication the token source uses (replaceable in tests). */
export interface ClientCredentialApp {
  acquireTokenByClientCredential(request: { scopes: string[] }): Promise<{ accessToken: string } | null>;
}
export type MsalAppFactory = (configuration: msal.Configuration) => ClientCredentialApp;

const set = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v.trim() : undefined);

/** True when any way of signing in to Partner Center is configured (a static token or an app id). */
export function isPartnerCenterAuthConfigured(cfg: PartnerCenterAuthConfig): boolean {
  return Boolean(set(cfg.PARTNER_CENTER_TOKEN) || set(cfg.PARTNER_CENTER_CLIENT_ID));
}

/**
 * Every problem of the sign-in configuration, by variable, without reading any file and without echoing a value.
 * Empty when it is usable (or when nothing is configured: the sync is off then).
 */
export function partnerCenterAuthProblems(cfg: PartnerCenterAuthConfig): AuthProblem[] {
  const problems: AuthProblem[] = [];
  const host = set(cfg.PARTNER_CENTER_AUTHORITY_HOST);
  if (host) {
    let u: URL | null = null;
    try {
      u = new URL(host);
    } catch {
      /* reported below */
    }
    if (!u || u.protocol !== 'https:' || u.search || u.hash || u.username || (u.pathname !== '/' && u.pathname !== '')) {
      problems.push({ variable: 'PARTNER_CENTER_AUTHORITY_HOST', message: 'must be an https origin such as https://login.microsoftonline.com' });
    }
  }
  if (set(cfg.PARTNER_CENTER_TOKEN)) return problems;
  const clientId = set(cfg.PARTNER_CENTER_CLIENT_ID);
  const others = (['PARTNER_CENTER_TENANT_ID', 'PARTNER_CENTER_CLIENT_SECRET', 'PARTNER_CENTER_CLIENT_CERT_FILE'] as const).filter((v) => set(cfg[v]));
  if (!clientId) {
    for (const v of others) problems.push({ variable: v, message: 'is set but PARTNER_CENTER_CLIENT_ID is not' });
    return problems;
  }
  if (!set(cfg.PARTNER_CENTER_TENANT_ID)) problems.push({ variable: 'PARTNER_CENTER_TENANT_ID', message: 'is required with PARTNER_CENTER_CLIENT_ID' });
  const secret = set(cfg.PARTNER_CENTER_CLIENT_SECRET);
  const certFile = set(cfg.PARTNER_CENTER_CLIENT_CERT_FILE);
  if (secret && certFile) {
    problems.push({ variable: 'PARTNER_CENTER_CLIENT_CERT_FILE', message: 'set either PARTNER_CENTER_CLIENT_SECRET or PARTNER_CENTER_CLIENT_CERT_FILE, not both' });
  } else if (!secret && !certFile) {
    problems.push({ variable: 'PARTNER_CENTER_CLIENT_SECRET', message: 'PARTNER_CENTER_CLIENT_SECRET or PARTNER_CENTER_CLIENT_CERT_FILE is required with PARTNER_CENTER_CLIENT_ID' });
  }
  return problems;
}

/** What MSAL needs from a PEM file holding a private key and its certificate (leaf first, then any chain). */
export function readClientCertificate(pem: string): { thumbprintSha256: string; privateKey: string; x5c: string } {
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certs.length === 0) throw new Error('holds no certificate (-----BEGIN CERTIFICATE-----)');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error('holds no readable unencrypted private key');
  }
  const leaf = new X509Certificate(certs[0]!);
  if (!leaf.checkPrivateKey(key)) throw new Error('its private key does not belong to its first certificate');
  return {
    thumbprintSha256: leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
    // MSAL wants PKCS#8 ("BEGIN PRIVATE KEY"), whatever the file used.
    privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    x5c: certs.join('\n'),
  };
}

/**
 * A function that returns a bearer token for each Partner Center call. Throws PartnerCenterAuthError at once when
 * the configuration is incomplete or the certificate file unusable (start-up, not the first sync).
 */
export function partnerCenterTokenSource(
  cfg: PartnerCenterAuthConfig,
  deps: { createApp?: MsalAppFactory; readFile?: (path: string) => string; scope?: string } = {},
): () => Promise<string> {
  const problems = partnerCenterAuthProblems(cfg);
  if (!isPartnerCenterAuthConfigured(cfg)) {
    problems.push({ variable: 'PARTNER_CENTER_TOKEN', message: 'set PARTNER_CENTER_TOKEN or PARTNER_CENTER_CLIENT_ID to connect Partner Center' });
  }
  if (problems.length) throw new PartnerCenterAuthError(problems);

  const token = set(cfg.PARTNER_CENTER_TOKEN);
  if (token) return async () => token;

  const tenant = set(cfg.PARTNER_CENTER_TENANT_ID)!;
  const host = (set(cfg.PARTNER_CENTER_AUTHORITY_HOST) ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  const auth: msal.NodeAuthOptions = {
    clientId: set(cfg.PARTNER_CENTER_CLIENT_ID)!,
    authority: `${host}/${encodeURIComponent(tenant)}`,
  };
  const certFile = set(cfg.PARTNER_CENTER_CLIENT_CERT_FILE);
  if (certFile) {
    let pem: string;
    try {
      pem = (deps.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(certFile);
    } catch (err) {
      throw new PartnerCenterAuthError([{ variable: 'PARTNER_CENTER_CLIENT_CERT_FILE', message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` }]);
    }
    try {
      auth.clientCertificate = readClientCertificate(pem);
    } catch (err) {
      throw new PartnerCenterAuthError([{ variable: 'PARTNER_CENTER_CLIENT_CERT_FILE', message: (err as Error).message }]);
    }
  } else {
    auth.clientSecret = set(cfg.PARTNER_CENTER_CLIENT_SECRET)!;
  }
  const app = (deps.createApp ?? ((c) => new msal.ConfidentialClientApplication(c)))({ auth });
  return async () => {
    const result = await app.acquireTokenByClientCredential({ scopes: [deps.scope ?? PARTNER_CENTER_SCOPE] });
    if (!result?.accessToken) throw new Error('Entra ID returned no access token for Partner Center');
    return result.accessToken;
  };
}
