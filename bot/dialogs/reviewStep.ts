import { MessageFactory } from 'botbuilder';
import { t } from '../../cards/i18n';
import { cardAttachment } from '../../cards/render';
import { createDeal, type DealRecord, type Refusal } from '../../src/domain';
import { personalDealCard } from '../dealView';
import { contactOf, contactStep } from './contactStep';
import { customerStep, newCustomerOf } from './customerStep';
import { detailsOf, detailsStep } from './detailsStep';
import { solutionOf, solutionStep } from './solutionStep';
import { entriesOf, tr } from './stepHelpers';
import { teamOf, teamStep } from './teamStep';
import type { Errors, StepContext, StepDef, StepId, StepOutcome } from './wizardTypes';

/** R11/R12: the summary of everything, the consent checkbox, and "Create deal" — the only write of the wizard. */

/** Stands in for a customer that is added only when the deal is created (nothing is written before that). */
const NEW_CUSTOMER = 'new-customer';

/** Everything the wizard collected, as the domain's create input (raw: the domain parses and validates it). */
export function createInputOf(ctx: StepContext, customerId: string): Record<string, unknown> {
  const { unknown: _unknown, ...solution } = solutionOf(ctx);
  return {
    ...detailsOf(ctx),
    customerId,
    contact: contactOf(ctx),
    specialistNote: entriesOf(ctx, 'contact').specialistNote ?? '',
    team: teamOf(ctx).members,
    ...solution,
    consent: entriesOf(ctx, 'review').consent ?? 'false',
  };
}

function stepOfField(field: string): StepId {
  if (field === 'customerId') return 'customer';
  if (field.startsWith('contact.') || field === 'specialistNote') return 'contact';
  if (field.startsWith('team')) return 'team';
  if (['assessmentType', 'assessmentLocation', 'solutions'].includes(field)) return 'solution';
  if (field === 'consent') return 'review';
  return 'details';
}

/** A refusal at Create: consent under its checkbox, anything else named with the step to go back to. */
function refused(ctx: StepContext, refusal: Refusal): StepOutcome {
  const errors: Errors = {};
  const lines: string[] = [];
  for (const e of refusal.fieldErrors) {
    if (e.field === 'consent') errors.consent = e.message[ctx.locale];
    else lines.push(tr(ctx, 'wizard.review.fixIn', { step: tr(ctx, `wizard.${stepOfField(e.field)}.title`), message: e.message[ctx.locale] }));
  }
  return { kind: 'stay', errors, notice: refusal.message[ctx.locale], noticeLines: lines };
}

async function postDealCard(ctx: StepContext, deal: DealRecord): Promise<void> {
  const { context, actor, locale, today } = ctx.turn;
  const domainCtx = { now: new Date(), today, timeZone: ctx.turn.timeZone, config: ctx.services.domain };
  const notice = { kind: 'good' as const, text: t(locale, 'wizard.created.notice') };
  const card = personalDealCard(deal, actor, locale, domainCtx, notice, await ctx.services.publisher.deciders(deal), ctx.services.partnerCenter?.linkOf);
  const sent = await context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
  // Recorded as a posted copy: later changes to the deal update this message too.
  await ctx.services.publisher.track(deal, context.activity.conversation.id, sent?.id ?? '');
}

export const reviewStep: StepDef = {
  id: 'review',

  async body(ctx, errors) {
    const d = detailsOf(ctx);
    const line = async (step: StepDef) => ({ title: tr(ctx, `wizard.${step.id}.title`), value: (await step.summary(ctx)) || '—' });
    const optional = (v: string | undefined) => (v?.trim() ? v.trim() : '—');
    return {
      title: tr(ctx, 'wizard.review.title'),
      intro: tr(ctx, 'wizard.review.intro'),
      nextTitle: tr(ctx, 'wizard.review.create'),
      sections: [
        {
          facts: [
            await line(customerStep),
            await line(contactStep),
            await line(detailsStep),
            { title: tr(ctx, 'wizard.field.crmId'), value: optional(d.crmId) },
            { title: tr(ctx, 'wizard.field.campaignId'), value: optional(d.campaignId) },
            { title: tr(ctx, 'wizard.field.notes'), value: optional(d.notes) },
            await line(teamStep),
            await line(solutionStep),
          ],
        },
        {
          fields: [
            {
              id: 'consent',
              kind: 'toggle',
              label: tr(ctx, 'wizard.field.consent'),
              value: entriesOf(ctx, 'review').consent ?? 'false',
              error: errors.consent,
            },
          ],
        },
      ],
    };
  },

  async submit(ctx) {
    const { actor, today } = ctx.turn;
    const newCustomer = ctx.draft.customer.mode === 'new' ? newCustomerOf(ctx) : null;
    const input = createInputOf(ctx, newCustomer ? NEW_CUSTOMER : (entriesOf(ctx, 'customer').customerId ?? ''));
    // The domain decides first, so a refused deal never leaves a new customer behind.
    const decided = createDeal(input, actor, { now: new Date(), today, config: ctx.services.domain });
    if (!decided.ok) return refused(ctx, decided.refusal);
    if (newCustomer && !newCustomer.ok) {
      return { kind: 'stay', notice: tr(ctx, 'wizard.review.fixIn', { step: tr(ctx, 'wizard.customer.title'), message: Object.values(newCustomer.errors).join(' ') }) };
    }
    // A new customer is added to the directory in the same transaction as the deal.
    const created = await ctx.services.commands.create(input, actor, { today, newCustomer: newCustomer?.value });
    if (!created.ok) return refused(ctx, created.refusal);
    const deal = created.value;
    await postDealCard(ctx, deal);
    return { kind: 'created', dealId: deal.id, line: tr(ctx, 'wizard.created.line', { number: deal.number, name: deal.name }) };
  },

  async summary(ctx) {
    return tr(ctx, 'wizard.review.title');
  },
};
