import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './callbackTarget';

/**
 * One POST of a sender notification to an address already checked (src/services/callbackTarget.ts). The socket is
 * given that address through its `lookup`, so Node does not ask DNS again; TLS still checks the certificate against
 * the URL's host name. Redirects are not followed. What the remote answered is never kept: the outcome is one of a
 * few categories, which is all `lastError` shows.
 */

export type DeliveryFailure =
  /** The host is not allowed, or is (or resolves to) a private, loopback, link-local, … address. */
  | 'refused_address'
  | 'timeout'
  /** A redirect (not followed). */
  | 'http_3xx'
  | 'http_4xx'
  | 'http_5xx'
  /** DNS, connection, TLS or protocol failure. */
  | 'network';

export const DELIVERY_FAILURES: readonly DeliveryFailure[] = ['refused_address', 'timeout', 'http_3xx', 'http_4xx', 'http_5xx', 'network'];

/** A `lookup` that answers every question with the one address already checked. */
export function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean } | number | undefined, callback: (...args: unknown[]) => void) => {
    const cb = typeof options === 'function' ? (options as (...args: unknown[]) => void) : callback;
    const all = typeof options === 'object' && options !== null && options.all === true;
    if (all) cb(null, [{ address: pinned.address, family: pinned.family }]);
    else cb(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
}

/** The most of an answer's body that is read (and thrown away) before the connection is closed. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface PostTarget {
  url: URL;
  address: ResolvedAddress;
}

/** POSTs `body` as JSON; null on a 2xx answer, else the failure's category. */
export function postJson(target: PostTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<DeliveryFailure | null> {
  return sendTo(target, 'POST', { ...headers, 'content-type': 'application/json' }, body, timeoutMs);
}

/** Sends `body` with `method` to the checked address; null on a 2xx answer, else the failure's category. */
export function sendTo(target: PostTarget, method: 'POST' | 'PUT', headers: Record<string, string>, body: string | Buffer, timeoutMs: number): Promise<DeliveryFailure | null> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: DeliveryFailure | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const client = target.url.protocol === 'https:' ? https : http;
    const req = client.request(target.url, {
      method,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      lookup: pinnedLookup(target.address),
    });
    const timer = setTimeout(() => {
      done('timeout');
      req.destroy();
    }, timeoutMs);
    req.on('error', () => done('network'));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const outcome: DeliveryFailure | null =
        status >= 200 && status < 300 ? null : status >= 500 ? 'http_5xx' : status >= 400 ? 'http_4xx' : status >= 300 ? 'http_3xx' : 'network';
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) {
          done(outcome);
          req.destroy();
        }
      });
      res.on('end', () => done(outcome));
      res.on('error', () => done(outcome));
      res.on('close', () => done(outcome));
    });
    req.end(body);
  });
}
