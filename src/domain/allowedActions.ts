import type { Actor } from './actor';
import { COMMAND_NAMES, COMMAND_TABLE, type CommandName } from './commandTable';
import type { Context } from './context';
import type { DealState } from './deal';
import { guard } from './machine';
import { canSee } from './permissions';
import type { Refusal } from './refusals';
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

/** The buttons the command table offers for the deal's state, in the table's order. */
export function allowedActions(deal: DealState, actor: Actor, ctx: Context): ActionAvailability[] {
  if (!canSee(deal, actor)) return [];
  const out: ActionAvailability[] = [];
  for (const action of COMMAND_NAMES) {
    const button = COMMAND_TABLE[action].button;
    if (!button?.shownWhen(deal)) continue;
    if (button.stages) {
      const candidates = button.stages(deal);
      const stages = candidates.filter((s) => !guard(deal, action, actor, ctx, s));
      const refusal = stages.length ? null : guard(deal, action, actor, ctx, candidates[0]);
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
