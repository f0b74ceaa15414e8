/**
 * `%`, `_` and `\` are LIKE wildcards/escape in PostgreSQL, and Prisma's `contains`/`startsWith` pass them through:
 * a typed "100%" or "abc_def" must match itself only. Every `contains` on text someone typed goes through this.
 */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
