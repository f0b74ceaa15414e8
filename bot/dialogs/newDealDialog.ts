import { ComponentDialog, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CardStepDialog, type StepResult } from './cardStepDialog';
import { contactStep } from './contactStep';
import { customerStep } from './customerStep';
import { detailsStep } from './detailsStep';
import { reviewStep } from './reviewStep';
import { solutionStep } from './solutionStep';
import { teamStep } from './teamStep';
import { STEP_IDS, type Draft, type StepDef } from './wizardTypes';

export const NEW_DEAL_DIALOG = 'newDeal';
const LOOP = 'newDeal.loop';

export const STEPS: readonly StepDef[] = [customerStep, contactStep, detailsStep, teamStep, solutionStep, reviewStep];

export interface LoopOptions {
  index: number;
  draft: Draft;
}

/**
 * The new-deal wizard (R6–R11): a loop that runs the step at `index` and, when it ends, replaces itself with the
 * next one (or the previous one after Back). The draft travels in the options, so the whole wizard is plain JSON
 * on the dialog stack and a restarted bot continues at the same step.
 */
export class NewDealDialog extends ComponentDialog {
  constructor() {
    super(NEW_DEAL_DIALOG);
    if (STEPS.map((s) => s.id).join() !== STEP_IDS.join()) throw new Error('wizard steps out of order');
    // The review step lists everything itself; the others carry the steps done so far on top.
    STEPS.forEach((step, i) => this.addDialog(new CardStepDialog(step, step.id === 'review' ? [] : STEPS.slice(0, i))));
    this.addDialog(
      new WaterfallDialog(LOOP, [
        async (step: WaterfallStepContext) => {
          const { index, draft } = step.options as LoopOptions;
          return step.beginDialog(STEP_IDS[index] ?? STEP_IDS[0], { draft });
        },
        async (step: WaterfallStepContext) => {
          const { index } = step.options as LoopOptions;
          const result = step.result as StepResult;
          if (result.nav === 'done') return step.endDialog(result);
          const next = result.nav === 'back' ? Math.max(0, index - 1) : Math.min(STEP_IDS.length - 1, index + 1);
          return step.replaceDialog(LOOP, { index: next, draft: result.draft } satisfies LoopOptions);
        },
      ]),
    );
    this.initialDialogId = LOOP;
  }
}
