import { sendTo, type DeliveryFailure } from './callbackSender';
import { resolveTarget, systemResolve, type Resolve, type TargetRefusal } from './callbackTarget';

/**
 * Issue 17: uploading an exported file to the URL Teams gives after the person accepted the file consent card (their
 * OneDrive). The URL arrives in an invoke and is treated as outside input: https only, and never an address on this
 * machine or its networks (the same rules as sender callbacks, src/services/callbackTarget.ts), connected to at the
 * address that was checked. `allowPrivate` (FILE_UPLOAD_ALLOW_PRIVATE) lifts the address rule for tests and stand-ins.
 */

export type UploadOutcome = { ok: true } | { ok: false; code: 'EXPORT_UPLOAD_REFUSED'; reason: TargetRefusal } | { ok: false; code: 'EXPORT_UPLOAD_FAILED'; reason: DeliveryFailure };

const UPLOAD_TIMEOUT_MS = 60_000;

export async function uploadFile(uploadUrl: string, bytes: Buffer, opts: { allowPrivate: boolean; resolve?: Resolve }): Promise<UploadOutcome> {
  // Plain http only where private addresses are allowed (a local stand-in); Teams always gives https.
  if (!opts.allowPrivate && !/^https:/i.test(uploadUrl)) return { ok: false, code: 'EXPORT_UPLOAD_REFUSED', reason: 'badUrl' };
  const target = await resolveTarget(uploadUrl, { allowPrivate: opts.allowPrivate, resolve: opts.resolve ?? systemResolve });
  if (!target.ok) return { ok: false, code: 'EXPORT_UPLOAD_REFUSED', reason: target.refusal };
  // One request with the whole file: OneDrive's upload sessions take a single range up to 60 MiB.
  const failure = await sendTo(
    target,
    'PUT',
    { 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
    bytes,
    UPLOAD_TIMEOUT_MS,
  );
  return failure ? { ok: false, code: 'EXPORT_UPLOAD_FAILED', reason: failure } : { ok: true };
}
