import { z } from 'zod';
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
} as const satisfies Record<string, Text>;

export type FieldMessageKey = keyof typeof FIELD_MESSAGES;

const e = (key: FieldMessageKey) => ({ error: key });

/** Required text, trimmed, 1..max characters. */
export const requiredText = (max: number) =>
  z
    .string(e('required'))
    .trim()
    .min(1, e('required'))
    .max(max, { error: 'tooLong' });

/** Optional text: empty string and null become undefined. */
export const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v),
    z.string(e('invalid')).trim().max(max, { error: 'tooLong' }).optional(),
  );

export const EmailSchema = z
  .string(e('required'))
  .trim()
  .min(1, e('required'))
  .max(254, { error: 'tooLong' })
  .pipe(z.email(e('invalidEmail')));

const PHONE_CHARS = /^\+?[0-9 ()\-.]+$/;
export const PhoneSchema = z
  .string(e('required'))
  // A Japanese IME types full-width digits and hyphens (０３－１２３４): NFKC makes them the ASCII ones.
  .normalize('NFKC')
  .trim()
  .min(1, e('required'))
  .max(30, { error: 'tooLong' })
  .refine((v) => {
    const digits = v.replace(/\D/g, '').length;
    return PHONE_CHARS.test(v) && digits >= 7 && digits <= 15;
  }, e('invalidPhone'));

function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** A calendar date as YYYY-MM-DD. */
export const DateSchema = z.string(e('required')).trim().min(1, e('required')).refine(isCalendarDate, e('invalidDate'));

/** A date not before `today` (YYYY-MM-DD, in the actor's time zone). */
export const futureDate = (today: string) => DateSchema.refine((v) => v >= today, e('dateInPast'));

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
export const CurrencySchema = z
  .string(e('required'))
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => /^[A-Z]{3}$/.test(v) && CURRENCIES.has(v), e('invalidCurrency'));

export const CountrySchema = z
  .string(e('required'))
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => /^[A-Z]{2}$/.test(v) && new Intl.DisplayNames(['en'], { type: 'region' }).of(v) !== v, e('invalidCountry'));

export const DunsSchema = z
  .string(e('required'))
  .trim()
  .transform((v) => v.replace(/[\s-]/g, ''))
  .refine((v) => /^\d{9}$/.test(v), e('invalidDuns'));

/** Largest amount accepted: Decimal(18,2) holds 16 integer digits; keep a margin. */
export const MAX_AMOUNT = 1e13;

/**
 * A positive money amount with at most two decimals. Accepts numbers and amounts as people type them ("1,200.50",
 * full-width from a Japanese IME "１，５００，０００", "150万円", "1.5M"; see parseAmount).
 */
export const AmountSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : parseAmount(v)) : v),
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
