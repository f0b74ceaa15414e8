import type { IncomingMessage } from 'node:http';
import type { Next, Request, Response } from 'restify';

/**
 * Reads a JSON request body with a size cap, without restify's bodyParser, so that every failure gets the deals
 * API's own error shape: too large (413), not JSON (400), wrong media type (415).
 */
export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'tooLarge' }
  | { ok: false; reason: 'badJson'; detail: string }
  | { ok: false; reason: 'mediaType' };

/** Past this much, an oversized body is not even drained: the connection is cut. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

export function mediaTypeOf(req: IncomingMessage): string | null {
  const raw = req.headers['content-type'];
  return raw ? (raw.split(';')[0] ?? '').trim().toLowerCase() : null;
}

export function readJsonBody(req: IncomingMessage, opts: { maxBytes: number; mediaTypes: readonly string[] }): Promise<BodyResult> {
  const type = mediaTypeOf(req);
  // No Content-Type at all is read as JSON (curl -d sends form encoding only when told to).
  const mediaOk = type === null || opts.mediaTypes.includes(type);
  // A body of another type is never read: whatever it holds (a multipart upload, say) is left to Node to discard.
  if (!mediaOk) return Promise.resolve({ ok: false, reason: 'mediaType' });
  const declared = Number(req.headers['content-length'] ?? NaN);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > opts.maxBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.maxBytes) tooLarge = true;
      // Keep reading (and dropping) an oversized body so the client gets a clean 413 instead of a reset.
      if (size > DRAIN_LIMIT_BYTES) req.destroy();
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('error', () => resolve({ ok: false, reason: 'tooLarge' }));
    req.on('end', () => {
      if (tooLarge) return resolve({ ok: false, reason: 'tooLarge' });
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({ ok: false, reason: 'badJson', detail: 'the body is empty' });
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown });
      } catch (err) {
        resolve({ ok: false, reason: 'badJson', detail: (err as Error).message });
      }
    });
  });
}

/** The body's exact bytes (a signature is checked over them), at most `maxBytes`. */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.destroy();
        return resolve(null);
      }
      chunks.push(chunk);
    });
    req.on('error', () => resolve(null));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

type Refusal = Exclude<BodyResult, { ok: true }>;

/**
 * restify middleware: reads a JSON body with readJsonBody into `req.body`, or answers through `refuse`. It stands in
 * for restify's bodyParser, which also accepts multipart/form-data — and then writes every part to the OS temp
 * directory, whatever maxBodySize says. No route of this server reads anything but JSON.
 */
export function jsonBodyParser(opts: { maxBytes: number; mediaTypes: readonly string[]; refuse: (res: Response, refusal: Refusal) => void }) {
  // Not an async function: restify would call next() itself when its promise resolves, even after a refusal.
  return (req: Request, res: Response, next: Next): void => {
    readJsonBody(req, opts).then(
      (read) => {
        if (!read.ok) {
          opts.refuse(res, read);
          return next(false);
        }
        req.body = read.value;
        return next();
      },
      (err: unknown) => next(err as Error),
    );
  };
}
