import { formatMoney } from '../../cards/dealCard';
import { AMOUNT_EXAMPLE } from '../../cards/dealForms';
import { AmountSchema, CreateDealSchema, DEAL_TYPE_LABEL, DealTypeSchema, createRefusal, currencyChoices, fieldError, fieldErrorsOf, formatDate, futureDate } from '../../src/domain';
import { entriesOf, errorsFrom, scopeLocations, tr } from './stepHelpers';
import type { Errors, StepContext, StepDef } from './wizardTypes';

/** R8: deal type, name, location (only the user's scope), value + currency, close date, CRM/campaign ids, notes. */

const DetailsSchema = CreateDealSchema.pick({
  dealType: true,
  name: true,
  locationId: true,
  value: true,
  currency: true,
  closeDate: true,
  crmId: true,
  campaignId: true,
  notes: true,
});

export const DETAIL_FIELDS = Object.keys(DetailsSchema.shape);

/** This step's entries; an empty input is a missing value (so an unchosen deal type reads "required"). */
export function detailsOf(ctx: StepContext): Record<string, string | undefined> {
  const e = entriesOf(ctx, 'details');
  return Object.fromEntries(DETAIL_FIELDS.map((k) => [k, e[k]?.trim() ? e[k] : undefined]));
}

export const detailsStep: StepDef = {
  id: 'details',

  async body(ctx, errors) {
    const e = entriesOf(ctx, 'details');
    const locations = await scopeLocations(ctx.services, ctx.turn.actor);
    const f = (id: string, kind: 'text' | 'multiline' | 'date' | 'radio' | 'choice', label: Parameters<typeof tr>[1], extra: object = {}) => ({
      id,
      kind,
      label: tr(ctx, label),
      value: e[id] ?? '',
      error: errors[id],
      ...extra,
    });
    return {
      title: tr(ctx, 'wizard.details.title'),
      intro: tr(ctx, 'wizard.details.intro'),
      sections: [
        {
          fields: [
            f('dealType', 'radio', 'wizard.field.dealType', {
              choices: DealTypeSchema.options.map((v) => ({ title: DEAL_TYPE_LABEL[v][ctx.locale], value: v })),
            }),
            f('name', 'text', 'wizard.field.dealName', { maxLength: 200 }),
            f('locationId', 'choice', 'wizard.field.location', {
              choices: locations.map((l) => ({ title: l.name, value: l.id })),
              placeholder: tr(ctx, 'wizard.details.locationPlaceholder'),
            }),
            f('value', 'text', 'wizard.field.value', { placeholder: AMOUNT_EXAMPLE[ctx.locale], maxLength: 30 }),
            f('currency', 'choice', 'wizard.field.currency', {
              choices: currencyChoices(ctx.services.domain.currencies, ctx.locale, e.currency || undefined),
            }),
            f('closeDate', 'date', 'wizard.field.closeDate'),
            f('crmId', 'text', 'wizard.field.crmId', { maxLength: 100 }),
            f('campaignId', 'text', 'wizard.field.campaignId', { maxLength: 100 }),
            f('notes', 'multiline', 'wizard.field.notes', { maxLength: 4000 }),
          ],
        },
      ],
    };
  },

  async submit(ctx) {
    const raw = detailsOf(ctx);
    const parsed = DetailsSchema.extend({ closeDate: futureDate(ctx.turn.today) }).safeParse(raw);
    const errors: Errors = parsed.success ? {} : errorsFrom(fieldErrorsOf(parsed.error), ctx.locale);
    if (raw.locationId && !errors.locationId) {
      // R3: only the user's scope; the domain says why not, a location that does not exist is just not a choice.
      const refusal = createRefusal(raw.locationId, ctx.turn.actor);
      const offered = await scopeLocations(ctx.services, ctx.turn.actor);
      if (refusal) errors.locationId = refusal.message[ctx.locale];
      else if (!offered.some((l) => l.id === raw.locationId)) errors.locationId = fieldError('locationId', 'invalidChoice').message[ctx.locale];
    }
    return Object.keys(errors).length ? { kind: 'stay', errors } : { kind: 'next' };
  },

  async summary(ctx) {
    const d = detailsOf(ctx);
    const type = DealTypeSchema.safeParse(d.dealType);
    const locations = await scopeLocations(ctx.services, ctx.turn.actor);
    return tr(ctx, 'wizard.summary.details', {
      name: d.name?.trim() ?? '',
      type: type.success ? DEAL_TYPE_LABEL[type.data][ctx.locale] : '',
      location: locations.find((l) => l.id === d.locationId)?.name ?? d.locationId ?? '',
      // The domain's reading of the amount (it also folds full-width digits), not a second parser.
      value: formatMoney(AmountSchema.safeParse(d.value).data ?? NaN, (d.currency ?? '').toUpperCase(), ctx.locale),
      closeDate: d.closeDate ? formatDate(d.closeDate, ctx.locale) : '',
    });
  },
};
