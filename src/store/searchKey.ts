/**
 * The form customer names are matched in (R6): NFKC (full-width → half-width, compatibility forms), lower case,
 * katakana folded to hiragana, punctuation and spaces collapsed. Stored in Customer.searchName; queries use the same.
 */
export function searchKey(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[\s\u3000・,.、。()（）「」'"-]+/g, ' ')
    .trim();
}
