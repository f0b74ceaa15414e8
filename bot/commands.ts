/**
 * The chat commands, in both languages. The help card lists them from here and the bot matches typed text against
 * them, so the two cannot disagree.
 */
export interface CommandSpec {
  id: string;
  en: string;
  ja: string;
  /** Takes words after the command (`deal 42`, `role …`). */
  args?: boolean;
  /** Listed on the help card only for Referrals admins. */
  admin?: boolean;
}

export const COMMANDS = [
  { id: 'newDeal', en: 'new deal', ja: '新しい取引' },
  { id: 'inbox', en: 'inbox', ja: '受信トレイ' },
  { id: 'cancel', en: 'cancel', ja: 'キャンセル' },
  { id: 'deals', en: 'deals', ja: '取引一覧', args: true },
  { id: 'pipeline', en: 'pipeline', ja: 'パイプライン' },
  { id: 'insights', en: 'insights', ja: '分析', args: true },
  { id: 'deal', en: 'deal', ja: '取引', args: true },
  { id: 'mine', en: 'mine', ja: '自分の取引', args: true },
  { id: 'help', en: 'help', ja: 'ヘルプ' },
  { id: 'export', en: 'export', ja: 'エクスポート', args: true },
  { id: 'linkLocation', en: 'link location', ja: '場所をリンク', args: true, admin: true },
  { id: 'routes', en: 'routes', ja: 'ルート', admin: true },
  { id: 'admin', en: 'admin', ja: '管理', admin: true },
  { id: 'locations', en: 'locations', ja: '場所', admin: true },
  { id: 'addLocation', en: 'add location', ja: '場所を追加', args: true, admin: true },
  { id: 'renameLocation', en: 'rename location', ja: '場所の名前を変更', args: true, admin: true },
  { id: 'removeLocation', en: 'remove location', ja: '場所を削除', args: true, admin: true },
  { id: 'people', en: 'people', ja: 'メンバー', admin: true },
  { id: 'role', en: 'role', ja: '役割', args: true, admin: true },
  { id: 'removeRole', en: 'remove role', ja: '役割を削除', args: true, admin: true },
  { id: 'pcLocation', en: 'pc location', ja: 'PC場所', args: true, admin: true },
  { id: 'syncStatus', en: 'sync status', ja: '同期状況', admin: true },
  { id: 'pcWebhook', en: 'partner center webhook', ja: 'PCウェブフック', admin: true },
  { id: 'digest', en: 'digest now', ja: 'ダイジェスト', admin: true },
] as const satisfies readonly CommandSpec[];

export type CommandId = (typeof COMMANDS)[number]['id'];

export interface ParsedCommand {
  id: CommandId;
  /** The words after the command, as typed (trimmed). */
  args: string;
}

/**
 * The command the text starts with, and its arguments. Commands that take no arguments must match the whole text.
 * The longest matching command wins (`deal` vs `deals`).
 */
export function parseCommand(text: string): ParsedCommand | undefined {
  // Same folding as normalizeCommandText but case kept, so arguments (names, emails) survive as typed.
  const folded = text.normalize('NFKC').replace(/&nbsp;/gi, ' ').replace(/[\s\u00a0]+/g, ' ').trim().replace(/^\/+/, '');
  const typed = normalizeCommandText(text);
  let best: { spec: CommandSpec; phrase: string; exact: boolean } | undefined;
  for (const spec of COMMANDS as readonly CommandSpec[]) {
    for (const phrase of [spec.en, normalizeCommandText(spec.ja)]) {
      const exact = typed === phrase || typed.replace(/ /g, '') === phrase.replace(/ /g, '');
      const prefixed = spec.args === true && folded.toLowerCase().startsWith(`${phrase} `);
      if ((exact || prefixed) && (!best || phrase.length > best.phrase.length)) best = { spec, phrase, exact };
    }
  }
  if (!best) return undefined;
  return { id: best.spec.id as CommandId, args: best.exact ? '' : folded.slice(best.phrase.length).trim() };
}

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
