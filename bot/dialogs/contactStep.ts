import { LIST_SEPARATOR, ContactSchema, CreateDealSchema, crossFieldErrors, fieldErrorsOf } from '../../src/domain';
import { check, entriesOf, errorsFrom, tr, truthy } from './stepHelpers';
import type { Errors, StepContext, StepDef } from './wizardTypes';

/** R7: the customer's primary contact (optional unless Microsoft help is asked), consent, note for the specialist. */

export function contactOf(ctx: StepContext) {
  const e = entriesOf(ctx, 'contact');
  return {
    name: e['contact.name'] ?? '',
    phone: e['contact.phone'] ?? '',
    email: e['contact.email'] ?? '',
    consent: e['contact.consent'] ?? 'false',
    askMicrosoftHelp: e['contact.askMicrosoftHelp'] ?? 'false',
  };
}

export const contactStep: StepDef = {
  id: 'contact',

  async body(ctx, errors) {
    const e = entriesOf(ctx, 'contact');
    const field = (id: string, kind: 'text' | 'multiline' | 'toggle', label: Parameters<typeof tr>[1], maxLength?: number) => ({
      id,
      kind,
      label: tr(ctx, label),
      value: e[id] ?? (kind === 'toggle' ? 'false' : ''),
      error: errors[id],
      maxLength,
    });
    return {
      title: tr(ctx, 'wizard.contact.title'),
      intro: tr(ctx, 'wizard.contact.intro'),
      sections: [
        {
          fields: [
            field('contact.name', 'text', 'wizard.field.contactName', 100),
            field('contact.phone', 'text', 'wizard.field.phone', 30),
            field('contact.email', 'text', 'wizard.field.email', 254),
            field('contact.consent', 'toggle', 'wizard.field.contactConsent'),
            field('contact.askMicrosoftHelp', 'toggle', 'wizard.field.askMicrosoftHelp'),
            field('specialistNote', 'multiline', 'wizard.field.specialistNote', 2000),
          ],
        },
      ],
    };
  },

  async submit(ctx) {
    const contact = contactOf(ctx);
    const parsed = ContactSchema.safeParse(contact);
    const errors: Errors = parsed.success ? {} : errorsFrom(fieldErrorsOf(parsed.error), ctx.locale, 'contact');
    // The domain's R7 rules (consent before any detail is kept; details required for Microsoft help), this step's part.
    const cross = crossFieldErrors({ contact, consent: true }, ctx.services.domain).filter((x) => x.field.startsWith('contact.'));
    for (const [k, v] of Object.entries(errorsFrom(cross, ctx.locale))) errors[k] ??= v;
    check(CreateDealSchema.shape.specialistNote, entriesOf(ctx, 'contact').specialistNote ?? '', 'specialistNote', ctx.locale, errors);
    return Object.keys(errors).length ? { kind: 'stay', errors } : { kind: 'next' };
  },

  async summary(ctx) {
    const c = contactOf(ctx);
    const who = [c.name, c.email, c.phone].filter((x) => x.trim()).join(LIST_SEPARATOR[ctx.locale]) || tr(ctx, 'wizard.summary.noContact');
    const help = tr(ctx, truthy(c.askMicrosoftHelp) ? 'wizard.summary.yes' : 'wizard.summary.no');
    return tr(ctx, 'wizard.summary.contact', { contact: who, help });
  },
};
