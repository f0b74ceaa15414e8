// One catalog file per feature and language (cards/i18n/<lang>/<feature>.json); a test checks both languages match.
import { LANGS, TERMS, type Lang, type TermKey } from '../../src/domain';
import enCore from './en/core.json';
import enDeal from './en/deal.json';
import jaCore from './ja/core.json';
import jaDeal from './ja/deal.json';
import enWizard from './en/wizard.json';
import jaWizard from './ja/wizard.json';
import enReferral from './en/referral.json';
import jaReferral from './ja/referral.json';
import enWelcome from './en/welcome.json';
import jaWelcome from './ja/welcome.json';
import enAdmin from './en/admin.json';
import jaAdmin from './ja/admin.json';
import enSync from './en/sync.json';
import jaSync from './ja/sync.json';
import enDigest from './en/digest.json';
import jaDigest from './ja/digest.json';
import enExport from './en/export.json';
import jaExport from './ja/export.json';
import enInsights from './en/insights.json';
import jaInsights from './ja/insights.json';

const en = { ...enCore, ...enWizard, ...enDeal, ...enReferral, ...enWelcome, ...enAdmin, ...enSync, ...enDigest, ...enExport, ...enInsights };
const ja = { ...jaCore, ...jaWizard, ...jaDeal, ...jaReferral, ...jaWelcome, ...jaAdmin, ...jaSync, ...jaDigest, ...jaExport, ...jaInsights };

/**
 * Domain words come from the glossary (src/domain/glossary.ts): a message names one as `{@estimatedValue}`, and the
 * catalog holds the glossary's word for its language. Resolved once, here; an unknown term fails at start-up.
 */
export const TERM_REFERENCE = /\{@(\w+)\}/g;
function withTerms<T extends Record<string, string>>(messages: T, lang: Lang): T {
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(messages)) {
    out[key] = text.replace(TERM_REFERENCE, (_whole, name: string) => {
      if (!(name in TERMS)) throw new Error(`cards/i18n: ${lang} message ${key} names an unknown glossary term {@${name}}`);
      return TERMS[name as TermKey][lang];
    });
  }
  return out as T;
}

/**
 * The two languages of the product: the domain's `Lang`, under the name cards and bot use. Teams clients in Japan
 * send `ja-JP`; everything else gets English.
 */
export type Locale = Lang;

export type MessageKey = keyof typeof en;

const catalogs: Record<Locale, Record<MessageKey, string>> = { en: withTerms(en, 'en'), ja: withTerms(ja, 'ja') };

export const LOCALES: readonly Locale[] = LANGS;

/** `ja`, `ja-JP`, `JA_jp` → ja; anything else, or nothing, → en. */
export function localeOf(activityLocale?: string | null): Locale {
  return /^ja(?:[-_]|$)/i.test(activityLocale?.trim() ?? '') ? 'ja' : 'en';
}

/**
 * A Japanese template keeps a space between a placeholder and の (`{location} の紹介`) for Latin names
 * (`Contoso Japan – Tokyo の紹介`); when the name is Japanese the space is a stray one (`東京拠点の紹介`).
 */
export function tidyJapanese(s: string): string {
  return s.replace(/([\u3040-\u30ff\u4e00-\u9fff\u3005）」』]) +(?=の)/g, '$1');
}

/** Sentences one after the other: Japanese sentences end in 。 and take no space between them; English ones do. */
export function sentences(locale: Locale, ...parts: string[]): string {
  return parts.filter((p) => p.trim() !== '').join(locale === 'ja' ? '' : ' ');
}

export type MessageParams = Record<string, string | number>;

/**
 * The message `key` in `locale`, with `{name}` placeholders replaced from `params`. A placeholder without a value
 * is left as written, so a gap shows up in the text instead of failing the user's request.
 */
export function t(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = catalogs[locale][key] ?? catalogs.en[key] ?? key;
  if (!params) return template;
  const filled = template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
  return locale === 'ja' ? tidyJapanese(filled) : filled;
}

/** The raw catalogs, for tests that compare the languages. */
export function catalog(locale: Locale): Readonly<Record<MessageKey, string>> {
  return catalogs[locale];
}
