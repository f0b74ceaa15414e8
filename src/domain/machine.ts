import type { Actor } from './actor';
import { COMMAND_TABLE, isCommandName, type Command, type CommandName } from './commandTable';
import type { Context } from './context';
import type { DealState } from './deal';
import type { Decision } from './decision';
import { parseInput } from './fields';
import { accessRefusal } from './permissions';
import { refuse, type Refusal } from './refusals';
import { fail, type Result } from './result';
import type { Stage } from './vocabulary';

/**
 * The state machine: every move of a deal is decided here, as a pure function of (deal, command, actor, time).
 * What each command means is in the command table (commandTable.ts); this is the order in which it is asked.
 */

/**
 * The rule of a command that does not depend on its input: who may (R1–R4), and from which state.
 * `allowedActions` asks exactly this, so a button is shown only where the click would pass.
 */
export function guard(deal: DealState, name: CommandName, actor: Actor, ctx: Context, stage?: Stage): Refusal | null {
  const rule = COMMAND_TABLE[name];
  const access = accessRefusal(deal, actor);
  // R18: anyone in scope could answer the New referral; losing the race is "already accepted by X", not NOT_ON_TEAM.
  const lostReferralRace = access?.code === 'NOT_ON_TEAM' && rule.answersReferral === true && deal.direction === 'inbound';
  if (access && !lostReferralRace) return access;
  // Past this point `access` is set only for a lost race: the state refusal ("already accepted by X") comes first.
  return rule.guard(deal, actor, ctx, stage) ?? access;
}

/**
 * Decides a command on an existing deal: the new state and its events, or a refusal. Never mutates `deal`.
 * Refusals come in a fixed order: who and from which state first (a forged payload learns nothing about fields),
 * then the input, then the version the actor saw, then what the move itself refuses.
 */
export function decide(deal: DealState, command: Command, actor: Actor, ctx: Context): Result<Decision> {
  if (!isCommandName(command.type)) return fail(refuse('INVALID_INPUT'));
  const rule = COMMAND_TABLE[command.type];

  const parsed = parseInput(rule.schema, command.input ?? {});
  const refusal = guard(deal, command.type, actor, ctx, parsed.ok ? stageNamedBy(parsed.value) : undefined);
  if (refusal) return fail(refusal);
  const screened = rule.screen?.(command.input);
  if (screened) return fail(screened);
  if (!parsed.ok) return fail(parsed.refusal);
  if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== deal.version) return fail(refuse('STALE_VERSION'));

  return rule.apply(deal, parsed.value, actor, ctx);
}

/** The stage a stage command's input names, for its guard. */
function stageNamedBy(input: unknown): Stage | undefined {
  return typeof input === 'object' && input !== null && 'stage' in input ? (input as { stage: Stage }).stage : undefined;
}
