import { DEFAULT_DOMAIN_CONFIG, LIST_SEPARATOR, currencyChoices } from '../src/domain';
import { AMOUNT_EXAMPLE } from './dealForms';
import { FIELD_MESSAGES, type FieldError } from '../src/domain';
import type { DealRecord } from '../src/domain';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/referralAccept.json';

/** R15: the inline Accept form, pre-filled from the referral, answered on the same card with an error per field. */

/** How many optional team-member rows the form offers. */
export const ACCEPT_MEMBER_ROWS = 2;

export interface AcceptFormValues {
  name: string;
  value: string;
  currency: string;
  closeDate: string;
  notes: string;
  crmId: string;
  campaignId: string;
  members: { name: string; email: string; phone: string }[];
}

/** The form as it opens: the referral's values, and the person accepting as the first team member (issue 14). */
export function acceptDefaults(deal: DealRecord, me?: { name: string; email: string | null; phone: string | null }): AcceptFormValues {
  return {
    name: deal.name,
    value: String(deal.value),
    currency: deal.currency,
    closeDate: deal.closeDate,
    notes: '',
    crmId: deal.crmId ?? '',
    campaignId: deal.campaignId ?? '',
    members: me ? [{ name: me.name, email: me.email ?? '', phone: me.phone ?? '' }] : [],
  };
}

export const memberInputId = (i: number, part: 'Name' | 'Email' | 'Phone') => `member${i}${part}`;

export interface AcceptCardOptions {
  values: AcceptFormValues;
  errors?: readonly FieldError[];
  notice?: string;
  /** The currencies offered (configuration); the referral's own is always kept. */
  currencies?: readonly string[];
}

export function referralAcceptCard(deal: DealRecord, locale: Locale, opts: AcceptCardOptions): AdaptiveCard {
  const errorOf = (field: string) => opts.errors?.find((e) => e.field === field)?.message[locale] ?? '';
  const v = opts.values;
  const field = (id: keyof Omit<AcceptFormValues, 'members'>, kind: 'text' | 'number' | 'date' | 'choice', required: boolean, extra: { multiline?: boolean; maxLength?: number } = {}) => ({
    id,
    kind,
    label: t(locale, `referral.field.${id}`),
    value: v[id],
    required,
    multiline: extra.multiline ?? false,
    maxLength: extra.maxLength ?? 200,
    error: errorOf(id),
    // Shown by the Teams client itself when a required input is left empty.
    errorMessage: errorOf(id) || FIELD_MESSAGES.required[locale],
  });
  const members = Array.from({ length: ACCEPT_MEMBER_ROWS }, (_, i) => {
    const m = v.members[i] ?? { name: '', email: '', phone: '' };
    const n = i + 1;
    return {
      nameId: memberInputId(i, 'Name'),
      emailId: memberInputId(i, 'Email'),
      phoneId: memberInputId(i, 'Phone'),
      nameLabel: t(locale, 'referral.field.memberName', { n }),
      emailLabel: t(locale, 'referral.field.memberEmail', { n }),
      phoneLabel: t(locale, 'referral.field.memberPhone', { n }),
      name: m.name,
      email: m.email,
      phone: m.phone,
      nameError: errorOf(`team.${i}.name`),
      emailError: errorOf(`team.${i}.email`),
      phoneError: errorOf(`team.${i}.phone`),
    };
  });
  return renderCard(template, {
    notice: opts.notice ?? '',
    title: t(locale, 'referral.accept.title', { number: deal.number }),
    subtitle: [deal.name, deal.customer.name].join(LIST_SEPARATOR[locale]),
    intro: t(locale, 'referral.accept.intro'),
    currencies: currencyChoices(opts.currencies ?? DEFAULT_DOMAIN_CONFIG.currencies, locale, v.currency),
    amountPlaceholder: AMOUNT_EXAMPLE[locale],
    fields: [
      field('name', 'text', true),
      field('value', 'number', true),
      field('currency', 'choice', true, { maxLength: 3 }),
      field('closeDate', 'date', true),
      field('notes', 'text', true, { multiline: true, maxLength: 4000 }),
      field('crmId', 'text', false, { maxLength: 100 }),
      field('campaignId', 'text', false, { maxLength: 100 }),
    ],
    teamTitle: t(locale, 'referral.field.teamTitle'),
    members,
    submitTitle: t(locale, 'referral.accept.submit'),
    submitData: { dealId: deal.id, version: deal.version },
    cancelTitle: t(locale, 'referral.action.cancel'),
    cancelData: { dealId: deal.id },
  });
}
