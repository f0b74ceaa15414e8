/**
 * The chat commands, in both languages. The help card lists them from here and the bot matches typed text against
 * them, so the two cannot disagree.
 */
export const COMMANDS = [
  { id: 'newDeal', en: 'new deal', ja: '新しい取引' },
  { id: 'deals', en: 'deals', ja: '取引一覧' },
  { id: 'pipeline', en: 'pipeline', ja: 'パイプライン' },
  { id: 'help', en: 'help', ja: 'ヘルプ' },
] as const;

export type CommandId = (typeof COMMANDS)[number]['id'];

/**
 * Typed text as Teams delivers it varies: full-width letters and spaces from a Japanese IME, trailing punctuation,
 * several spaces, a stray `&nbsp;` from the rich-text box. Fold all of that before comparing.
 */
export function normalizeCommandText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/&nbsp;/gi, ' ')
    .toLowerCase()
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .replace(/^\/+/, '')
    .replace(/[.!?。！？、,]+$/u, '')
    .trim();
}

/** The command the text names, or undefined. Japanese commands also match without their internal spaces. */
export function matchCommand(text: string): CommandId | undefined {
  const typed = normalizeCommandText(text);
  const compact = typed.replace(/ /g, '');
  for (const c of COMMANDS) {
    if (typed === c.en || typed === normalizeCommandText(c.ja) || compact === normalizeCommandText(c.ja).replace(/ /g, '')) {
      return c.id;
    }
  }
  return undefined;
}
