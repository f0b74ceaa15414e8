import { isCleanText } from '../src/domain';

/**
 * Issue 15: what a sender types or a card submits may carry NUL, other control characters or lone surrogates (a
 * hand-made activity can). Such input is refused as a whole, before the turn records anything: PostgreSQL refuses
 * NUL (a 500 deep inside a store), and a lone surrogate would silently become U+FFFD.
 */
const MAX_DEPTH = 20;

/** Whether any string in `v` (text, or a card's submitted data, keys included) is not clean text. */
export function hasUncleanText(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return !isCleanText(v);
  if (depth > MAX_DEPTH || typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some((x) => hasUncleanText(x, depth + 1));
  return Object.entries(v).some(([k, x]) => !isCleanText(k) || hasUncleanText(x, depth + 1));
}
