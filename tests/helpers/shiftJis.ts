import { TextDecoder } from 'node:util';

/**
 * Text → Shift_JIS (CP932) bytes, for tests that need files as Excel in Japan saves them. Node decodes Shift_JIS but
 * cannot encode it; the table is built once by decoding every one- and two-byte sequence with the same decoder the
 * import uses.
 */
let table: Map<string, number[]> | undefined;

function build(): Map<string, number[]> {
  const map = new Map<string, number[]>();
  const dec = new TextDecoder('shift_jis', { fatal: true });
  const put = (bytes: number[]) => {
    try {
      const ch = dec.decode(Uint8Array.from(bytes));
      if ([...ch].length === 1 && !map.has(ch)) map.set(ch, bytes);
    } catch {
      // not a character
    }
  };
  for (let b = 0; b < 0x80; b++) put([b]);
  for (let b = 0xa1; b <= 0xdf; b++) put([b]);
  for (const lead of [...range(0x81, 0x9f), ...range(0xe0, 0xfc)]) {
    for (const trail of [...range(0x40, 0x7e), ...range(0x80, 0xfc)]) put([lead, trail]);
  }
  return map;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function encodeShiftJis(text: string): Buffer {
  table ??= build();
  const out: number[] = [];
  for (const ch of text) {
    const bytes = table.get(ch);
    if (!bytes) throw new Error(`no Shift_JIS for ${JSON.stringify(ch)}`);
    out.push(...bytes);
  }
  return Buffer.from(out);
}
