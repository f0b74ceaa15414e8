import { t, type Locale, type MessageKey, type MessageParams } from './i18n';

/**
 * Text that reaches a Teams card from outside — a referral sender, the customer directory, anything a user typed —
 * must show as the same visible text, never as a link, bold text, a list or a date it did not spell out, and never
 * reordered or padded by invisible characters. cards/render.ts applies this to every card; nothing else calls it.
 *
 * Teams renders Markdown in TextBlock.text, Fact.title and Fact.value only ("Text formatting in cards",
 * learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format; Input.ChoiceSet titles are
 * plain text by design, msteams-docs#12228). That Markdown is a CommonMark subset, and CommonMark makes any ASCII
 * punctuation character after a backslash a literal: that is the escape used here, on exactly the characters that
 * can start a construct. The official renderer (adaptivecards + markdown-it) shows the escaped text unchanged
 * (tests/cards/markdownInjection.test.ts). Teams desktop and web honour these escapes; Teams mobile showed the
 * backslashes until its renderer fixes of 2023–2024 (AdaptiveCards-Mobile #58, #83), so only characters that could
 * start a construct are escaped, not all punctuation.
 */

// --- Invisible and control characters: removed (not replaced), everywhere a card shows text -------------------

/**
 * - C0 and C1 controls and DEL (tab and newline stay; CR and the Unicode line/paragraph separators become \n);
 * - bidirectional controls: embeddings and overrides (U+202A–E, the "RLO" trick), isolates (U+2066–9), marks
 *   (U+200E, U+200F, U+061C) — they reorder what is shown, and Japanese and English text never needs them;
 * - zero-width and invisible format characters: U+200B, U+200C, U+2060–4, U+FEFF, U+180E, soft hyphen U+00AD,
 *   Hangul fillers U+3164 and U+FFA0 (blank "letters"); ZWJ U+200D only where it does not join two emoji;
 * - tag characters U+E0000–7F (invisible "ASCII smuggling") except inside a flag sequence after U+1F3F4;
 * - noncharacters U+FDD0–FDEF, U+FFFE, U+FFFF (render.ts uses two of them as markers).
 */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const INVISIBLE = /[\u00AD\u180E\u200B\u200C\u2060-\u2064\uFEFF\u3164\uFFA0\uFDD0-\uFDEF\uFFFE\uFFFF]/g;
const LONE_ZWJ = /(?<![\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0F])\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const STRAY_TAGS = /(?<!\u{1F3F4}[\u{E0020}-\u{E007E}]*)[\u{E0000}-\u{E007F}]/gu;

export function cleanText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(CONTROLS, '')
    .replace(BIDI, '')
    .replace(INVISIBLE, '')
    .replace(LONE_ZWJ, '')
    .replace(STRAY_TAGS, '');
}

// --- Markdown escaping -------------------------------------------------------------------------------------------

/**
 * Anywhere in a line: emphasis and strike (`* _ ~`), links and images (`[ ]`), code (`` ` ``), autolinks and HTML
 * (`< >`), entities (`&amp;`), tables (`|`), the backslash itself, and braces in a `{{` run (Adaptive Cards' own
 * {{DATE(…)}} and {{TIME(…)}} functions, expanded before Markdown).
 */
const INLINE = /[\\`*_[\]<>&~|]|\{(?=\{)|(?<=\{)\{/g;
/**
 * At the start of a line (`>` is escaped anywhere): an ATX heading (`# `), a bullet (`- `, `+ `), a numbered item
 * (`1. `, `1) `), a setext underline or thematic break (a line of `=` or `-`). Nothing else is escaped there, so
 * "#42" or "-5 %" keep their plain form.
 */
const LINE_START = /^([ \t]*)(?:(#{1,6}|[-+])(?=[ \t]|$)|(\d{1,9})([.)])(?=[ \t]|$)|([-=])(?=[-= \t]*$))/gm;

/** `text` as CommonMark that renders to the same visible text. Cleans it first. */
export function escapeMarkdown(text: string): string {
  return cleanText(text)
    .replace(INLINE, '\\$&')
    .replace(LINE_START, (_m, indent: string, marker?: string, digits?: string, delimiter?: string, rule?: string) =>
      digits !== undefined ? `${indent}${digits}\\${delimiter}` : `${indent}\\${marker ?? rule}`,
    );
}

// --- Product text with intended Markdown ----------------------------------------------------------------------

/**
 * Markdown the product wrote on purpose (say **bold** in a message of cards/i18n). Only this type reaches a card
 * unescaped; a plain string never does. Build it with `markdownMessage`, which escapes the parameters.
 */
export class TrustedMarkdown {
  /** Makes the type nominal: a look-alike object `{markdown}` is not assignable. */
  private readonly trusted = true;

  private constructor(readonly markdown: string) {}

  /** For markdown written in this repository. Never pass text that came from outside. */
  static fromProduct(markdown: string): TrustedMarkdown {
    return new TrustedMarkdown(markdown);
  }
}

/** A catalog message with intended Markdown; its parameters are escaped like any outside text. */
export function markdownMessage(locale: Locale, key: MessageKey, params: MessageParams = {}): TrustedMarkdown {
  const escaped = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? escapeMarkdown(v) : v]));
  return TrustedMarkdown.fromProduct(t(locale, key, escaped));
}
