/**
 * Which character encoding a customer file is in (issue 15 item 8). Excel in Japan saves CSV as Shift_JIS (CP932),
 * elsewhere as UTF-8 with a BOM; other tools write UTF-8 without one. The import reads the start of the file and
 * decides — or is told (`--encoding`) — and refuses the file rather than guess when the bytes fit neither: mojibake
 * stored in the customer directory is worse than a clear "tell me the encoding".
 *
 * Node 20 ships full ICU, so `TextDecoder` knows `shift_jis` (the WHATWG Shift_JIS decoder is CP932: NEC and IBM
 * extensions included), `windows-1252` (what `latin1` means to it), `utf-16le` and others: no extra package.
 */

import { TextDecoder } from 'node:util';

export class ImportRefused extends Error {
  readonly code = 'IMPORT_REFUSED';
}

/** Names people use that TextDecoder spells differently. */
const ALIASES: Record<string, string> = { cp932: 'shift_jis', 'windows-932': 'shift_jis', ms932: 'shift_jis', sjis: 'shift_jis', utf8: 'utf-8' };

/** A label given with --encoding → TextDecoder's name for it; refused when Node does not know it. */
export function encodingNamed(label: string): string {
  const wanted = ALIASES[label.trim().toLowerCase()] ?? label.trim().toLowerCase();
  try {
    return new TextDecoder(wanted).encoding;
  } catch {
    throw new ImportRefused(`Unknown encoding "${label}". Use for example utf-8, shift_jis (cp932) or windows-1252 (latin1).`);
  }
}

export interface Detected {
  encoding: string;
  /** Bytes of a byte order mark to skip. */
  bom: number;
  /** How it was decided, for the report. */
  how: 'bom' | 'ascii' | 'valid utf-8' | 'utf-8 with invalid bytes' | 'shift_jis' | 'given';
}

/** How much of the file is read before deciding, at most (pure ASCII so far counts as UTF-8). */
export const SNIFF_BYTES = 1024 * 1024;
/** After the first non-ASCII byte, this much more is read (or the whole file) before deciding. */
export const EVIDENCE_BYTES = 64 * 1024;

const isAscii = (buf: Uint8Array) => buf.every((b) => b < 0x80);

function decodes(encoding: string, head: Uint8Array, eof: boolean): string | null {
  try {
    // stream: a multi-byte character cut at the end of the sample is not an error unless the file ends there.
    return new TextDecoder(encoding, { fatal: true }).decode(head, { stream: !eof });
  } catch {
    return null;
  }
}

/**
 * UTF-8 with a few broken bytes (a row pasted from elsewhere): many well-formed multi-byte characters and few
 * invalid sequences. Shift_JIS or Latin-1 text almost never forms valid UTF-8 multi-byte sequences, so their count
 * decides. The broken rows are then reported one by one.
 */
function mostlyUtf8(head: Uint8Array): boolean {
  let good = 0;
  let bad = 0;
  for (const ch of new TextDecoder('utf-8').decode(head)) {
    if (ch === '\ufffd') bad++;
    else if (ch.charCodeAt(0) >= 0x80) good++;
  }
  return good > 0 && good >= 4 * bad;
}

const JAPANESE = /[\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff\uff01-\uff5e\uff61-\uff9f]/u;
const PRIVATE_OR_C1 = /[\u0080-\u009f\ue000-\uf8ff]/u;
const HALF_KANA = /[\uff61-\uff9f]/u;
const KANJI = /[\u4e00-\u9fff]/u;
const LATIN_LETTER = /[A-Za-z]/;

/**
 * Whether text decoded as Shift_JIS reads as Japanese rather than as another single-byte encoding read wrongly.
 * Latin-1 or Windows-1252 bytes decode as Shift_JIS surprisingly often (`ß` is a half-width katakana, `é` plus the
 * next letter a kanji); such characters then sit inside Latin words. Japanese text has its kana and kanji in runs.
 */
export function readsAsJapanese(text: string): boolean {
  const chars = [...text];
  let nonAscii = 0;
  let japanese = 0;
  let suspicious = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c.charCodeAt(0) < 0x80) continue;
    nonAscii++;
    if (PRIVATE_OR_C1.test(c)) {
      suspicious++;
      continue;
    }
    if (!JAPANESE.test(c)) continue;
    japanese++;
    const before = chars[i - 1] ?? '';
    const after = chars[i + 1] ?? '';
    if (HALF_KANA.test(c) && (LATIN_LETTER.test(before) || LATIN_LETTER.test(after))) suspicious++;
    else if (KANJI.test(c) && LATIN_LETTER.test(before) && LATIN_LETTER.test(after)) suspicious++;
  }
  return japanese > 0 && suspicious * 100 <= nonAscii && (suspicious === 0 || nonAscii >= 100);
}

/**
 * Decides the encoding from the start of the file (`eof`: the sample is the whole file), or null when unsure:
 * a BOM says it; pure ASCII and valid UTF-8 are UTF-8; bytes that are valid Shift_JIS and read as Japanese are
 * Shift_JIS; anything else is refused by the caller.
 */
export function detectEncoding(head: Uint8Array, eof: boolean): Detected | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3, how: 'bom' };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2, how: 'bom' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2, how: 'bom' };
  if (isAscii(head)) return { encoding: 'utf-8', bom: 0, how: 'ascii' };
  if (decodes('utf-8', head, eof) !== null) return { encoding: 'utf-8', bom: 0, how: 'valid utf-8' };
  if (mostlyUtf8(head)) return { encoding: 'utf-8', bom: 0, how: 'utf-8 with invalid bytes' };
  const sjis = decodes('shift_jis', head, eof);
  if (sjis !== null && readsAsJapanese(sjis)) return { encoding: 'shift_jis', bom: 0, how: 'shift_jis' };
  return null;
}

/** Line (1-based) of the first byte that is neither ASCII nor valid UTF-8, for the refusal message. */
function firstOddLine(head: Uint8Array): number {
  let line = 1;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === 0x0a) line++;
    else if ((head[i] as number) >= 0x80) return line;
  }
  return line;
}

export interface DecodeOptions {
  /** A TextDecoder label (or cp932, sjis, …); detected when absent. */
  encoding?: string;
  /** Called with each decided encoding (once). */
  onEncoding?: (d: Detected) => void;
  /** Bytes read so far (for a progress bar). */
  onBytes?: (bytes: number) => void;
}

/**
 * The file's bytes → its text, chunk by chunk. Strings (already text) pass through, a leading BOM removed. Bytes are
 * held back until the encoding is clear (at most SNIFF_BYTES, or EVIDENCE_BYTES past the first non-ASCII byte), then
 * decoded. Bytes invalid in the decided encoding become U+FFFD, which the import reports as a bad row (never stored).
 */
export async function* decodeChunks(input: AsyncIterable<Buffer | string>, opts: DecodeOptions = {}): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let held: Buffer[] = [];
  let heldBytes = 0;
  let firstNonAscii = -1;
  let bytes = 0;
  let first = true;

  const decide = (eof: boolean): string => {
    const head = Buffer.concat(held, heldBytes);
    held = [];
    let detected: Detected | null;
    if (opts.encoding) {
      const encoding = encodingNamed(opts.encoding);
      const bom = encoding === 'utf-8' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
      detected = { encoding, bom, how: 'given' };
    } else {
      detected = detectEncoding(head, eof);
    }
    if (!detected) {
      throw new ImportRefused(
        `Cannot tell the file's encoding: from line ${firstOddLine(head)} it is neither UTF-8 nor Japanese Shift_JIS (CP932). ` +
          'Save it as "CSV UTF-8" or give the encoding, e.g. --encoding shift_jis or --encoding windows-1252. Nothing was imported.',
      );
    }
    opts.onEncoding?.(detected);
    // Not fatal: an invalid byte becomes U+FFFD and the import reports its row (the rest of the file still loads).
    decoder = new TextDecoder(detected.encoding, { fatal: false, ignoreBOM: true });
    return decoder.decode(head.subarray(detected.bom), { stream: !eof });
  };

  for await (const chunk of input) {
    if (typeof chunk === 'string') {
      const text = first ? chunk.replace(/^\ufeff/, '') : chunk;
      first = false;
      bytes += Buffer.byteLength(chunk);
      opts.onBytes?.(bytes);
      if (text) yield text;
      continue;
    }
    first = false;
    bytes += chunk.length;
    opts.onBytes?.(bytes);
    if (decoder) {
      const text = (decoder as TextDecoder).decode(chunk, { stream: true });
      if (text) yield text;
      continue;
    }
    if (firstNonAscii < 0) {
      const at = chunk.findIndex((b) => b >= 0x80);
      if (at >= 0) firstNonAscii = heldBytes + at;
    }
    held.push(chunk);
    heldBytes += chunk.length;
    const enough = opts.encoding || heldBytes >= SNIFF_BYTES || (firstNonAscii >= 0 && heldBytes - firstNonAscii >= EVIDENCE_BYTES);
    if (enough) {
      const text = decide(false);
      if (text) yield text;
    }
  }
  if (!decoder && heldBytes > 0) {
    const text = decide(true);
    if (text) yield text;
  }
  if (decoder) {
    const rest = (decoder as TextDecoder).decode();
    if (rest) yield rest;
  }
}
