/**
 * A CSV reader (RFC 4180: `,` between fields, `"` around fields, `""` for a quote inside one, CRLF or LF) that keeps
 * going after a broken row. A general CSV parser stops at the first malformed quote and loses the rest of the file;
 * here a broken row is reported with its line number and reading resumes on the next line:
 *
 * - a quote closed in the middle of a field (`"Acme" Inc,…`) → that row is bad;
 * - a quote never closed → the row is bad and reading restarts on the line after it (not at the end of the file),
 *   because a quoted field may span lines (an address typed with Alt+Enter in Excel) but not more than
 *   MAX_RECORD_LINES lines or MAX_RECORD_CHARS characters.
 */

export const MAX_RECORD_LINES = 20;
export const MAX_RECORD_CHARS = 64 * 1024;

export type CsvRecord =
  | { line: number; fields: string[] }
  | { line: number; error: 'brokenQuote' | 'unclosedQuote' | 'tooLong' };

type Parsed = { kind: 'ok'; fields: string[] } | { kind: 'open' } | { kind: 'broken' };

/** One record from `s` (one or more physical lines joined with "\n"). */
export function parseRecord(s: string): Parsed {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (s[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0) return { kind: 'open' };
        value += s.slice(i, q);
        if (s[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Spaces after a closing quote are forgiven; anything else means the quote was not a closing one.
      while (s[i] === ' ' || s[i] === '\t') i++;
      fields.push(value);
      if (i >= s.length) return { kind: 'ok', fields };
      if (s[i] !== ',') return { kind: 'broken' };
      i++;
    } else {
      const comma = s.indexOf(',', i);
      const end = comma < 0 ? s.length : comma;
      const value = s.slice(i, end);
      // A quote inside an unquoted field (`5" pipe`) is kept as it is.
      fields.push(value);
      if (comma < 0) return { kind: 'ok', fields };
      i = comma + 1;
    }
  }
}

/**
 * Text chunks → records with the line each starts on. Empty lines are skipped. Physical lines are split on LF, CRLF
 * or CR outside quotes; inside quotes the line break belongs to the field (as "\n").
 */
export async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  /** Physical lines waiting, with their numbers. */
  const queue: { n: number; text: string }[] = [];
  let lineNo = 0;
  let rest = '';
  let eof = false;
  const it = chunks[Symbol.asyncIterator]();

  /** Ensures at least `count` lines are queued (fewer only at the end of the input). */
  async function fill(count: number): Promise<void> {
    while (queue.length < count && !eof) {
      const next = await it.next();
      if (next.done) {
        eof = true;
        const last = rest.replace(/\r$/, '');
        if (last !== '') queue.push({ n: ++lineNo, text: last });
        rest = '';
        break;
      }
      let text = rest + next.value;
      // A chunk ending in "\r" may be the first half of "\r\n": the "\r" waits for the next chunk.
      const cr = text.endsWith('\r');
      if (cr) text = text.slice(0, -1);
      const parts = text.split(/\r\n|\n|\r/);
      rest = (parts.pop() ?? '') + (cr ? '\r' : '');
      for (const text of parts) queue.push({ n: ++lineNo, text });
    }
  }

  for (;;) {
    await fill(1);
    const start = queue[0];
    if (!start) return;
    if (start.text.trim() === '') {
      queue.shift();
      continue;
    }
    let joined = start.text;
    let used = 1;
    let result = parseRecord(joined);
    while (result.kind === 'open' && used < MAX_RECORD_LINES && joined.length <= MAX_RECORD_CHARS) {
      await fill(used + 1);
      const next = queue[used];
      if (!next) break;
      joined += `\n${next.text}`;
      used++;
      result = parseRecord(joined);
    }
    if (result.kind === 'ok' && joined.length > MAX_RECORD_CHARS) {
      queue.splice(0, used);
      yield { line: start.n, error: 'tooLong' };
      continue;
    }
    if (result.kind === 'ok') {
      queue.splice(0, used);
      yield { line: start.n, fields: result.fields };
      continue;
    }
    if (result.kind === 'broken' && used === 1) {
      queue.splice(0, used);
      yield { line: start.n, error: 'brokenQuote' };
      continue;
    }
    // Never closed (or "closed" by a quote that opens a field on a later line): only the first line is given up; the
    // lines it swallowed are read again as rows of their own.
    queue.shift();
    yield { line: start.n, error: joined.length > MAX_RECORD_CHARS ? 'tooLong' : 'unclosedQuote' };
  }
}
