import { z } from 'zod';
import { holderOfToken, sha256 } from './apiClients';

/**
 * Referral senders (R26, R28, issue 15): who may post referrals to /api/referrals and read their own sender
 * notifications. Configured in `REFERRAL_SENDERS` as a `;`-separated list of
 *
 *     name:organizationId:tokenSha256:callbackHosts
 *
 * - `name`            letters, digits, `.`, `_`, `-` (logged, and the scope of the sender's referral ids)
 * - `organizationId`  the sender's organisation (Microsoft's or the partner's id); stored with its referrals
 * - `tokenSha256`     the hex SHA-256 of the sender's bearer token (`printf %s "$TOKEN" | sha256sum`); the token
 *                     itself is never configured, stored or logged
 * - `callbackHosts`   host names the sender's callback URLs may point at, separated by `|` (`*.example.com` also
 *                     allows its subdomains); empty = the sender gets no callbacks
 *
 * `REFERRALS_API_TOKEN` (the one shared token of earlier versions) still works: it is the sender named `legacy`,
 * whose organisation is taken from the body and whose callbacks may go to any public host.
 */

export interface ReferralSender {
  name: string;
  /** null for the legacy sender: the organisation is read from each referral. */
  organizationId: string | null;
  tokenHash: Buffer;
  /** Lower-case host names; `*.x` allows subdomains of x; null = any public host (legacy). */
  callbackHosts: string[] | null;
}

/** The sender behind REFERRALS_API_TOKEN. */
export const LEGACY_SENDER = 'legacy';

const HOST = /^(\*\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function parseSender(entry: string): ReferralSender {
  const [name = '', organizationId = '', hash = '', hosts = '', ...rest] = entry.split(':').map((p) => p.trim());
  if (rest.length) throw new Error(`${name}: too many ":"-separated parts (name:organizationId:tokenSha256:callbackHosts)`);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new Error(`"${name}": a sender name is 1–64 letters, digits, ".", "_" or "-"`);
  if (name.toLowerCase() === LEGACY_SENDER) throw new Error(`${name}: the name "${LEGACY_SENDER}" is reserved for REFERRALS_API_TOKEN`);
  if (name.toLowerCase() === 'partner-center') throw new Error(`${name}: the name "partner-center" is reserved for the Partner Center sync`);
  if (!/^[^\s:;]{1,100}$/.test(organizationId)) throw new Error(`${name}: an organisation id is required (1–100 characters)`);
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw new Error(`${name}: the token must be given as its 64-hex-digit SHA-256`);
  const callbackHosts = hosts
    .split('|')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const host of callbackHosts) {
    if (!HOST.test(host)) throw new Error(`${name}: "${host}" is not a host name (IP addresses and ports are not accepted here)`);
  }
  return { name, organizationId, tokenHash: Buffer.from(hash, 'hex'), callbackHosts };
}

/** The config value: parsed at start-up, so a mistake stops the start, not a request. */
export const ReferralSendersSchema = z.string().transform((value, ctx) => {
  const senders: ReferralSender[] = [];
  for (const entry of value.split(';').map((e) => e.trim()).filter(Boolean)) {
    try {
      const sender = parseSender(entry);
      if (senders.some((s) => s.name.toLowerCase() === sender.name.toLowerCase())) throw new Error(`${sender.name}: listed twice`);
      if (senders.some((s) => s.tokenHash.equals(sender.tokenHash))) throw new Error(`${sender.name}: shares its token with another sender`);
      senders.push(sender);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }
  return senders;
});

/** Whether a callback to `hostname` is in the sender's list (null list: any host, the address checks still apply). */
export function callbackHostAllowed(sender: Pick<ReferralSender, 'callbackHosts'>, hostname: string): boolean {
  if (sender.callbackHosts === null) return true;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return sender.callbackHosts.some((allowed) =>
    allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1 : host === allowed,
  );
}

/** Every sender that may post referrals: REFERRAL_SENDERS, plus `legacy` when REFERRALS_API_TOKEN is set. */
export function referralSendersOf(config: { REFERRAL_SENDERS: readonly ReferralSender[]; REFERRALS_API_TOKEN?: string | undefined }): ReferralSender[] {
  const senders = [...config.REFERRAL_SENDERS];
  if (config.REFERRALS_API_TOKEN) {
    senders.push({ name: LEGACY_SENDER, organizationId: null, tokenHash: sha256(config.REFERRALS_API_TOKEN), callbackHosts: null });
  }
  return senders;
}

/** The sender whose token this is, or null. Compares every configured hash in constant time (no early exit). */
export function senderForToken(senders: readonly ReferralSender[], token: string): ReferralSender | null {
  return holderOfToken(senders, token);
}

/** Deal.senderKey of a referral: the scope its referral id is unique in. */
export function idempotencyScope(sender: ReferralSender, legacyKey: string): string {
  return sender.name === LEGACY_SENDER ? legacyKey : `sender:${sender.name}`;
}
