import { connectorStatus } from './connectorStatus';

/**
 * The one retry layer for proactive calls to the Bot Connector (cards posted and updated outside a user's turn).
 *
 * botframework-connector's HTTP pipeline (@azure/core-rest-pipeline `defaultRetryPolicy`) already retries 429/503
 * (honouring Retry-After, however long) and other 5xx and network errors, up to 3 times, and has no request timeout.
 * Stacked under a retry of our own that multiplies attempts and delays, and a hanging connector blocks forever. So
 * for proactive calls the SDK's policy is removed from the connector client (`tameConnectorClient`) and this layer
 * decides: a bounded number of attempts, exponential backoff, Retry-After honoured up to a cap, a timeout per attempt
 * and an overall budget. What still fails is thrown; the caller leaves it for a later sweep.
 *
 * A post that timed out may still have reached Teams (the Bot Connector has no idempotency key); the timeout is
 * long enough that a post answered that late is rare, and a lost card is the worse outcome.
 */

export interface ConnectorRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the first retry; doubled for each further one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for here: the call fails and a later sweep tries again. */
  maxRetryAfterMs: number;
  /** No further attempt starts once this much time has passed since the first. */
  budgetMs: number;
  /** One attempt may take this long. */
  timeoutMs: number;
}

export const DEFAULT_CONNECTOR_RETRY: ConnectorRetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  budgetMs: 45_000,
  timeoutMs: 15_000,
};

/** A connector call that failed for good here; `retryAfterMs` tells a later sweep when the service asked to wait. */
export class ConnectorGaveUp extends Error {
  constructor(
    override readonly cause: unknown,
    readonly attempts: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`Bot Connector call failed after ${attempts} attempt(s): ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ConnectorGaveUp';
  }
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'REQUEST_SEND_ERROR']);

/** 429, 5xx other than 501, timeouts and dropped connections are worth another try; 4xx are not. */
export function isTransient(err: unknown): boolean {
  const status = connectorStatus(err);
  if (status !== undefined) return status === 429 || (status >= 500 && status !== 501 && status !== 505);
  const e = err as { name?: unknown; code?: unknown } | null;
  return e?.name === 'AbortError' || TRANSIENT_CODES.has(String(e?.code ?? ''));
}

/** Retry-After (seconds or an HTTP date) of a failed call, in ms. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  const headers = (err as { response?: { headers?: { get?: (name: string) => string | undefined } } } | null)?.response?.headers;
  const value = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  if (value === undefined || value === null || String(value).trim() === '') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `call` under the policy; `onRetry` hears about each failed attempt that will be tried again. */
export async function withConnectorRetry<T>(
  call: () => Promise<T>,
  policy: ConnectorRetryPolicy,
  onRetry: (info: { attempt: number; delayMs: number; err: unknown }) => void = () => undefined,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const asked = retryAfterMs(err);
      if (!isTransient(err) || attempt >= policy.attempts) {
        if (!isTransient(err)) throw err;
        throw new ConnectorGaveUp(err, attempt, asked);
      }
      if (asked !== undefined && asked > policy.maxRetryAfterMs) throw new ConnectorGaveUp(err, attempt, asked);
      const delayMs = asked ?? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      if (Date.now() - started + delayMs > policy.budgetMs) throw new ConnectorGaveUp(err, attempt, asked);
      onRetry({ attempt, delayMs, err });
      await sleep(delayMs);
    }
  }
}

interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
  addPolicy(policy: { name: string; sendRequest(request: { timeout: number }, next: (request: { timeout: number }) => Promise<unknown>): Promise<unknown> }): void;
}

/**
 * Takes the SDK's own retry policy out of a connector client's HTTP pipeline and gives each request a timeout. Only
 * for the client of one proactive turn (a new client is made per turn), so replies in users' turns are unchanged.
 * Returns false when the client is not shaped as expected (a botbuilder upgrade): then the SDK's retries stay.
 */
export function tameConnectorClient(client: unknown, timeoutMs: number): boolean {
  const pipeline = (client as { client?: { pipeline?: Partial<PipelineLike> } } | null)?.client?.pipeline;
  if (!pipeline || typeof pipeline.removePolicy !== 'function' || typeof pipeline.addPolicy !== 'function') return false;
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.removePolicy({ name: 'cosellRequestTimeout' });
  pipeline.addPolicy({
    name: 'cosellRequestTimeout',
    sendRequest(request, next) {
      if (!request.timeout) request.timeout = timeoutMs;
      return next(request);
    },
  });
  return true;
}
