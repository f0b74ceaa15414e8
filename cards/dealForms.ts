import { DEFAULT_DOMAIN_CONFIG, EDITABLE_FIELDS, LIST_SEPARATOR, currencyChoices, formatDate, formatDateTime } from '../src/domain';
import {
  CLOSE_REASON_LABEL,
  CloseReasonSchema,
  DEAL_TYPE_LABEL,
  REGISTRATION_STATUS_LABEL,
  ReviewOutcomeSchema,
  type FieldError,
} from '../src/domain';
import type { DealRecord } from '../src/domain';
import type { RecentContact } from '../src/domain';
import { clip, formatMoney, zoneFor, type Notice, type NoteView } from './dealCard';
import { t, type Locale, type MessageKey } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import editTemplate from './templates/dealEdit.json';
import loseTemplate from './templates/dealLose.json';
import registerTemplate from './templates/dealRegister.json';
import reviewTemplate from './templates/dealReview.json';
import teamTemplate from './templates/dealTeam.json';
import { VERBS } from './verbs';

/**
 * The forms that work a deal (R19 edit, R9 team, R20 lost, R23 register and review). Each answers on the same card:
 * entered values stay, and each field shows its own error under it (R13's rule, kept for every form).
 */

export interface FormState {
  /** What the user entered (re-shown after an error). */
  values?: Record<string, unknown>;
  /** Field id → message in the user's language. */
  errors?: Record<string, string>;
  notice?: Notice;
  /** The reader's time zone, for the times the form shows (note history). */
  timeZone?: string;
  /** The currencies offered (configuration); the deal's own is always kept. */
  currencies?: readonly string[];
}

/** The id of the card input each domain field is entered in (where the two differ). */
export type FieldMap = Record<string, string>;

/**
 * Domain field errors → messages under the form's inputs (`map` renames domain fields to input ids; `team.2.email`
 * also matches `team`). Errors of fields the form has no input for come back in `other`, for the notice.
 */
export function errorsOf(fieldErrors: readonly FieldError[], locale: Locale, inputs: readonly string[], map: FieldMap = {}) {
  const errors: Record<string, string> = {};
  const other: string[] = [];
  for (const e of fieldErrors) {
    const id = map[e.field] ?? map[e.field.split('.')[0] as string] ?? e.field;
    if (inputs.includes(id)) errors[id] ??= e.message[locale];
    else other.push(e.message[locale]);
  }
  return { errors, other };
}

const envelope = (deal: DealRecord) => ({ dealId: deal.id, version: deal.version });

function header(deal: DealRecord, locale: Locale, titleKey: MessageKey, state: FormState) {
  return {
    notice: state.notice?.text ?? '',
    noticeStyle: state.notice ? state.notice.kind : 'default',
    title: t(locale, titleKey, { name: deal.name }),
    subtitle: [t(locale, 'deal.number', { number: deal.number }), deal.type === 'solutionAssessment' ? DEAL_TYPE_LABEL.solutionAssessment[locale] : ''].filter(Boolean).join(LIST_SEPARATOR[locale]),

    requiredMessage: t(locale, 'deal.form.required'),
  };
}

function formActions(deal: DealRecord, locale: Locale, submit?: { verb: string; titleKey: MessageKey; style?: string }) {
  return [
    ...(submit ? [{ title: t(locale, submit.titleKey), verb: submit.verb, data: envelope(deal), style: submit.style ?? 'positive' }] : []),
    { title: t(locale, 'deal.form.back'), verb: VERBS.dealRefresh, data: { dealId: deal.id }, style: 'default' },
  ];
}

/** labels/values/errors objects with every field present, so the template binds each one. */
function fieldsOf(locale: Locale, fields: readonly string[], prefix: string, state: FormState, defaults: Record<string, unknown>) {
  const labels: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    labels[f] = t(locale, `${prefix}.${f}` as MessageKey);
    const entered = state.values?.[f];
    values[f] = entered !== undefined ? entered : (defaults[f] ?? '');
    errors[f] = state.errors?.[f] ?? '';
  }
  return { labels, values, errors };
}

/** An amount in a text input: as typed (150万円 stays 150万円 after an error), a stored number as digits. */
function amountText(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v : '';
}

/** What every amount + currency form binds besides its fields: the currency choices and an example amount. */
function moneyInputs(locale: Locale, state: FormState, current: string | null | undefined) {
  return { currencies: currencyChoices(state.currencies ?? DEFAULT_DOMAIN_CONFIG.currencies, locale, current), amountPlaceholder: AMOUNT_EXAMPLE[locale] };
}

/** How an amount may be typed (issue 14): shown as the value inputs' placeholder. */
export const AMOUNT_EXAMPLE: Record<Locale, string> = { en: 'e.g. 1,500,000 or 1.5M', ja: '例: 1,500,000、150万' };

/** Input.Toggle wants "true"/"false". */
const toggleValue = (v: unknown) => (v === true || v === 'true' ? 'true' : 'false');

export const LOSE_FIELDS = ['reason', 'note'] as const;

/** R20: Lost needs a reason from Partner Center's list (R16) and takes an optional note. */
export function loseForm(deal: DealRecord, locale: Locale, state: FormState = {}): AdaptiveCard {
  return renderCard(loseTemplate, {
    ...header(deal, locale, 'deal.lose.title', state),
    intro: t(locale, 'deal.lose.intro'),
    ...fieldsOf(locale, LOSE_FIELDS, 'deal.lose.field', state, {}),
    reasons: CloseReasonSchema.options.map((r) => ({ title: CLOSE_REASON_LABEL[r][locale], value: r })),
    actions: formActions(deal, locale, { verb: VERBS.dealLose, titleKey: 'deal.lose.submit', style: 'destructive' }),
  });
}

/** The edit form: the fields R19 lets change (the domain's list), then a new note. */
export const EDIT_FIELDS = [...EDITABLE_FIELDS, 'note'] as const;
/** How many notes of the dated history the edit form shows (the History card shows them all, within its budget). */
const EDIT_FORM_NOTES = 5;

/**
 * R19: name, close date, value, currency, CRM and campaign ids, and a new note; location and solution read-only.
 * Issue 14 §3: the customer's contact with its consent (R7) and the note for the Microsoft specialist.
 */
export function editForm(deal: DealRecord, locale: Locale, notes: readonly NoteView[], state: FormState = {}): AdaptiveCard {
  const fields = fieldsOf(locale, EDIT_FIELDS, 'deal.edit.field', state, {
    name: deal.name,
    closeDate: deal.closeDate,
    value: deal.value,
    currency: deal.currency,
    crmId: deal.crmId ?? '',
    campaignId: deal.campaignId ?? '',
    contactName: deal.contact.name ?? '',
    contactPhone: deal.contact.phone ?? '',
    contactEmail: deal.contact.email ?? '',
    contactConsent: deal.contact.consent,
    specialistNote: deal.specialistNote ?? '',
  });
  fields.values.value = amountText(fields.values.value);
  fields.values.contactConsent = toggleValue(fields.values.contactConsent);
  const fixed = [
    { title: t(locale, 'deal.fact.location'), value: deal.locationName || deal.locationId },
    deal.type === 'solutionAssessment'
      ? { title: t(locale, 'deal.fact.assessment'), value: [deal.assessmentType, deal.assessmentLocation].filter(Boolean).join(LIST_SEPARATOR[locale]) || '—' }
      : { title: t(locale, 'deal.fact.solutions'), value: deal.solutions.map((s) => s.name).join(', ') || '—' },
  ];
  const newest = [...notes].reverse().slice(0, EDIT_FORM_NOTES);
  return renderCard(editTemplate, {
    ...header(deal, locale, 'deal.edit.title', state),
    fixed,
    fixedHint: t(locale, 'deal.edit.fixedHint'),
    contactTitle: t(locale, 'deal.edit.contactTitle'),
    contactIntro: t(locale, deal.contact.askMicrosoftHelp ? 'deal.edit.contactHelpIntro' : 'deal.edit.contactIntro'),
    ...moneyInputs(locale, state, deal.currency),
    ...fields,
    notesTitle: t(locale, 'deal.edit.notesTitle'),
    notes: newest.map((n) => ({ meta: noteMeta(n, locale, zoneFor(deal, locale, state.timeZone)), text: clip(n.text, 500) })),
    notesMore: notes.length > newest.length ? t(locale, 'deal.edit.notesMore', { count: notes.length - newest.length }) : '',
    actions: formActions(deal, locale, { verb: VERBS.dealEdit, titleKey: 'deal.edit.submit' }),
  });
}

export const noteMeta = (n: NoteView, locale: Locale, zone: string) =>
  [n.authorName, n.createdAt ? formatDateTime(n.createdAt, locale, zone) : null].filter(Boolean).join(locale === 'ja' ? '、' : ', ');

export const TEAM_FIELDS = ['remove', 'contact', 'memberName', 'memberPhone', 'memberEmail'] as const;

/** R9/R19: the team, with remove, add one of the user's recent contacts, or add a new member. */
export function teamForm(deal: DealRecord, locale: Locale, recents: readonly RecentContact[], state: FormState = {}): AdaptiveCard {
  const fields = fieldsOf(locale, TEAM_FIELDS, 'deal.team.field', state, { contact: recents[0]?.email ?? '' });
  return renderCard(teamTemplate, {
    ...header(deal, locale, 'deal.team.title', state),
    envelope: envelope(deal),
    membersTitle: t(locale, 'deal.team.members', { count: deal.team.length }),
    members: deal.team.map((m) => ({ name: m.name, detail: [m.email, m.phone].filter(Boolean).join(LIST_SEPARATOR[locale]) })),
    removable: deal.team.map((m) => ({ title: `${m.name} <${m.email}>`, value: m.email })),
    recents: recents.map((c) => ({ title: `${c.name} <${c.email}>`, value: c.email })),
    addTitle: t(locale, 'deal.team.addTitle'),
    ...fields,
    buttons: {
      remove: t(locale, 'deal.team.removeButton'),
      addContact: t(locale, 'deal.team.addContactButton'),
      add: t(locale, 'deal.team.addButton'),
    },
    actions: formActions(deal, locale),
  });
}

export const REGISTER_FIELDS = [
  'contractValue',
  'currency',
  'contractSignedDate',
  'contractStartDate',
  'contractEndDate',
  'deployedOnAzure',
  'marketplaceTransaction',
  'notes',
] as const;

/** R23: registration details of a won deal on an eligible solution. */
export function registerForm(deal: DealRecord, locale: Locale, state: FormState = {}): AdaptiveCard {
  const previous = deal.registration;
  const fields = fieldsOf(locale, REGISTER_FIELDS, 'deal.register.field', state, {
    contractValue: previous?.contractValue ?? deal.value,
    currency: previous?.currency ?? deal.currency,
    contractSignedDate: previous?.contractSignedDate ?? '',
    contractStartDate: previous?.contractStartDate ?? '',
    contractEndDate: previous?.contractEndDate ?? '',
    deployedOnAzure: previous?.deployedOnAzure ?? false,
    marketplaceTransaction: previous?.marketplaceTransaction ?? false,
    notes: previous?.notes ?? '',
  });
  fields.values.contractValue = amountText(fields.values.contractValue);
  fields.values.deployedOnAzure = toggleValue(fields.values.deployedOnAzure);
  fields.values.marketplaceTransaction = toggleValue(fields.values.marketplaceTransaction);
  return renderCard(registerTemplate, {
    ...header(deal, locale, 'deal.register.title', state),
    intro: t(locale, previous?.status === 'ActionRequired' ? 'deal.register.introAgain' : 'deal.register.intro'),
    ...fields,
    ...moneyInputs(locale, state, previous?.currency ?? deal.currency),
    actions: formActions(deal, locale, { verb: VERBS.dealRegister, titleKey: 'deal.register.submit' }),
  });
}

export const REVIEW_FIELDS = ['outcome', 'note'] as const;

/** R23: a Referrals admin records the reviewer's outcome. */
export function reviewForm(deal: DealRecord, locale: Locale, state: FormState = {}): AdaptiveCard {
  const r = deal.registration;
  const registration = r
    ? [
        { title: t(locale, 'deal.registration.status'), value: REGISTRATION_STATUS_LABEL[r.status][locale] },
        { title: t(locale, 'deal.registration.contractValue'), value: formatMoney(r.contractValue, r.currency, locale) },
        { title: t(locale, 'deal.registration.term'), value: `${formatDate(r.contractStartDate, locale)} – ${formatDate(r.contractEndDate, locale)}` },
        { title: t(locale, 'deal.registration.submitted'), value: r.submittedByName },
      ]
    : [];
  return renderCard(reviewTemplate, {
    ...header(deal, locale, 'deal.review.title', state),
    registration,
    ...fieldsOf(locale, REVIEW_FIELDS, 'deal.review.field', state, {}),
    outcomes: ReviewOutcomeSchema.options.map((o) => ({ title: REGISTRATION_STATUS_LABEL[o][locale], value: o })),
    actions: formActions(deal, locale, { verb: VERBS.dealReview, titleKey: 'deal.review.submit' }),
  });
}
