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

/** Dash look-alikes a Japanese IME or a word processor types where a hyphen-minus is meant (０３ー１２３４, 100‐0001). */
const DASHES = /[\u2010-\u2015\u2212\u30fc\uff70\ufe58\ufe63]/g;

/**
 * Typed input of a code-like field — amounts, phones, DUNS numbers, currency and country codes, dates: NFKC
 * (full-width digits and letters → ASCII, `－` → `-`), every dash look-alike (`ー`, `‐`, `−`, …) → `-`, white space
 * trimmed. The one fold these fields share, so `２０２７－０１－３１`, `ＪＰＹ` and `１２３－４５６－７８９` are read as
 * typed in ASCII.
 */
export function foldCode(s: string): string {
  return s.normalize('NFKC').replace(DASHES, '-').trim();
}

/** C0 control characters other than tab, line feed and carriage return, and DEL: never part of a typed text. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether a text can be stored as it is: no NUL or other control character (PostgreSQL refuses NUL; the others are
 * invisible), and no lone surrogate (it would silently become U+FFFD on the way to the database).
 */
export function isCleanText(s: string): boolean {
  return !CONTROL.test(s) && !LONE_SURROGATE.test(s);
}
