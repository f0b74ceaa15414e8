import { LIST_SEPARATOR } from '../src/domain';
import { CLOSE_REASON_LABEL, CloseReasonSchema, FIELD_MESSAGES, type FieldError } from '../src/domain';
import type { DealRecord } from '../src/domain';
import { t, type Locale } from './i18n';
import { renderCard, type AdaptiveCard } from './render';
import template from './templates/referralDecline.json';

/** R16: Partner Center's decline reasons as a list, plus an optional message to the sender. */

export interface DeclineCardOptions {
  values?: { reason?: string; message?: string };
  errors?: readonly FieldError[];
  notice?: string;
}

export function referralDeclineCard(deal: DealRecord, locale: Locale, opts: DeclineCardOptions = {}): AdaptiveCard {
  const errorOf = (field: string) => opts.errors?.find((e) => e.field === field)?.message[locale] ?? '';
  const reason = CloseReasonSchema.safeParse(opts.values?.reason);
  return renderCard(template, {
    notice: opts.notice ?? '',
    title: t(locale, 'referral.decline.title', { number: deal.number }),
    subtitle: [deal.name, deal.customer.name].join(LIST_SEPARATOR[locale]),
    intro: t(locale, 'referral.decline.intro'),
    reasonLabel: t(locale, 'referral.field.reason'),
    reasonPlaceholder: t(locale, 'referral.field.reasonPlaceholder'),
    reason: reason.success ? reason.data : '',
    reasons: CloseReasonSchema.options.map((value) => ({ value, title: CLOSE_REASON_LABEL[value][locale] })),
    reasonError: errorOf('reason'),
    reasonErrorMessage: errorOf('reason') || FIELD_MESSAGES.required[locale],
    messageLabel: t(locale, 'referral.field.message'),
    message: opts.values?.message ?? '',
    messageError: errorOf('message'),
    submitTitle: t(locale, 'referral.decline.submit'),
    submitData: { dealId: deal.id, version: deal.version },
    cancelTitle: t(locale, 'referral.action.cancel'),
    cancelData: { dealId: deal.id },
  });
}
