import { MessageFactory, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { t } from '../../cards/i18n';
import { cardAttachment, type AdaptiveCard } from '../../cards/render';
import { wizardDoneCard, wizardStepCard, type WizardButton } from '../../cards/wizardCard';
import { fieldIdsOf, tr } from './stepHelpers';
import { STEP_IDS, WIZARD_VERB, wizardTurnOf, type Draft, type Errors, type Nav, type StepContext, type StepDef, type StepOutcome, type WizardTurn } from './wizardTypes';

/**
 * One wizard step as a dialog. The whole run lives in one message (issue 14: one card, not six one-liners): the
 * first step is posted; each later step replaces the clicked card (the invoke's answer), with the steps done so far
 * as one line each under the header. A click either stays on the step (the same card again, with per-field errors or
 * search results, entries kept), goes back, or finishes the step and the dialog ends with the draft. Create turns
 * the card into the one-line result; cancel (typed or clicked) into "cancelled".
 */

export interface StepResult {
  nav: 'next' | 'back' | 'done';
  draft: Draft;
}

function stepContext(w: WizardTurn, draft: Draft): StepContext {
  return {
    turn: w.turn,
    services: w.services,
    locale: w.turn.locale,
    draft,
    button(title, nav, opts = {}) {
      const { arg, ...rest } = opts;
      return { title, verb: WIZARD_VERB, data: controlData(w, nav, arg), ...rest };
    },
  };
}

function controlData(w: WizardTurn, nav: Nav, arg?: string): Record<string, unknown> {
  const s = w.session;
  return { wizard: s.wizardId, token: s.token, owner: w.turn.user.aadObjectId, nav, ...(arg ? { arg } : {}) };
}

/** One line per step done before this one ("✔ Customer: Fabrikam Japan KK — Tokyo"). */
async function doneLines(ctx: StepContext, before: readonly StepDef[]): Promise<string[]> {
  const lines: string[] = [];
  for (const s of before) lines.push(tr(ctx, 'wizard.doneLine', { step: tr(ctx, `wizard.${s.id}.title`), summary: await s.summary(ctx) }));
  return lines;
}

/** The step's card: the steps done, its body, errors under their fields (others on top), Back / Cancel / Next. */
async function stepCard(w: WizardTurn, step: StepDef, ctx: StepContext, before: readonly StepDef[], outcome: Extract<StepOutcome, { kind: 'stay' }> = { kind: 'stay' }): Promise<AdaptiveCard> {
  const errors = outcome.errors ?? {};
  const body = await step.body(ctx, errors);
  const shown = new Set(fieldIdsOf(body));
  const elsewhere = Object.entries(errors).filter(([field]) => !shown.has(field)).map(([, message]) => message);
  const hasErrors = Object.keys(errors).length > 0;
  const index = STEP_IDS.indexOf(step.id);
  const buttons: WizardButton[] = [
    ...(index > 0 ? [ctx.button(tr(ctx, 'wizard.back'), 'back')] : []),
    ctx.button(tr(ctx, 'wizard.cancel'), 'cancel', { inputs: 'none' }),
    ctx.button(body.nextTitle ?? tr(ctx, 'wizard.next'), 'next', { style: 'positive' }),
  ];
  const { nextTitle: _omit, ...view } = body;
  return wizardStepCard({
    ...view,
    header: tr(ctx, 'wizard.header', { n: index + 1, total: STEP_IDS.length, owner: w.session.ownerName ?? '' }),
    done: await doneLines(ctx, before),
    notice: outcome.notice ?? (hasErrors ? t(ctx.locale, 'wizard.fixErrors') : undefined),
    noticeLines: [...(outcome.noticeLines ?? []), ...elsewhere],
    noticeStyle: hasErrors || outcome.noticeLines?.length ? 'attention' : 'good',
    buttons,
  });
}

/** Replaces the current step's card (for everyone in the conversation) with one line; the clicker gets it too. */
export async function closeStepCard(context: TurnContext, w: WizardTurn, line: string, kind: 'done' | 'cancelled' | 'info' = 'done'): Promise<AdaptiveCard> {
  const card = wizardDoneCard(line, kind);
  const id = w.session.stepActivityId;
  if (id) {
    try {
      await context.updateActivity({ type: 'message', id, attachments: [cardAttachment(card)] });
    } catch (err) {
      w.services.logger.warn({ err, activityId: id }, 'could not replace a finished wizard card');
    }
  }
  w.session.stepActivityId = undefined;
  w.reply = card;
  return card;
}

export class CardStepDialog extends Dialog<{ draft: Draft }> {
  constructor(
    private readonly step: StepDef,
    /** The steps before this one, whose one-line summaries head its card. */
    private readonly before: readonly StepDef[] = [],
  ) {
    super(step.id);
  }

  override async beginDialog(dc: DialogContext, options?: { draft: Draft }): Promise<DialogTurnResult> {
    const w = wizardTurnOf(dc.context);
    const draft = options?.draft;
    if (!draft) throw new Error(`wizard step ${this.step.id} started without a draft`);
    dc.activeDialog!.state.draft = draft;
    // A new card, a new token: whatever card was there before is stale from now on.
    w.session.seq = (w.session.seq ?? 0) + 1;
    w.session.token = `${w.session.wizardId}.${w.session.seq}`;
    w.session.step = this.step.id;
    const card = await stepCard(w, this.step, stepContext(w, draft), this.before);
    if (w.submit && w.session.stepActivityId) {
      // Next or Back on the wizard's card: this step takes its place (the invoke's answer updates the message).
      w.reply = card;
    } else {
      const sent = await dc.context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
      w.session.stepActivityId = sent?.id;
    }
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const w = wizardTurnOf(dc.context);
    if (!w.submit) return Dialog.EndOfTurn;
    const draft = dc.activeDialog!.state.draft as Draft;
    const ctx = stepContext(w, draft);
    // Take exactly the inputs this card shows; a missing one is an emptied field.
    const ids = fieldIdsOf(await this.step.body(ctx, {}));
    const entries = (draft.entries[this.step.id] ??= {});
    for (const id of ids) {
      const v = w.inputs[id];
      entries[id] = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    }
    if (w.submit.nav === 'back') return dc.endDialog({ nav: 'back', draft } satisfies StepResult);
    const outcome = await this.step.submit(ctx, w.submit.nav, w.submit.arg);
    if (outcome.kind === 'stay') {
      w.reply = await stepCard(w, this.step, ctx, this.before, outcome);
      return Dialog.EndOfTurn;
    }
    if (outcome.kind === 'created') {
      await closeStepCard(dc.context, w, outcome.line);
      return dc.endDialog({ nav: 'done', draft } satisfies StepResult);
    }
    return dc.endDialog({ nav: 'next', draft } satisfies StepResult);
  }
}

