import { isCountryCode } from './countries';
import { z } from 'zod';
import { foldCode, isCleanText } from './normalize';
import { refuse, type FieldError, type Refusal } from './refusals';
import { parseAmount } from './readerFormat';
import { text, type Text } from './text';

/**
 * Field-level validation shared by every surface (wizard cards, referral forms, REST bodies).
 * Each constraint carries a message key; `fieldErrorsOf` turns zod issues into per-field ja/en messages.
 */
export const FIELD_MESSAGES = {
  required: { en: 'This field is required.', ja: 'この項目は必須です。' },
  tooLong: { en: 'At most {max} characters.', ja: '{max} 文字以内で入力してください。' },
  tooShort: { en: 'At least {min} characters.', ja: '{min} 文字以上で入力してください。' },
  invalidEmail: { en: 'Enter a valid email address, e.g. name@example.com.', ja: '有効なメールアドレスを入力してください (例: name@example.com)。' },
  invalidPhone: {
    en: 'Enter a valid phone number: digits, spaces, "+", "-" or parentheses (7–15 digits).',
    ja: '有効な電話番号を入力してください。数字・スペース・「+」「-」・括弧が使えます (7～15 桁)。',
  },
  invalidDate: { en: 'Enter a date as YYYY-MM-DD.', ja: '日付を YYYY-MM-DD の形式で入力してください。' },
  dateInPast: { en: 'The date cannot be in the past.', ja: '過去の日付は指定できません。' },
  notANumber: { en: 'Enter an amount, e.g. 1500000, 1,500,000, 1.5M or 25k.', ja: '金額を入力してください (例: 1500000、1,500,000、150万円、1.5M)。' },
  notPositive: { en: 'Enter an amount greater than zero.', ja: '0 より大きい金額を入力してください。' },
  tooLarge: { en: 'The amount is too large.', ja: '金額が大きすぎます。' },
  tooManyDecimals: { en: 'At most 2 decimal places.', ja: '小数点以下は 2 桁までです。' },
  invalidCurrency: { en: 'Enter an ISO 4217 currency code such as JPY or USD.', ja: 'JPY や USD などの ISO 4217 通貨コードを入力してください。' },
  invalidCountry: { en: 'Enter a two-letter ISO country code such as JP or US.', ja: 'JP や US などの 2 文字の ISO 国コードを入力してください。' },
  invalidDuns: { en: 'A DUNS number has exactly 9 digits.', ja: 'DUNS 番号はちょうど 9 桁の数字です。' },
  invalidChoice: { en: 'Choose one of the offered values.', ja: '表示された選択肢から選んでください。' },
  invalidUrl: { en: 'Enter a valid https URL.', ja: '有効な https の URL を入力してください。' },
  callbackHostNotAllowed: {
    en: 'This host is not one of the callback hosts configured for your sender account.',
    ja: 'このホストは、送信元アカウントに設定されたコールバック ホストではありません。',
  },
  callbackPrivateAddress: {
    en: 'The callback URL points to a private, local or reserved network address; use a public https endpoint.',
    ja: 'コールバック URL がプライベート、ローカル、または予約済みのネットワーク アドレスを指しています。公開された https エンドポイントを使用してください。',
  },
  senderMismatch: {
    en: 'This does not match the organization of your sender account.',
    ja: '送信元アカウントの組織と一致しません。',
  },
  noOtherSolution: {
    en: 'A solution assessment has exactly one assessment type; no other solution can be added.',
    ja: 'ソリューション評価の評価の種類は 1 つだけです。他のソリューションは追加できません。',
  },
  atLeastOne: { en: 'Add at least one.', ja: '少なくとも 1 つ追加してください。' },
  tooMany: { en: 'At most {max}.', ja: '{max} 件までです。' },
  mustConsent: { en: 'Confirm the consent to continue.', ja: '続行するには同意を確認してください。' },
  endBeforeStart: { en: 'The end date must be on or after the start date.', ja: '終了日は開始日以降にしてください。' },
  contactNeedsConsent: {
    en: 'Confirm that the customer consented before sharing contact details.',
    ja: '連絡先を共有する前に、顧客の同意を得たことを確認してください。',
  },
  contactRequiredForHelp: {
    en: 'A contact name, phone and email are required when you ask for Microsoft seller help.',
    ja: 'Microsoft 営業担当者の支援を依頼する場合、連絡先の名前・電話番号・メールアドレスが必要です。',
  },
  unknownField: { en: 'This field is not accepted here.', ja: 'この項目はここでは受け付けられません。' },
  invalid: { en: 'This value is not valid.', ja: 'この値は無効です。' },
  badCharacters: {
    en: 'Remove the control characters (such as NUL) or broken characters from this text.',
    ja: 'この文字列から制御文字 (NUL など) や壊れた文字を削除してください。',
  },
  dateOutOfRange: {
    en: 'Enter a date between {min} and {max}.',
    ja: '{min} から {max} までの日付を入力してください。',
  },
  invalidDateTime: {
    en: 'Enter a date and time in ISO 8601, e.g. 2027-01-31T09:00:00Z.',
    ja: '日時を ISO 8601 形式で入力してください (例: 2027-01-31T09:00:00Z)。',
  },
  dateInFuture: { en: 'The date cannot be in the future.', ja: '未来の日付は指定できません。' },
} as const satisfies Record<string, Text>;

export type FieldMessageKey = keyof typeof FIELD_MESSAGES;

const e = (key: FieldMessageKey) => ({ error: key });

/** Any text from outside: no NUL or other control character, no lone surrogate (isCleanText). */
export const cleanString = (typeError: FieldMessageKey = 'invalid') => z.string(e(typeError)).refine(isCleanText, e('badCharacters'));

/** Required text, trimmed, 1..max characters. */
export const requiredText = (max: number) =>
  cleanString('required')
    .trim()
    .min(1, e('required'))
    .max(max, { error: 'tooLong' });

/** Optional text: empty string and null become undefined. */
export const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v),
    cleanString().trim().max(max, { error: 'tooLong' }).optional(),
  );

export const EmailSchema = cleanString('required')
  .trim()
  .min(1, e('required'))
  .max(254, { error: 'tooLong' })
  .pipe(z.email(e('invalidEmail')));

const PHONE_CHARS = /^\+?[0-9 ()\-.]+$/;
export const PhoneSchema = z
  .string(e('required'))
  // A Japanese IME types full-width digits and hyphens (０３－１２３４, ０３ー１２３４): foldCode makes them ASCII.
  .overwrite(foldCode)
  .min(1, e('required'))
  .max(30, { error: 'tooLong' })
  .refine((v) => {
    const digits = v.replace(/\D/g, '').length;
    return PHONE_CHARS.test(v) && digits >= 7 && digits <= 15;
  }, e('invalidPhone'));

/** The years a date may have: no year 0000 or five-digit years; every date stays a valid database timestamp. */
export const MIN_DATE = '1900-01-01';
export const MAX_DATE = '9999-12-31';

function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Why a typed date (already folded) is refused, or null. */
function dateProblem(v: string): FieldMessageKey | null {
  if (!isCalendarDate(v)) return 'invalidDate';
  return v < MIN_DATE || v > MAX_DATE ? 'dateOutOfRange' : null;
}

const DATE_RANGE = { min: MIN_DATE, max: MAX_DATE };

/** A calendar date as YYYY-MM-DD (also typed full-width, ２０２７－０１－３１), between MIN_DATE and MAX_DATE. */
export const DateSchema = z
  .string(e('required'))
  .overwrite(foldCode)
  .min(1, e('required'))
  .superRefine((v, ctx) => {
    const problem = dateProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: problem === 'dateOutOfRange' ? DATE_RANGE : undefined });
  });

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * An ISO 8601 date-time as senders write it (`2026-11-29T09:00:00Z`, `…T09:00:00.1234567+09:00`; without an offset it
 * is UTC) → the instant, or why it is refused. Nothing else is read as a date-time: `2027-01-01Tgarbage`, `1e3`,
 * year 0000, five-digit years and instants outside MIN_DATE..MAX_DATE (UTC) are refused, never guessed.
 */
export function parseDateTime(raw: string): { ok: true; value: Date } | { ok: false; code: FieldMessageKey } {
  const v = foldCode(raw);
  const m = DATE_TIME.exec(v);
  if (!m) return { ok: false, code: 'invalidDateTime' };
  const [, day = '', hh = '', mm = '', ss = '00', frac = '', zone = 'Z'] = m;
  const dayProblem = dateProblem(day);
  if (dayProblem === 'invalidDate') return { ok: false, code: 'invalidDateTime' };
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return { ok: false, code: 'invalidDateTime' };
  let offset = 'Z';
  if (zone.toUpperCase() !== 'Z') {
    const z2 = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    const oh = Number(z2?.[2]);
    const om = Number(z2?.[3] ?? '0');
    if (!z2 || oh > 14 || om > 59) return { ok: false, code: 'invalidDateTime' };
    offset = `${z2[1]}${z2[2]}:${z2[3] ?? '00'}`;
  }
  const ms = (frac + '000').slice(0, 3);
  const value = new Date(`${day}T${hh}:${mm}:${ss}.${ms}${offset}`);
  if (Number.isNaN(value.getTime())) return { ok: false, code: 'invalidDateTime' };
  const utcDay = value.toISOString().slice(0, 10);
  if (dayProblem || utcDay < MIN_DATE || utcDay > MAX_DATE || value.getUTCFullYear() > 9999) return { ok: false, code: 'dateOutOfRange' };
  return { ok: true, value };
}

const issueOf = (code: FieldMessageKey) => ({ code: 'custom' as const, message: code, params: code === 'dateOutOfRange' ? DATE_RANGE : undefined });

/** An ISO 8601 date-time (parseDateTime) → a Date. */
export const DateTimeSchema = z
  .string(e('required'))
  .min(1, e('required'))
  .transform((v, ctx) => {
    const parsed = parseDateTime(v);
    if (parsed.ok) return parsed.value;
    ctx.addIssue(issueOf(parsed.code));
    return z.NEVER;
  });

/**
 * A date, or a date-time whose UTC date is taken (Partner Center sends `closingDateTime` as a date-time) →
 * YYYY-MM-DD. A date-time is read as strictly as DateTimeSchema reads it.
 */
export function dateOfDateOrDateTime(raw: string): { ok: true; value: string } | { ok: false; code: FieldMessageKey } {
  const v = foldCode(raw);
  if (!/[Tt]/.test(v)) {
    const problem = dateProblem(v);
    return problem ? { ok: false, code: problem } : { ok: true, value: v };
  }
  const parsed = parseDateTime(v);
  if (!parsed.ok) return { ok: false, code: parsed.code === 'invalidDateTime' ? 'invalidDate' : parsed.code };
  return { ok: true, value: parsed.value.toISOString().slice(0, 10) };
}

export const DateOrDateTimeSchema = z
  .string(e('required'))
  .min(1, e('required'))
  .transform((v, ctx) => {
    const parsed = dateOfDateOrDateTime(v);
    if (parsed.ok) return parsed.value;
    ctx.addIssue(issueOf(parsed.code));
    return z.NEVER;
  });

/** A date not before `today` (YYYY-MM-DD, in the actor's time zone). */
export const futureDate = (today: string) => DateSchema.refine((v) => v >= today, e('dateInPast'));

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
export const CurrencySchema = z
  .string(e('required'))
  .transform((v) => foldCode(v).toUpperCase())
  .refine((v) => /^[A-Z]{3}$/.test(v) && CURRENCIES.has(v), e('invalidCurrency'));

export const CountrySchema = z
  .string(e('required'))
  .transform((v) => foldCode(v).toUpperCase())
  .refine((v) => isCountryCode(v), e('invalidCountry'));

export const DunsSchema = z
  .string(e('required'))
  .transform((v) => foldCode(v).replace(/[\s-]/g, ''))
  .refine((v) => /^\d{9}$/.test(v), e('invalidDuns'));

/** Largest amount accepted: Decimal(18,2) holds 16 integer digits; keep a margin. */
export const MAX_AMOUNT = 1e13;

/** A decimal number as people write one: digits, an optional sign and decimal point — no hex, exponent or Infinity. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * A typed amount → a number, as people type them: thousands separators, full-width digits from a Japanese IME,
 * "150万円", "1.5M" (parseAmount). NaN for anything else (`0x10`, `1e3`, `Infinity`), so it is refused as not a
 * number rather than read as 16 or 1000.
 */
export function amountOfText(v: string): number {
  return parseAmount(v);
}

/**
 * A positive money amount with at most two decimals. Accepts numbers and amounts as people type them ("1,200.50",
 * full-width from a Japanese IME "１，５００，０００", "150万円", "1.5M"; see parseAmount).
 */
export const AmountSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : amountOfText(v)) : v),
  z
    .number({ error: (issue) => (issue.input === undefined ? 'required' : 'notANumber') })
    .refine((n) => Number.isFinite(n), e('notANumber'))
    .refine((n) => n > 0, e('notPositive'))
    .refine((n) => n <= MAX_AMOUNT, e('tooLarge'))
    .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, e('tooManyDecimals')),
);

/** R9: a team member, all three fields required. */
export const TeamMemberSchema = z.object({
  name: requiredText(100),
  phone: PhoneSchema,
  email: EmailSchema,
  userId: z.string().optional().nullable(),
});
export type TeamMemberInput = z.infer<typeof TeamMemberSchema>;

function paramsOf(issue: z.core.$ZodIssue): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if ('maximum' in issue && issue.maximum !== undefined) out.max = Number(issue.maximum);
  if ('minimum' in issue && issue.minimum !== undefined) out.min = Number(issue.minimum);
  if (issue.code === 'custom' && issue.params) {
    for (const [k, v] of Object.entries(issue.params)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  }
  return out;
}

function keyOf(issue: z.core.$ZodIssue): FieldMessageKey {
  if (issue.message in FIELD_MESSAGES) return issue.message as FieldMessageKey;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? 'required' : 'invalid';
    case 'too_big':
      return issue.origin === 'string' ? 'tooLong' : issue.origin === 'array' ? 'tooMany' : 'tooLarge';
    case 'too_small':
      if (issue.origin === 'array') return 'atLeastOne';
      return issue.origin === 'string' && Number(issue.minimum) <= 1 ? 'required' : 'tooShort';
    case 'invalid_value':
    case 'invalid_union':
      return 'invalidChoice';
    case 'unrecognized_keys':
      return 'unknownField';
    default:
      return 'invalid';
  }
}

/** Turns zod issues into one error per field (the first issue of each field wins). */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const paths =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => [...issue.path, k].join('.'))
        : [issue.path.map(String).join('.')];
    for (const field of paths) {
      if (seen.has(field)) continue;
      seen.add(field);
      const code = keyOf(issue);
      out.push({ field, code, message: text(FIELD_MESSAGES[code], paramsOf(issue)) });
    }
  }
  return out;
}

export function fieldError(field: string, code: FieldMessageKey, params?: Record<string, string | number>): FieldError {
  return { field, code, message: text(FIELD_MESSAGES[code], params) };
}

/** Parses input with a schema; a failure becomes an INVALID_INPUT refusal with per-field errors. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; value: z.output<S> } | { ok: false; refusal: Refusal } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, refusal: refuse('INVALID_INPUT', {}, fieldErrorsOf(parsed.error)) };
}
