import type { Actor } from './actor';
import { canSee } from './permissions';
import type { CommandName } from './commands';
import type { DealState } from './deal';
import { guard, type Context } from './machine';
import type { Refusal } from './refusals';
import { OPTIONAL_COSELL_STAGES, nextMandatoryStage } from './stages';
import type { Stage } from './vocabulary';

/**
 * The one function cards (and the API) use to decide which buttons to show. Each entry says whether the action is
 * possible now and, when not, why — so a card can show "Won" disabled with "complete all stages first".
 * Handlers never trust this on click: they call `decide`, which asks the same `guard` again.
 */
export interface ActionAvailability {
  action: CommandName;
  enabled: boolean;
  refusal: Refusal | null;
  /** completeStage: the stage the button completes. setStage: the stages that may be chosen. */
  stages?: Stage[];
}

/** Actions a person can take by hand, in the order cards show them. `expire` is the sweeper's alone. */
const BUTTON_ACTIONS: readonly CommandName[] = [
  'accept',
  'decline',
  'completeStage',
  'setStage',
  'win',
  'lose',
  'edit',
  'setTeam',
  'register',
  'reviewRegistration',
];

/** Which actions make sense to show at all for the deal's state (others are omitted, not disabled). */
function relevant(deal: DealState, action: CommandName): boolean {
  switch (action) {
    case 'accept':
    case 'decline':
      return deal.status === 'New';
    case 'completeStage':
      return deal.status === 'Active' && deal.type === 'solutionAssessment';
    case 'setStage':
      return deal.status === 'Active' && deal.type === 'coSell';
    case 'win':
    case 'lose':
    case 'edit':
    case 'setTeam':
      return deal.status === 'Active';
    case 'register':
      return deal.substatus === 'Won';
    case 'reviewRegistration':
      return deal.registration?.status === 'PendingReview';
    default:
      return false;
  }
}

export function allowedActions(deal: DealState, actor: Actor, ctx: Context): ActionAvailability[] {
  if (!canSee(deal, actor)) return [];
  const out: ActionAvailability[] = [];
  for (const action of BUTTON_ACTIONS) {
    if (!relevant(deal, action)) continue;
    if (action === 'completeStage') {
      const next = nextMandatoryStage(deal.completions.map((c) => c.stage));
      const refusal = guard(deal, action, actor, ctx, next);
      out.push({ action, enabled: !refusal, refusal, stages: next ? [next] : [] });
      continue;
    }
    if (action === 'setStage') {
      const stages = OPTIONAL_COSELL_STAGES.filter((s) => !guard(deal, action, actor, ctx, s));
      const refusal = stages.length ? null : guard(deal, action, actor, ctx);
      out.push({ action, enabled: stages.length > 0, refusal, stages });
      continue;
    }
    const refusal = guard(deal, action, actor, ctx);
    out.push({ action, enabled: !refusal, refusal });
  }
  return out;
}

/** Convenience for handlers and tests: the names of the enabled actions. */
export function enabledActions(deal: DealState, actor: Actor, ctx: Context): CommandName[] {
  return allowedActions(deal, actor, ctx)
    .filter((a) => a.enabled)
    .map((a) => a.action);
}
