/**
 * The part of OData the Referrals API documents for listing: `$filter` with `eq ne gt ge lt le` joined by `and`
 * (parentheses allowed) on status, substatus, updatedDateTime, createdDateTime, engagementId, direction, type and
 * qualification; `$orderby=createdDateTime|updatedDateTime [asc|desc]`. Anything else is refused with a message,
 * so a client never believes a filter was applied when it was not.
 */

export type Comparable = string | number | null | undefined;
export type Predicate = (item: Record<string, unknown>) => boolean;

const FIELDS = ['status', 'substatus', 'updatedDateTime', 'createdDateTime', 'engagementId', 'direction', 'type', 'qualification', 'id'] as const;
const DATE_FIELDS = new Set(['updatedDateTime', 'createdDateTime']);
const OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Op = (typeof OPS)[number];

export class ODataError extends Error {}

type Token = { kind: 'lparen' | 'rparen' | 'word' | 'string'; text: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c });
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ODataError('unterminated string literal in $filter');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += src[i++];
      }
      tokens.push({ kind: 'string', text });
    } else {
      const m = /^[^\s()']+/.exec(src.slice(i))!;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

export function parseFilter(src: string | null | undefined): Predicate {
  if (!src || !src.trim()) return () => true;
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  const expr = (): Predicate => {
    const terms = [term()];
    while (peek()?.kind === 'word' && peek()!.text.toLowerCase() === 'and') {
      next();
      terms.push(term());
    }
    if (peek()?.kind === 'word' && peek()!.text.toLowerCase() === 'or') throw new ODataError("'or' is not supported in $filter");
    return (item) => terms.every((t) => t(item));
  };

  const term = (): Predicate => {
    const t = next();
    if (!t) throw new ODataError('$filter ends too early');
    if (t.kind === 'lparen') {
      const inner = expr();
      if (next()?.kind !== 'rparen') throw new ODataError("missing ')' in $filter");
      return inner;
    }
    if (t.kind !== 'word' || !(FIELDS as readonly string[]).includes(t.text)) {
      throw new ODataError(`$filter on '${t.text}' is not supported (supported: ${FIELDS.join(', ')})`);
    }
    const field = t.text;
    const opTok = next();
    const op = opTok?.text.toLowerCase() as Op;
    if (!opTok || opTok.kind !== 'word' || !OPS.includes(op)) throw new ODataError(`expected one of ${OPS.join(', ')} after '${field}'`);
    const v = next();
    if (!v || (v.kind !== 'string' && v.kind !== 'word')) throw new ODataError(`expected a value after '${field} ${op}'`);
    let want: Comparable;
    if (DATE_FIELDS.has(field)) {
      const at = Date.parse(v.text);
      if (Number.isNaN(at)) throw new ODataError(`'${v.text}' is not a date-time`);
      want = at;
    } else {
      if (v.kind === 'word' && v.text.toLowerCase() === 'null') want = null;
      else want = v.text.toLowerCase();
    }
    return (item) => compare(valueOf(item, field), op, want);
  };

  const p = expr();
  if (pos !== tokens.length) throw new ODataError(`unexpected '${tokens[pos]!.text}' in $filter`);
  return p;
}

function valueOf(item: Record<string, unknown>, field: string): Comparable {
  const v = item[field];
  if (v === null || v === undefined) return null;
  if (DATE_FIELDS.has(field)) return Date.parse(String(v));
  return String(v).toLowerCase();
}

function compare(have: Comparable, op: Op, want: Comparable): boolean {
  if (op === 'eq') return have === want;
  if (op === 'ne') return have !== want;
  if (have === null || have === undefined || want === null || want === undefined) return false;
  if (op === 'gt') return have > want;
  if (op === 'ge') return have >= want;
  if (op === 'lt') return have < want;
  return have <= want;
}

export interface OrderBy {
  field: 'createdDateTime' | 'updatedDateTime';
  desc: boolean;
}

export function parseOrderBy(src: string | null | undefined): OrderBy {
  if (!src || !src.trim()) return { field: 'createdDateTime', desc: false };
  const m = /^\s*(createdDateTime|updatedDateTime)(?:\s+(asc|desc))?\s*$/i.exec(src);
  if (!m) throw new ODataError(`$orderby '${src}' is not supported (createdDateTime or updatedDateTime, asc or desc)`);
  const field = m[1]!.toLowerCase() === 'updateddatetime' ? 'updatedDateTime' : 'createdDateTime';
  return { field, desc: m[2]?.toLowerCase() === 'desc' };
}
