import { z } from 'zod';
import { CountrySchema, NewCustomerSchema, fieldErrorsOf, requiredText, type CustomerRecord, type NewCustomer } from '../../src/domain';
import { check, countryChoices, countryName, entriesOf, errorsFrom, tr } from './stepHelpers';
import type { Entries, Errors, StepContext, StepDef } from './wizardTypes';

/**
 * R6: find the customer in the directory and pick one, or add a new customer. Two ways to find it on one card: Teams'
 * type-ahead (`customerPick`, suggestions from bot/dialogs/customerTypeahead.ts as the user types) and, for clients
 * without it, the name field + Search, whose results are a radio list (`customerId`). A type-ahead pick becomes
 * `customerId` as if picked from the results, and the type-ahead is drawn empty again.
 */

/** The Data.Query dataset of the type-ahead (the `application/search` invokes name it). */
export const CUSTOMER_DATASET = 'customers';

/**
 * The type-ahead's one static choice (a choice set needs at least one), shown before anything is typed: "add a new
 * customer" — the way on when the directory has no match. No customer id looks like it (ids are UUIDs).
 */
export const NEW_CUSTOMER_CHOICE = 'new';

const CustomerIdSchema = z.string().min(1).max(64);

/** The card's new-customer inputs → the directory's fields. */
const NEW_FIELDS = { newName: 'name', newAddress: 'addressLine1', newCity: 'city', newCountry: 'country', newDuns: 'duns' } as const;

export function newCustomerOf(ctx: StepContext): { ok: true; value: NewCustomer } | { ok: false; errors: Errors } {
  const e = entriesOf(ctx, 'customer');
  const raw = Object.fromEntries(Object.entries(NEW_FIELDS).map(([input, field]) => [field, e[input] ?? '']));
  const parsed = NewCustomerSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const byField = Object.fromEntries(Object.entries(NEW_FIELDS).map(([input, field]) => [field, input]));
  const errors: Errors = {};
  for (const [field, message] of Object.entries(errorsFrom(fieldErrorsOf(parsed.error), ctx.locale))) {
    errors[byField[field] ?? field] = message;
  }
  return { ok: false, errors };
}

export function describeCustomer(c: Pick<CustomerRecord, 'name' | 'addressLine1' | 'city' | 'country' | 'duns'>, ctx: Pick<StepContext, 'locale'>): string {
  const place = [c.addressLine1, c.city, countryName(c.country, ctx.locale)].filter(Boolean).join(', ');
  return c.duns ? tr(ctx, 'wizard.customer.suggestion', { name: c.name, place, duns: c.duns }) : tr(ctx, 'wizard.customer.suggestionNoDuns', { name: c.name, place });
}

function suggestions(ctx: StepContext): Promise<CustomerRecord[]> {
  return ctx.services.customers.byIds(ctx.draft.customer.resultIds);
}

/**
 * A pick in the type-ahead counts as picking that company from search results: it becomes `customerId` and joins
 * the results shown, and the type-ahead is emptied (so a later radio pick is not overruled by it). Returns 'new' for
 * the "add a new customer" choice, the field's error for an id the directory does not have (a forged or stale
 * value), undefined otherwise.
 */
async function takeTypeaheadPick(ctx: StepContext, e: Entries): Promise<'new' | Errors | undefined> {
  const value = e.customerPick ?? '';
  e.customerPick = '';
  if (value === '') return undefined;
  if (value === NEW_CUSTOMER_CHOICE) return 'new';
  const id = CustomerIdSchema.safeParse(value);
  const customer = id.success ? await ctx.services.customers.get(id.data) : null;
  if (!customer) return { customerPick: tr(ctx, 'wizard.customer.pickGone') };
  const c = ctx.draft.customer;
  e.customerId = customer.id;
  c.resultIds = [customer.id, ...c.resultIds.filter((r) => r !== customer.id)];
  c.searched = true;
  return undefined;
}

export const customerStep: StepDef = {
  id: 'customer',

  async body(ctx, errors) {
    const e = entriesOf(ctx, 'customer');
    const countries = countryChoices(ctx.locale);
    const fieldsOf = (ids: { id: string; kind: 'text' | 'filtered' | 'typeahead'; label: Parameters<typeof tr>[1]; max?: number; placeholder?: string }[]) =>
      ids.map((f) => ({
        id: f.id,
        kind: f.kind,
        label: tr(ctx, f.label),
        value: e[f.id] ?? '',
        error: errors[f.id],
        maxLength: f.max,
        placeholder: f.placeholder,
        choices: f.kind === 'filtered' ? countries : f.kind === 'typeahead' ? [{ title: tr(ctx, 'wizard.customer.addNewChoice'), value: NEW_CUSTOMER_CHOICE }] : undefined,
        dataset: f.kind === 'typeahead' ? CUSTOMER_DATASET : undefined,
      }));
    if (ctx.draft.customer.mode === 'new') {
      return {
        title: tr(ctx, 'wizard.customer.title'),
        intro: tr(ctx, 'wizard.customer.newIntro'),
        sections: [
          {
            heading: tr(ctx, 'wizard.customer.newHeading'),
            fields: fieldsOf([
              { id: 'newName', kind: 'text', label: 'wizard.field.customerName', max: 200 },
              { id: 'newAddress', kind: 'text', label: 'wizard.field.address', max: 300 },
              { id: 'newCity', kind: 'text', label: 'wizard.field.city', max: 100 },
              { id: 'newCountry', kind: 'filtered', label: 'wizard.field.country' },
              { id: 'newDuns', kind: 'text', label: 'wizard.field.duns', max: 11, placeholder: '123456789' },
            ]),
            actions: [ctx.button(tr(ctx, 'wizard.customer.backToSearch'), 'searchCustomer', { inputs: 'none' })],
          },
        ],
      };
    }
    const found = ctx.draft.customer.searched ? await suggestions(ctx) : [];
    const results = !ctx.draft.customer.searched
      ? []
      : found.length === 0
        ? [{ heading: tr(ctx, 'wizard.customer.resultsHeading'), text: tr(ctx, 'wizard.customer.noMatch') }]
        : [
            {
              heading: tr(ctx, 'wizard.customer.resultsHeading'),
              fields: [
                {
                  id: 'customerId',
                  kind: 'radio' as const,
                  label: tr(ctx, 'wizard.field.pickCustomer'),
                  value: e.customerId ?? '',
                  error: errors.customerId,
                  choices: found.map((c) => ({ title: describeCustomer(c, ctx), value: c.id })),
                },
              ],
            },
          ];
    return {
      title: tr(ctx, 'wizard.customer.title'),
      intro: tr(ctx, 'wizard.customer.intro'),
      sections: [
        {
          // Country and city first: Teams sends them with each type-ahead query (associatedInputs).
          fields: fieldsOf([
            { id: 'country', kind: 'filtered', label: 'wizard.field.country' },
            { id: 'city', kind: 'text', label: 'wizard.field.city', max: 100 },
            { id: 'customerPick', kind: 'typeahead', label: 'wizard.field.customerTypeahead', placeholder: tr(ctx, 'wizard.customer.typeaheadPlaceholder') },
          ]),
        },
        {
          // The fallback for clients without the type-ahead.
          text: tr(ctx, 'wizard.customer.searchHint'),
          fields: fieldsOf([
            { id: 'query', kind: 'text', label: 'wizard.field.customerQuery', max: 200, placeholder: tr(ctx, 'wizard.customer.queryPlaceholder') },
          ]),
          actions: [ctx.button(tr(ctx, 'wizard.customer.search'), 'search'), ctx.button(tr(ctx, 'wizard.customer.addNew'), 'newCustomer')],
        },
        ...results,
      ],
    };
  },

  async submit(ctx, navClicked) {
    const e = entriesOf(ctx, 'customer');
    let nav = navClicked;
    if (ctx.draft.customer.mode === 'search') {
      const taken = await takeTypeaheadPick(ctx, e);
      if (taken === 'new') nav = 'newCustomer';
      else if (taken) return { kind: 'stay', errors: taken };
    }
    if (nav === 'newCustomer') {
      ctx.draft.customer.mode = 'new';
      e.newCountry ||= e.country ?? '';
      e.newCity ||= e.city ?? '';
      e.newName ||= e.query ?? '';
      return { kind: 'stay' };
    }
    if (nav === 'searchCustomer') {
      ctx.draft.customer.mode = 'search';
      return { kind: 'stay' };
    }
    if (nav === 'search') {
      const errors: Errors = {};
      check(CountrySchema, e.country ?? '', 'country', ctx.locale, errors);
      check(requiredText(200), e.query ?? '', 'query', ctx.locale, errors);
      if (Object.keys(errors).length) return { kind: 'stay', errors };
      const { customers: found, total, more } = await ctx.services.customers.suggest({ country: e.country ?? '', city: e.city, query: e.query ?? '' });
      ctx.draft.customer.resultIds = found.map((c) => c.id);
      ctx.draft.customer.searched = true;
      if (!found.some((c) => c.id === e.customerId)) e.customerId = found.length === 1 ? (found[0]?.id ?? '') : '';
      // Capped: say how many matched, so nobody takes the ten shown for all there are.
      const notice = total > found.length
        ? tr(ctx, 'wizard.customer.foundSome', { shown: found.length, total: more ? `${total}+` : total })
        : found.length ? tr(ctx, 'wizard.customer.found', { count: found.length }) : undefined;
      return { kind: 'stay', notice };
    }
    if (nav !== 'next') return { kind: 'stay' };
    if (ctx.draft.customer.mode === 'new') {
      const parsed = newCustomerOf(ctx);
      if (!parsed.ok) return { kind: 'stay', errors: parsed.errors };
      const same = parsed.value.duns ? await ctx.services.customers.findByDuns(parsed.value.duns) : null;
      if (same) return { kind: 'stay', errors: { newDuns: tr(ctx, 'wizard.customer.dunsExists', { name: same.name }) } };
      return { kind: 'next' };
    }
    const picked = CustomerIdSchema.safeParse(e.customerId);
    const customer = picked.success ? await ctx.services.customers.get(picked.data) : null;
    if (!customer) {
      return { kind: 'stay', errors: { customerId: tr(ctx, 'wizard.customer.pickOne') } };
    }
    return { kind: 'next' };
  },

  async summary(ctx) {
    const e = entriesOf(ctx, 'customer');
    if (ctx.draft.customer.mode === 'new') {
      const parsed = newCustomerOf(ctx);
      return parsed.ok ? tr(ctx, 'wizard.summary.newCustomer', { customer: describeCustomer({ ...parsed.value, city: parsed.value.city ?? null, duns: parsed.value.duns ?? null }, ctx) }) : '';
    }
    const customer = await ctx.services.customers.get(e.customerId ?? '');
    return customer ? describeCustomer(customer, ctx) : '';
  },
};
