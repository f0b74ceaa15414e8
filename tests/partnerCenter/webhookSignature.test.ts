import { sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPartnerCenterSandbox, type Sandbox } from '../../scripts/partnerCenterSandbox';
import { createTestCa, issueCertificate, type Issued } from '../../scripts/partnerCenterSandbox/x509';
import { allowedCertUrl, clearWebhookCertCache, verifyWebhook } from '../../src/services/partnerCenter/webhookSignature';

type Received = { rawBody: Buffer; headers: http.IncomingHttpHeaders };

/** A webhook receiver that keeps the raw bytes and headers of every POST, and lets a test await the next ones. */
async function startReceiver() {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ rawBody: Buffer.concat(chunks), headers: req.headers });
      // Not writeHead().end(): restify, loaded by other suites in this worker, patches writeHead to return nothing.
      res.statusCode = 200;
      res.end();
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/partner-center/events`,
    received,
    next: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (received.length >= count ? resolve() : waiters.push(check));
        check();
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('verifyWebhook against the sandbox', () => {
  let sb: Sandbox;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    sb = await startPartnerCenterSandbox({ webhookUrl: receiver.url, webhookRetryMs: 10 });
  });
  afterAll(async () => {
    await sb.close();
    await receiver.close();
  });
  beforeEach(() => clearWebhookCertCache());

  const opts = () => ({ certHosts: [sb.certHost], caPem: sb.caPem });

  it('accepts a signed referral-created event, downloading the certificate over https from the sandbox', async () => {
    const r = sb.createAsMicrosoft();
    await receiver.next(1);
    const { rawBody, headers } = receiver.received[0]!;
    expect(headers['x-ms-signature-algorithm']).toBe('rsa-sha256');
    expect(headers['x-ms-certificate-url']).toBe(sb.certUrl);
    expect(headers.authorization).toMatch(/^Signature [A-Za-z0-9+/]+=*$/);

    const result = await verifyWebhook({ rawBody, headers }, opts());
    expect(result).toEqual({
      ok: true,
      event: { EventName: 'referral-created', ResourceUri: `${sb.url}/${r.id}`, ResourceName: 'referral', AuditUri: null, ResourceChangeUtcDate: r.updatedDateTime },
    });
    await sb.webhooksIdle();
    expect(sb.webhooks[0]).toMatchObject({ delivered: true, attempts: [{ status: 200 }] });
  });

  it('refuses the same event when the system roots are trusted instead of the sandbox CA', async () => {
    const body = Buffer.from('{"EventName":"referral-updated"}');
    expect(await verifyWebhook({ rawBody: body, headers: sb.signWebhook(body) }, { certHosts: [sb.certHost], fetchCert: async () => (await fetchOnce(sb)).certDer })).toEqual({
      ok: false,
      reason: 'untrusted_cert',
    });
  });

  it('refuses an unsigned event, a missing certificate URL or algorithm, and an unknown algorithm', async () => {
    const body = Buffer.from(JSON.stringify(event()));
    const signed = sb.signWebhook(body);
    const without = (name: string) => Object.fromEntries(Object.entries(signed).filter(([k]) => k !== name));
    expect(await verifyWebhook({ rawBody: body, headers: {} }, opts())).toEqual({ ok: false, reason: 'missing_signature' });
    expect(await verifyWebhook({ rawBody: body, headers: without('Authorization') }, opts())).toEqual({ ok: false, reason: 'missing_signature' });
    expect(await verifyWebhook({ rawBody: body, headers: { ...signed, Authorization: signed.Authorization!.replace('Signature', 'Bearer') } }, opts())).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    expect(await verifyWebhook({ rawBody: body, headers: without('X-MS-Certificate-Url') }, opts())).toEqual({ ok: false, reason: 'missing_signature' });
    expect(await verifyWebhook({ rawBody: body, headers: without('X-MS-Signature-Algorithm') }, opts())).toEqual({ ok: false, reason: 'missing_signature' });
    expect(await verifyWebhook({ rawBody: body, headers: { ...signed, 'X-MS-Signature-Algorithm': 'rsa-sha1' } }, opts())).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('takes the signature from x-ms-signature when the registration asks for it there', async () => {
    const body = Buffer.from(JSON.stringify(event()));
    const { Authorization, ...rest } = sb.signWebhook(body);
    expect(await verifyWebhook({ rawBody: body, headers: { ...rest, 'x-ms-signature': Authorization } }, opts())).toMatchObject({ ok: true });
  });

  it('refuses an altered body, and a signature replayed onto another event', async () => {
    const original = Buffer.from(JSON.stringify(event({ ResourceUri: `${sb.url}/a` })));
    const headers = sb.signWebhook(original);
    const altered = Buffer.from(original.toString().replace(`${sb.url}/a`, `${sb.url}/b`));
    expect(await verifyWebhook({ rawBody: altered, headers }, opts())).toEqual({ ok: false, reason: 'bad_signature' });
    // The same JSON re-serialised (whitespace) is other bytes: the signature is over the raw body.
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(original.toString()), null, 2));
    expect(await verifyWebhook({ rawBody: reformatted, headers }, opts())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyWebhook({ rawBody: original, headers: { ...headers, Authorization: 'Signature AAAA' } }, opts())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyWebhook({ rawBody: original, headers }, opts())).toMatchObject({ ok: true });
  });

  it('refuses a certificate URL off the allowed hosts, whatever the trick', async () => {
    const body = Buffer.from(JSON.stringify(event()));
    const headers = sb.signWebhook(body);
    const [host, port] = sb.certHost.split(':');
    for (const certUrl of [
      'https://attacker.example/cert/pcnotifications-dispatch.cer',
      sb.certUrl.replace('https:', 'http:'),
      sb.certUrl.replace(sb.certHost, `${host}:${Number(port) + 1}`),
      sb.certUrl.replace(sb.certHost, `${sb.certHost}@attacker.example`),
      sb.certUrl.replace(sb.certHost, `attacker.example@${sb.certHost}`),
      `${sb.certUrl}#frag`,
      'not a url',
    ]) {
      expect([certUrl, await verifyWebhook({ rawBody: body, headers: { ...headers, 'X-MS-Certificate-Url': certUrl } }, opts())]).toEqual([
        certUrl,
        { ok: false, reason: 'bad_cert_url' },
      ]);
    }
    expect(allowedCertUrl('https://3psostorageacct.blob.core.windows.net/cert/x.cer', ['3psostorageacct.blob.core.windows.net'])).toBeTruthy();
    expect(allowedCertUrl('https://3PSOSTORAGEACCT.blob.core.windows.net:443/cert/x.cer', ['3psostorageacct.blob.core.windows.net'])).toBeTruthy();
    expect(allowedCertUrl('https://3psostorageacct.blob.core.windows.net:8443/cert/x.cer', ['3psostorageacct.blob.core.windows.net'])).toBeNull();
    expect(allowedCertUrl('https://3psostorageacct.blob.core.windows.net.attacker.example/x.cer', ['3psostorageacct.blob.core.windows.net'])).toBeNull();
  });

  it('refuses an event whose parsed body is not a Partner Center event (signed, but not one)', async () => {
    const body = Buffer.from('{"hello":"world"}');
    expect(await verifyWebhook({ rawBody: body, headers: sb.signWebhook(body) }, opts())).toEqual({ ok: false, reason: 'bad_body' });
    const notJson = Buffer.from('not json');
    expect(await verifyWebhook({ rawBody: notJson, headers: sb.signWebhook(notJson) }, opts())).toEqual({ ok: false, reason: 'bad_body' });
  });

  it('retries a webhook the receiver fails, up to the limit, then drops it', async () => {
    const failing = http.createServer((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    const own = await startPartnerCenterSandbox({ webhookUrl: `http://127.0.0.1:${(failing.address() as AddressInfo).port}/`, webhookRetryMs: 1, webhookAttempts: 3 });
    try {
      own.createAsMicrosoft();
      await own.webhooksIdle();
      expect(own.webhooks[0]).toMatchObject({ delivered: false, attempts: [{ status: 503 }, { status: 503 }, { status: 503 }] });
    } finally {
      await own.close();
      await new Promise<void>((r) => failing.close(() => r()));
    }
  });
});

async function fetchOnce(sb: Sandbox): Promise<{ certDer: Buffer }> {
  // Reads the signing certificate the way verifyWebhook would, trusting the sandbox CA for TLS.
  const https = await import('node:https');
  const certDer = await new Promise<Buffer>((resolve, reject) => {
    https
      .get(sb.certUrl, { ca: sb.caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      })
      .on('error', reject);
  });
  return { certDer };
}

function event(overrides: Record<string, unknown> = {}) {
  return {
    EventName: 'referral-updated',
    ResourceUri: 'https://api.partner.microsoft.com/v1.0/engagements/referrals/r1',
    ResourceName: 'referral',
    AuditUri: null,
    ResourceChangeUtcDate: '2025-03-02T04:05:06.7654321Z',
    ...overrides,
  };
}

describe('verifyWebhook: the certificate', () => {
  const CERT_HOST = 'certs.test';
  const CERT_URL = `https://${CERT_HOST}/cert/pc.cer`;
  let root: Issued;
  beforeAll(() => {
    root = createTestCa({ O: 'Test Root', CN: 'Test Root CA' });
  });
  beforeEach(() => clearWebhookCertCache());

  /** A request signed with `signer`, whose certificate URL serves `served` (default: the signer's DER). */
  function signedBy(signer: Issued, body = Buffer.from(JSON.stringify(event()))) {
    const headers = {
      authorization: `Signature ${sign('sha256', body, signer.key).toString('base64')}`,
      'x-ms-certificate-url': CERT_URL,
      'x-ms-signature-algorithm': 'rsa-sha256',
    };
    return { rawBody: body, headers };
  }
  const serving = (files: Record<string, Buffer | string>) => {
    const calls: string[] = [];
    return {
      calls,
      fetchCert: async (url: string) => {
        calls.push(url);
        const f = files[url];
        if (f === undefined) throw new Error('404');
        return Buffer.from(f);
      },
    };
  };
  const microsoft = (extra: Partial<Parameters<typeof issueCertificate>[0]> = {}) =>
    issueCertificate({ subject: { C: 'US', O: 'Microsoft Corporation', CN: 'pcnotifications-dispatch.microsoft.com' }, issuer: root, ...extra });

  it('accepts a certificate of Microsoft Corporation issued by a trusted root, and downloads it once', async () => {
    const leaf = microsoft();
    const server = serving({ [CERT_URL]: leaf.certDer });
    const o = { certHosts: [CERT_HOST], caPem: root.certPem, fetchCert: server.fetchCert };
    expect(await verifyWebhook(signedBy(leaf), o)).toMatchObject({ ok: true });
    expect(await verifyWebhook(signedBy(leaf), o)).toMatchObject({ ok: true });
    expect(server.calls).toEqual([CERT_URL]);
  });

  it('refuses a forged certificate: Microsoft Corporation in the name, but from an untrusted CA', async () => {
    const forgerCa = createTestCa({ O: 'Microsoft Corporation', CN: 'Microsoft Root Certificate Authority 2011' });
    const forged = issueCertificate({ subject: { C: 'US', O: 'Microsoft Corporation', CN: 'pcnotifications-dispatch.microsoft.com' }, issuer: forgerCa });
    const selfSigned = issueCertificate({ subject: { C: 'US', O: 'Microsoft Corporation', CN: 'pcnotifications-dispatch.microsoft.com' } });
    for (const cert of [forged, selfSigned]) {
      const server = serving({ [CERT_URL]: `${cert.certPem}${forgerCa.certPem}` });
      expect(await verifyWebhook(signedBy(cert), { certHosts: [CERT_HOST], caPem: root.certPem, fetchCert: server.fetchCert })).toEqual({ ok: false, reason: 'untrusted_cert' });
      clearWebhookCertCache();
    }
  });

  it('refuses a trusted certificate of another organisation', async () => {
    const contoso = issueCertificate({ subject: { C: 'US', O: 'Contoso Ltd', CN: 'pcnotifications-dispatch.microsoft.com' }, issuer: root });
    const lookalike = issueCertificate({ subject: { C: 'US', O: 'Microsoft Corporation Ltd', OU: 'Microsoft Corporation', CN: 'x' }, issuer: root });
    for (const cert of [contoso, lookalike]) {
      const server = serving({ [CERT_URL]: cert.certDer });
      expect(await verifyWebhook(signedBy(cert), { certHosts: [CERT_HOST], caPem: root.certPem, fetchCert: server.fetchCert })).toEqual({ ok: false, reason: 'wrong_organisation' });
      clearWebhookCertCache();
    }
  });

  it('refuses an expired certificate, and one not yet valid', async () => {
    const expired = microsoft({ notBefore: new Date(Date.now() - 400 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const server = serving({ [CERT_URL]: expired.certDer });
    expect(await verifyWebhook(signedBy(expired), { certHosts: [CERT_HOST], caPem: root.certPem, fetchCert: server.fetchCert })).toEqual({ ok: false, reason: 'expired_cert' });
    clearWebhookCertCache();
    const valid = microsoft();
    const o = { certHosts: [CERT_HOST], caPem: root.certPem, fetchCert: serving({ [CERT_URL]: valid.certDer }).fetchCert };
    expect(await verifyWebhook(signedBy(valid), { ...o, now: new Date(Date.now() + 5 * 365 * 86_400_000) })).toEqual({ ok: false, reason: 'expired_cert' });
    expect(await verifyWebhook(signedBy(valid), { ...o, now: new Date(Date.now() - 5 * 86_400_000) })).toEqual({ ok: false, reason: 'expired_cert' });
  });

  it('builds the chain through an intermediate from the file, or from the certificate\'s CA Issuers URL', async () => {
    const intermediate = issueCertificate({ subject: { O: 'Test Root', CN: 'Test Issuing CA 01' }, issuer: root, ca: true });
    const AIA = 'http://caissuers.test/Test%20Issuing%20CA%2001.crt';
    const leaf = issueCertificate({ subject: { C: 'US', O: 'Microsoft Corporation', CN: 'pcnotifications-dispatch.microsoft.com' }, issuer: intermediate, caIssuersUrl: AIA });
    const o = (files: Record<string, Buffer | string>) => ({ certHosts: [CERT_HOST], caPem: root.certPem, fetchCert: serving(files).fetchCert });

    expect(await verifyWebhook(signedBy(leaf), o({ [CERT_URL]: `${leaf.certPem}${intermediate.certPem}` }))).toMatchObject({ ok: true });
    clearWebhookCertCache();
    expect(await verifyWebhook(signedBy(leaf), o({ [CERT_URL]: leaf.certDer, [AIA]: intermediate.certDer }))).toMatchObject({ ok: true });
    clearWebhookCertCache();
    expect(await verifyWebhook(signedBy(leaf), o({ [CERT_URL]: leaf.certDer }))).toEqual({ ok: false, reason: 'untrusted_cert' });
    clearWebhookCertCache();
    // An "intermediate" that is not a CA cannot issue.
    const notCa = issueCertificate({ subject: { O: 'Test Root', CN: 'Not a CA' }, issuer: root });
    const underNotCa = issueCertificate({ subject: { C: 'US', O: 'Microsoft Corporation', CN: 'x' }, issuer: notCa });
    expect(await verifyWebhook(signedBy(underNotCa), o({ [CERT_URL]: `${underNotCa.certPem}${notCa.certPem}` }))).toEqual({ ok: false, reason: 'untrusted_cert' });
  });

  it('reports a certificate it cannot download (and tries again next time)', async () => {
    const leaf = microsoft();
    let up = false;
    const o = {
      certHosts: [CERT_HOST],
      caPem: root.certPem,
      fetchCert: async () => {
        if (!up) throw new Error('ECONNREFUSED');
        return leaf.certDer;
      },
    };
    expect(await verifyWebhook(signedBy(leaf), o)).toEqual({ ok: false, reason: 'cert_fetch_failed' });
    up = true;
    expect(await verifyWebhook(signedBy(leaf), o)).toMatchObject({ ok: true });
    expect(await verifyWebhook(signedBy(leaf), { ...o, fetchCert: async () => Buffer.from('garbage') })).toEqual({ ok: false, reason: 'cert_fetch_failed' });
  });

  it('accepts Microsoft\'s documented certificate host when certHosts names it', async () => {
    const leaf = microsoft();
    const headers = { ...signedBy(leaf).headers, 'x-ms-certificate-url': 'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer' };
    const fetchCert = async () => leaf.certDer;
    expect(await verifyWebhook({ rawBody: signedBy(leaf).rawBody, headers }, { certHosts: [CERT_HOST], caPem: root.certPem, fetchCert })).toEqual({ ok: false, reason: 'bad_cert_url' });
    expect(await verifyWebhook({ rawBody: signedBy(leaf).rawBody, headers }, { certHosts: ['3psostorageacct.blob.core.windows.net'], caPem: root.certPem, fetchCert })).toMatchObject({ ok: true });
  });
});
