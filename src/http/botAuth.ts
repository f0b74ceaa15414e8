import type { Activity, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { quietSdkConsole, type Logger } from '../log';

/** The part of the adapter's Bot Framework authentication this module uses (the same instance, the same config). */
export type BotAuthentication = Pick<ConfigurationBotFrameworkAuthentication, 'authenticateRequest'>;

export type BotAuthVerdict = { ok: true } | { ok: false; status: 401 | 503; reason: string };

/** What jsonwebtoken throws for a token that is malformed, badly signed, expired or not yet valid. */
const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * Checks `Authorization` against the Bot Framework with the adapter's own authentication.
 *
 * Before the body is read there is no activity yet, so the check runs with an empty channel id and service URL:
 * the SDK then verifies signature, issuer, audience (our app id) and lifetime, and skips only the two comparisons
 * that need the activity (the key's channel endorsement and the serviceUrl claim). CloudAdapter.process repeats the
 * complete check with the activity once the body is in.
 *
 * Anything the token itself is to blame for is 401, whatever the SDK threw (it throws AuthenticationError, plain
 * jsonwebtoken errors and occasionally TypeErrors). When the signing keys cannot be fetched (Microsoft's OpenID
 * metadata endpoint down or unreachable) nobody can be authenticated: 503, so a real Bot Connector retries.
 */
export async function checkBotToken(
  auth: BotAuthentication,
  authorization: string | undefined,
  logger: Logger,
  activity: Partial<Activity> = { channelId: '', serviceUrl: '' },
): Promise<BotAuthVerdict> {
  const header = authorization?.trim() ?? '';
  if (!/^Bearer [\x21-\x7e]{1,8192}$/.test(header)) return { ok: false, status: 401, reason: 'missing or malformed Authorization header' };
  try {
    await quietSdkConsole(logger, () => auth.authenticateRequest(activity as Activity, header));
    return { ok: true };
  } catch (err) {
    const e = err as { name?: string; statusCode?: unknown; message?: string };
    const keysUnavailable =
      (typeof e.statusCode === 'number' && e.statusCode >= 500) || e.name === 'FetchError' || /openID config|Failed to load Keys/i.test(e.message ?? '');
    return keysUnavailable
      ? { ok: false, status: 503, reason: e.message ?? 'signing keys unavailable' }
      : { ok: false, status: 401, reason: JWT_ERRORS.has(e.name ?? '') || typeof e.statusCode === 'number' ? (e.message ?? 'rejected') : 'malformed token' };
  }
}
