import type { Lang } from './text';

/**
 * Dates, times and amounts as a reader expects them (issue 14, section 2): `2027年2月28日` / `Feb 28, 2027`, times in
 * the reader's time zone (`2026年12月2日 8:55`), `¥1,500,000` / `$25,000`. Intl does the work (Node 20 ships full
 * ICU); formatters are cached because building one costs far more than using it.
 */

const INTL_LOCALE: Record<Lang, string> = { en: 'en-US', ja: 'ja-JP' };

/** The zone a location's cards and day counts use unless one is set: Japan's for JP, UTC elsewhere. */
export function defaultZoneFor(country: string | null | undefined): string {
  return country?.toUpperCase() === 'JP' ? 'Asia/Tokyo' : 'UTC';
}

const zones = new Map<string, boolean>();
/** An IANA zone Intl knows (`Asia/Tokyo`, `UTC`); anything else is refused, never guessed. */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '' || zone.length > 64) return false;
  let known = zones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    zones.set(zone, known);
  }
  return known;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(lang: Lang, zone: string, kind: 'date' | 'dateTime' | 'day'): Intl.DateTimeFormat {
  const key = `${lang}|${zone}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    const timeZone = isTimeZone(zone) ? zone : 'UTC';
    f =
      kind === 'day'
        ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
        : new Intl.DateTimeFormat(INTL_LOCALE[lang], {
            timeZone,
            year: 'numeric',
            month: lang === 'ja' ? 'long' : 'short',
            day: 'numeric',
            ...(kind === 'dateTime'
              ? // English readers get the zone's short name (GMT+9); Japanese cards never say "UTC" (issue 14).
                { hour: 'numeric', minute: '2-digit', ...(lang === 'en' ? { timeZoneName: 'short' as const } : {}) }
              : {}),
          });
    formats.set(key, f);
  }
  return f;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date: a calendar date (`2027-02-28`, as close dates are stored) is shown as that day anywhere; an instant is
 * shown as its day in `zone`.
 */
export function formatDate(value: Date | string, lang: Lang, zone = 'UTC'): string {
  if (typeof value === 'string') {
    if (!CALENDAR_DATE.test(value)) return value;
    return dateTimeFormat(lang, 'UTC', 'date').format(new Date(`${value}T00:00:00Z`));
  }
  return dateTimeFormat(lang, zone, 'date').format(value);
}

/** A moment: `2026年12月2日 8:55` / `Dec 2, 2026, 8:55 AM GMT+9`, in `zone`. */
export function formatDateTime(value: Date, lang: Lang, zone = 'UTC'): string {
  return dateTimeFormat(lang, zone, 'dateTime').format(value);
}

/** The calendar day (YYYY-MM-DD) of an instant in `zone`. */
export function dayIn(value: Date, zone: string): string {
  return dateTimeFormat('en', zone, 'day').format(value);
}

/** Whole calendar days from `from` to `to`, both counted as days in `zone` (expiry and reminders, R17). */
export function calendarDaysBetween(from: Date, to: Date, zone: string): number {
  const a = Date.parse(`${dayIn(from, zone)}T00:00:00Z`);
  const b = Date.parse(`${dayIn(to, zone)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
/** `¥1,500,000`, `$25,000`, `$25,000.50`, `€1,200`: no cents on whole amounts; the half-width yen sign in Japanese too. */
export function formatMoney(value: number | string, currency: string, lang: Lang): string {
  const amount = Number(value);
  const whole = Number.isInteger(amount);
  const key = `${lang}|${currency}|${whole}`;
  try {
    let f = moneyFormats.get(key);
    if (!f) {
      f = new Intl.NumberFormat(INTL_LOCALE[lang], { style: 'currency', currency, ...(whole ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}) });
      moneyFormats.set(key, f);
    }
    return f.format(amount).replace(/\uFFE5/g, '¥');
  } catch {
    return `${amount.toLocaleString(INTL_LOCALE[lang])} ${currency}`;
  }
}

const currencyNames = new Map<string, Intl.DisplayNames>();
/** A currency as a choice: `JPY — 日本円` / `USD — US Dollar`. */
export function currencyChoice(code: string, lang: Lang): { title: string; value: string } {
  let names = currencyNames.get(lang);
  if (!names) {
    names = new Intl.DisplayNames([INTL_LOCALE[lang]], { type: 'currency' });
    currencyNames.set(lang, names);
  }
  let name: string | undefined;
  try {
    name = names.of(code);
  } catch {
    name = undefined;
  }
  return { title: name && name !== code ? `${code} — ${name}` : code, value: code };
}

/** The currencies offered (from configuration), with the current one kept even when it is not in the list. */
export function currencyChoices(offered: readonly string[], lang: Lang, current?: string | null): { title: string; value: string }[] {
  const codes = [...new Set([...(current ? [current.toUpperCase()] : []), ...offered])];
  return codes.map((c) => currencyChoice(c, lang));
}

const UNITS: Record<string, number> = { 万: 1e4, 億: 1e8, 千: 1e3, k: 1e3, m: 1e6, b: 1e9 };

/**
 * An amount as people type it: `1500000`, `1,500,000`, `１，５００，０００` (a Japanese IME), `150万円`, `1億2000万`,
 * `1.5M`, `25k`, `¥1,500,000`, `$25,000.50`. Returns NaN when it is not an amount (the caller says what is accepted).
 */
export function parseAmount(input: string): number {
  let s = input.normalize('NFKC').toLowerCase().replace(/[\s,_]/g, '');
  const negative = s.startsWith('-');
  s = s.replace(/^-/, '').replace(/^[¥$€£]|円$|yen$|jpy$|usd$|eur$/g, '');
  if (s === '') return NaN;
  const sign = negative ? -1 : 1;
  // A plain number keeps its decimals as typed, so "1.234" is refused for its third decimal, not rounded.
  if (/^\d+(?:\.\d+)?$/.test(s)) return sign * Number(s);
  // 1億2000万 → 120,000,000: each number is multiplied by the unit after it, and the parts are added.
  const parts = s.match(/(\d+(?:\.\d+)?)([万億千kmb]?)/g);
  if (!parts || parts.join('') !== s) return NaN;
  const units = parts.map((p) => p.replace(/[\d.]/g, ''));
  // k, m, b end an amount ("1.5M"); only the Japanese units compose ("1億2000万"), so "0b11" is no number.
  if (parts.length > 1 && units.some((u) => /[kmb]/.test(u))) return NaN;
  if (units.slice(0, -1).some((u) => u === '') || (parts.length > 1 && new Set(units).size !== units.length)) return NaN;
  let total = 0;
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)([万億千kmb]?)$/.exec(p)!;
    total += Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1);
  }
  // Multiplying by a unit leaves float noise (1.1 × 1e6); amounts have at most two decimals anyway.
  return sign * (Math.round(total * 100) / 100);
}
