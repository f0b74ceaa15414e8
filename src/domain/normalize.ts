/**
 * How typed text is compared with what the product knows. People type through a Japanese IME (full-width letters,
 * digits and spaces, half-width katakana), in any case, with stray spaces; these folds make such variants equal.
 * Written once so that the wizard, the chat commands, stage names and the API agree on what "the same" means.
 */

/**
 * NFKC (full-width → ASCII, half-width katakana → full-width, the ideographic space → a space), lower case, each run
 * of white space one space, trimmed. `ｈｅｌｐ`, `Help` and ` help ` fold alike.
 */
export function foldText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * A name compared as a key: `foldText` without spaces, underscores and hyphens, so `secure_customer_loe`,
 * `Secure customer LOE` and `secure-customer-loe` are one key (stage, status and type names, CRM stage maps).
 */
export function foldKey(s: string): string {
  return foldText(s).replace(/[\s_-]+/g, '');
}

const KATAKANA = /[\u30a1-\u30f6]/g;
const toHiragana = (ch: string) => String.fromCharCode(ch.charCodeAt(0) - 0x60);

/**
 * R6: the form customer names are matched in — `foldText`, katakana folded to hiragana (コントソ = こんとそ), and
 * punctuation collapsed with the spaces around it. Stored with each customer; queries are folded the same way.
 */
export function searchKey(s: string): string {
  return foldText(s)
    .replace(KATAKANA, toHiragana)
    .replace(/[\s\u3000・,.、。()（）「」'"-]+/g, ' ')
    .trim();
}
