import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Just enough X.509 to run a Partner Center stand-in: a test root CA, certificates it issues (the webhook signing
 * certificate, a TLS certificate for 127.0.0.1/localhost) — RSA 2048, SHA-256 — written with a minimal DER encoder
 * over node:crypto, so no dependency and no openssl binary is needed. For tests and the sandbox only.
 */

// ---- DER ----------------------------------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, value: Buffer) => Buffer.concat([Buffer.from([tag]), len(value.length), value]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);
const octets = (b: Buffer) => tlv(0x04, b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const nul = () => Buffer.from([0x05, 0x00]);

function int(value: Buffer | number): Buffer {
  let b = value as Buffer;
  if (typeof value === 'number') {
    const hex = value.toString(16);
    b = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  }
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && (b[i + 1]! & 0x80) === 0) i++;
  b = b.subarray(i);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** A BIT STRING of named bits (bit 0 = most significant bit of the first byte), minimal as DER wants. */
function namedBits(bits: number[]): Buffer {
  const max = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[Math.floor(b / 8)]! |= 0x80 >> b % 8;
  const unused = 7 - (max % 8);
  return tlv(0x03, Buffer.concat([Buffer.from([unused]), bytes]));
}
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));

function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

const ATTR: Record<string, string> = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3', L: '2.5.4.7', ST: '2.5.4.8' };

/** A distinguished name, e.g. `{ C: 'US', O: 'Microsoft Corporation', CN: 'x' }` (written in that order). */
export type DistinguishedName = Partial<Record<'C' | 'ST' | 'L' | 'O' | 'OU' | 'CN', string>>;

function name(dn: DistinguishedName): Buffer {
  const rdns: Buffer[] = [];
  for (const key of ['C', 'ST', 'L', 'O', 'OU', 'CN'] as const) {
    const value = dn[key];
    if (value === undefined) continue;
    // Country is a PrintableString; everything else UTF8String.
    const str = key === 'C' ? tlv(0x13, Buffer.from(value, 'ascii')) : tlv(0x0c, Buffer.from(value, 'utf8'));
    rdns.push(set(seq(oid(ATTR[key]!), str)));
  }
  return seq(...rdns);
}

const SHA256_WITH_RSA = () => seq(oid('1.2.840.113549.1.1.11'), nul());

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

// ---- certificates -----------------------------------------------------------------------------------------------

export interface Issued {
  /** PEM of the certificate. */
  certPem: string;
  /** DER of the certificate (what a `.cer` file served over HTTP usually holds). */
  certDer: Buffer;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
  key: KeyObject;
  cert: X509Certificate;
}

export interface IssueOptions {
  subject: DistinguishedName;
  /** The issuing CA; omitted = self-signed. */
  issuer?: Issued;
  /** A CA certificate (basicConstraints cA, keyCertSign). */
  ca?: boolean;
  /** DNS names and IP addresses for subjectAltName (TLS server certificates). */
  altNames?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Reuse a key instead of generating one. */
  key?: KeyObject;
  /** Authority Information Access "CA Issuers" URL (where a verifier can download the issuer). */
  caIssuersUrl?: string;
}

const DAY = 86_400_000;

export function issueCertificate(opts: IssueOptions): Issued {
  const key = opts.key ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicKey = createPublicKey(key);
  const signer = opts.issuer?.key ?? key;
  const now = Date.now();
  const notBefore = opts.notBefore ?? new Date(now - DAY);
  const notAfter = opts.notAfter ?? new Date(now + 365 * DAY);

  const extensions: Buffer[] = [
    extension('2.5.29.19', true, opts.ca ? seq(bool(true)) : seq()),
    extension('2.5.29.15', true, opts.ca ? namedBits([5, 6]) : namedBits([0, 2])),
    extension('2.5.29.14', false, octets(keyId(publicKey))),
    extension('2.5.29.35', false, seq(tlv(0x80, keyId(opts.issuer ? opts.issuer.cert.publicKey : publicKey)))),
  ];
  if (opts.caIssuersUrl) {
    extensions.push(extension('1.3.6.1.5.5.7.1.1', false, seq(seq(oid('1.3.6.1.5.5.7.48.2'), tlv(0x86, Buffer.from(opts.caIssuersUrl, 'ascii'))))));
  }
  if (opts.altNames?.length) {
    const names = opts.altNames.map((n) => {
      if (isIP(n) === 4) return tlv(0x87, Buffer.from(n.split('.').map(Number)));
      return tlv(0x82, Buffer.from(n, 'ascii'));
    });
    extensions.push(extension('2.5.29.17', false, seq(...names)));
    extensions.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
  }

  const tbs = seq(
    explicit(0, int(2)),
    int(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    SHA256_WITH_RSA(),
    opts.issuer ? readSubject(opts.issuer.certDer) : name(opts.subject),
    seq(time(notBefore), time(notAfter)),
    name(opts.subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, signer);
  const certDer = seq(tbs, SHA256_WITH_RSA(), bitString(signature));
  const cert = new X509Certificate(certDer);
  return {
    certDer,
    certPem: cert.toString(),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    key,
    cert,
  };
}

/** Reads tbsCertificate.subject out of a certificate's DER. */
function readSubject(der: Buffer): Buffer {
  const read = (buf: Buffer, at: number) => {
    let l = buf[at + 1]!;
    let hdr = 2;
    if (l & 0x80) {
      const n = l & 0x7f;
      l = 0;
      for (let i = 0; i < n; i++) l = l * 256 + buf[at + 2 + i]!;
      hdr = 2 + n;
    }
    return { tag: buf[at]!, start: at + hdr, end: at + hdr + l, whole: buf.subarray(at, at + hdr + l) };
  };
  const certificate = read(der, 0);
  const tbs = read(der, certificate.start);
  let at = tbs.start;
  const fields: Buffer[] = [];
  while (at < tbs.end) {
    const f = read(der, at);
    fields.push(f.whole);
    at = f.end;
  }
  // version [0], serial, signature, issuer, validity, subject
  const offset = fields[0]![0] === 0xa0 ? 1 : 0;
  return fields[offset + 4]!;
}

/** A test root CA. */
export function createTestCa(subject: DistinguishedName = { O: 'Partner Center sandbox (test only)', CN: 'Partner Center Sandbox Test Root CA' }): Issued {
  return issueCertificate({ subject, ca: true, notAfter: new Date(Date.now() + 10 * 365 * DAY) });
}
