import { createPrivateKey } from 'node:crypto';
import type { Configuration } from '@azure/msal-node';
import { createTestCa, issueCertificate } from '../../scripts/partnerCenterSandbox/x509';
import {
  PARTNER_CENTER_SCOPE,
  PartnerCenterAuthError,
  partnerCenterAuthProblems,
  partnerCenterTokenSource,
  type ClientCredentialApp,
} from '../../src/services/partnerCenter/auth';

function problemsOf(fn: () => unknown): { variable: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PartnerCenterAuthError);
    return [...(err as PartnerCenterAuthError).problems];
  }
  throw new Error('expected a PartnerCenterAuthError');
}

/** Records the MSAL configuration it is built with and answers with a fixed token. */
function fakeMsal() {
  const seen: { config?: Configuration; scopes: string[][] } = { scopes: [] };
  const createApp = (config: Configuration): ClientCredentialApp => {
    seen.config = config;
    return {
      acquireTokenByClientCredential: async (req) => {
        seen.scopes.push(req.scopes);
        return { accessToken: 'token-from-entra' };
      },
    };
  };
  return { seen, createApp };
}

describe('partnerCenterTokenSource', () => {
  it('uses PARTNER_CENTER_TOKEN as it is, before any app credentials', async () => {
    const { seen, createApp } = fakeMsal();
    const token = partnerCenterTokenSource({ PARTNER_CENTER_TOKEN: ' sandbox-token ', PARTNER_CENTER_CLIENT_ID: 'app' }, { createApp });
    await expect(token()).resolves.toBe('sandbox-token');
    expect(seen.config).toBeUndefined();
  });

  it('refuses to start with nothing configured, saying what to set', () => {
    expect(problemsOf(() => partnerCenterTokenSource({}))).toEqual([
      { variable: 'PARTNER_CENTER_TOKEN', message: expect.stringContaining('PARTNER_CENTER_CLIENT_ID') },
    ]);
  });

  it('lists every missing or conflicting variable at once, without echoing values', () => {
    expect(partnerCenterAuthProblems({ PARTNER_CENTER_CLIENT_ID: 'app' }).map((p) => p.variable)).toEqual([
      'PARTNER_CENTER_TENANT_ID',
      'PARTNER_CENTER_CLIENT_SECRET',
    ]);
    const both = partnerCenterAuthProblems({
      PARTNER_CENTER_CLIENT_ID: 'app',
      PARTNER_CENTER_TENANT_ID: 'tenant',
      PARTNER_CENTER_CLIENT_SECRET: 'very-secret-value',
      PARTNER_CENTER_CLIENT_CERT_FILE: '/x.pem',
      PARTNER_CENTER_AUTHORITY_HOST: 'http://login.example',
    });
    expect(both.map((p) => p.variable)).toEqual(['PARTNER_CENTER_AUTHORITY_HOST', 'PARTNER_CENTER_CLIENT_CERT_FILE']);
    expect(JSON.stringify(both)).not.toContain('very-secret-value');
    expect(partnerCenterAuthProblems({ PARTNER_CENTER_CLIENT_SECRET: 's' })).toEqual([
      { variable: 'PARTNER_CENTER_CLIENT_SECRET', message: 'is set but PARTNER_CENTER_CLIENT_ID is not' },
    ]);
  });

  it('signs in with a client secret through MSAL at the tenant authority, asking for the Partner Center scope', async () => {
    const { seen, createApp } = fakeMsal();
    const token = partnerCenterTokenSource(
      {
        PARTNER_CENTER_CLIENT_ID: 'app-id',
        PARTNER_CENTER_TENANT_ID: 'contoso.onmicrosoft.com',
        PARTNER_CENTER_CLIENT_SECRET: 'secret',
        PARTNER_CENTER_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
      },
      { createApp },
    );
    await expect(token()).resolves.toBe('token-from-entra');
    expect(seen.config?.auth).toEqual({ clientId: 'app-id', authority: 'https://login.microsoftonline.us/contoso.onmicrosoft.com', clientSecret: 'secret' });
    expect(seen.scopes).toEqual([[PARTNER_CENTER_SCOPE]]);
    expect(PARTNER_CENTER_SCOPE).toBe('https://api.partner.microsoft.com/.default');
  });

  it('signs in with a certificate file (key + certificate in one PEM), computing the SHA-256 thumbprint', async () => {
    const ca = createTestCa();
    const client = issueCertificate({ subject: { CN: 'cosell-bot' }, issuer: ca });
    // An RSA ("BEGIN RSA PRIVATE KEY") key, as openssl often writes it; MSAL needs PKCS#8.
    const pkcs1 = createPrivateKey(client.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    const { seen, createApp } = fakeMsal();
    const token = partnerCenterTokenSource(
      { PARTNER_CENTER_CLIENT_ID: 'app-id', PARTNER_CENTER_TENANT_ID: 't', PARTNER_CENTER_CLIENT_CERT_FILE: '/secrets/pc.pem' },
      { createApp, readFile: (p) => (p === '/secrets/pc.pem' ? `${pkcs1}\n${client.certPem}\n${ca.certPem}` : '') },
    );
    await expect(token()).resolves.toBe('token-from-entra');
    const cert = seen.config?.auth.clientCertificate;
    expect(cert?.thumbprintSha256).toBe(client.cert.fingerprint256.replace(/:/g, '').toLowerCase());
    expect(cert?.privateKey).toContain('-----BEGIN PRIVATE KEY-----');
    expect(cert?.x5c).toContain(client.certPem.trim());
    expect(seen.config?.auth.authority).toBe('https://login.microsoftonline.com/t');
  });

  it('refuses a certificate file that cannot be read, has no key, or whose key is not the certificate\'s', () => {
    const ca = createTestCa();
    const a = issueCertificate({ subject: { CN: 'a' }, issuer: ca });
    const b = issueCertificate({ subject: { CN: 'b' }, issuer: ca });
    const cfg = { PARTNER_CENTER_CLIENT_ID: 'app', PARTNER_CENTER_TENANT_ID: 't', PARTNER_CENTER_CLIENT_CERT_FILE: '/x.pem' };
    const withFile = (content: string | Error) => () =>
      partnerCenterTokenSource(cfg, {
        readFile: () => {
          if (content instanceof Error) throw content;
          return content;
        },
      });
    expect(problemsOf(withFile(Object.assign(new Error('nope'), { code: 'ENOENT' })))).toEqual([
      { variable: 'PARTNER_CENTER_CLIENT_CERT_FILE', message: 'cannot be read (ENOENT)' },
    ]);
    expect(problemsOf(withFile(a.certPem))[0]?.message).toMatch(/private key/);
    expect(problemsOf(withFile(`${b.keyPem}${a.certPem}`))[0]?.message).toMatch(/does not belong/);
    expect(problemsOf(withFile(a.keyPem))[0]?.message).toMatch(/no certificate/);
  });

  it('builds a real MSAL client without touching the network until a token is asked for', () => {
    expect(() =>
      partnerCenterTokenSource({ PARTNER_CENTER_CLIENT_ID: '00000000-0000-0000-0000-000000000001', PARTNER_CENTER_TENANT_ID: 't', PARTNER_CENTER_CLIENT_SECRET: 's' }),
    ).not.toThrow();
  });
});
