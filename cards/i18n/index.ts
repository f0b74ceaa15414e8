// One catalog file per feature and language (cards/i18n/<lang>/<feature>.json); a test checks both languages match.
import { LANGS, type Lang } from '../../src/domain';
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

const en = { ...enCore, ...enWizard, ...enDeal, ...enReferral, ...enWelcome, ...enAdmin, ...enSync };
const ja = { ...jaCore, ...jaWizard, ...jaDeal, ...jaReferral, ...jaWelcome, ...jaAdmin, ...jaSync };

/**
 * The two languages of the product: the domain's `Lang`, under the name cards and bot use. Teams clients in Japan
 * send `ja-JP`; everything else gets English.
 */
export type Locale = Lang;

export type MessageKey = keyof typeof en;

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, ja };

export const LOCALES: readonly Locale[] = LANGS;

/** `ja`, `ja-JP`, `JA_jp` → ja; anything else, or nothing, → en. */
export function localeOf(activityLocale?: string | null): Locale {
  return /^ja(?:[-_]|$)/i.test(activityLocale?.trim() ?? '') ? 'ja' : 'en';
}

export type MessageParams = Record<string, string | number>;

/**
 * The message `key` in `locale`, with `{name}` placeholders replaced from `params`. A placeholder without a value
 * is left as written, so a gap shows up in the text instead of failing the user's request.
 */
export function t(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = catalogs[locale][key] ?? catalogs.en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The raw catalogs, for tests that compare the languages. */
export function catalog(locale: Locale): Readonly<Record<MessageKey, string>> {
  return catalogs[locale];
}
