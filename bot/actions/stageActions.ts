import { t } from '../../cards/i18n';
import { guard, isRegistrationEligible, STAGE_LABEL, StageSchema } from '../../src/domain';
import { sentences } from '../../cards/i18n';
import { registerForm } from '../../cards/dealForms';
import { registerButton } from '../dealView';
import { contextOf, currentCard, DealActionData, notFoundCard, runDealCommand } from './dealCommand';
import type { CardActionHandler } from '../handlerTypes';
import { VERBS } from '../../cards/verbs';

/** R20/R21 buttons: complete the next mandatory stage, set an optional co-sell stage, mark Won. */

const stageOf = (data: Record<string, unknown>) => {
  const parsed = StageSchema.safeParse(data.stage);
  return parsed.success ? parsed.data : 'created';
};

export const completeStage: CardActionHandler = (action) =>
  runDealCommand(
    action,
    (data) => ({ type: 'completeStage', input: { stage: data.stage } }),
    'deal.done.completeStage',
    () => ({ stage: STAGE_LABEL[stageOf(action.data)][action.turn.locale] }),
  );

export const setStage: CardActionHandler = (action) =>
  runDealCommand(
    action,
    (data) => ({ type: 'setStage', input: { stage: data.stage } }),
    'deal.done.setStage',
    () => ({ stage: STAGE_LABEL[stageOf(action.data)][action.turn.locale] }),
  );

/** R23: Won on an eligible solution goes straight on to the registration form (the state machine says when). */
export const win: CardActionHandler = (action) =>
  runDealCommand(action, () => ({ type: 'win' }), 'deal.done.win', undefined, {
    onDone: async (outcome, notice) =>
      guard(outcome.deal, 'register', action.turn.actor, contextOf(action))
        ? undefined
        : registerForm(outcome.deal, action.turn.locale, { currencies: action.services.domain.currencies, notice: { ...notice, text: sentences(action.turn.locale, notice.text, t(action.turn.locale, 'deal.register.next')) } }),
  });

/** Teams asks for each listed user's own view (refresh.userIds), or a user presses "Show my actions". */
export const refresh: CardActionHandler = async (action) => {
  const parsed = DealActionData.safeParse(action.data);
  if (!parsed.success) return notFoundCard(action);
  const { services, turn } = action;
  const found = await services.queries.get(parsed.data.dealId, turn.actor);
  if (found.ok) return currentCard(action, found.value);
  // Someone who may not act keeps the read-only view of a card posted in this conversation (they already see it);
  // a forged id for any other deal learns nothing (R4).
  const posted = await services.cardPosts.postedIn(parsed.data.dealId, turn.context.activity.conversation?.id ?? '');
  const shared = posted ? await services.queries.getForSystem(parsed.data.dealId) : null;
  return shared?.ok ? currentCard(action, shared.value) : notFoundCard(action);
};

registerButton('win', {
  verb: VERBS.dealWin,
  style: 'positive',
  title: (l) => t(l, 'deal.action.win'),
  // Won closes the deal for good: say so before, not after (issue 14), and whether registration follows.
  confirm: (deal, locale, ctx) => ({
    lines: [
      t(locale, 'deal.confirm.win.what'),
      ...(isRegistrationEligible(deal, ctx.config) ? [t(locale, 'deal.confirm.win.registration')] : []),
    ],
    button: t(locale, 'deal.confirm.win.button'),
  }),
});

export const stageVerbs = {
  [VERBS.dealCompleteStage]: completeStage,
  [VERBS.dealSetStage]: setStage,
  [VERBS.dealWin]: win,
  [VERBS.dealRefresh]: refresh,
};
