import { z } from 'zod';
import type { Notice } from '../../cards/dealCard';
import { t, type MessageKey } from '../../cards/i18n';
import { messageCard } from '../../cards/messageCard';
import type { AdaptiveCard } from '../../cards/render';
import type { Command, CommandOutcome, Context, DealRecord, Refusal } from '../../src/domain';
import { personalDealCard } from '../dealView';
import type { CardAction } from '../handlerTypes';

/** Every deal button carries the deal id and the version the card showed; everything else is the form's input. */
export const DealActionData = z
  .object({
    dealId: z.string().min(1).max(64),
    version: z.coerce.number().int().positive().optional(),
  })
  .loose();

export function contextOf(action: CardAction, expectedVersion?: number): Context {
  return { now: new Date(), today: action.turn.today, timeZone: action.turn.timeZone, config: action.services.domain, expectedVersion };
}

/** The deal as the clicking user sees it now, with an optional notice on top. */
export function currentCard(action: CardAction, deal: DealRecord, notice?: Notice): AdaptiveCard {
  return personalDealCard(deal, action.turn.actor, action.turn.locale, contextOf(action), notice, undefined, action.services.partnerCenter?.linkOf);
}

/** The posted copy this click came from (its card is answered in the invoke response, not updated by a job). */
export function clickedCopy(action: CardAction): { conversationId: string; activityId: string } | undefined {
  const activity = action.turn.context.activity;
  return activity.conversation?.id && activity.replyToId ? { conversationId: activity.conversation.id, activityId: activity.replyToId } : undefined;
}

export function notFoundCard(action: CardAction): AdaptiveCard {
  const { locale } = action.turn;
  return messageCard(t(locale, 'deal.notFound.title'), [t(locale, 'deal.notFound.text')], 'attention');
}

/** Optional answers other than the deal card: a form again with its field errors, or the next step. */
export interface RunHooks {
  /** A refused command (e.g. INVALID_INPUT): return the form with errors, or undefined for the deal card. */
  onRefused?: (refusal: Refusal, current: DealRecord) => Promise<AdaptiveCard | undefined>;
  /** After success: return the next card (e.g. the registration form after Won), or undefined for the deal card. */
  onDone?: (outcome: CommandOutcome, notice: Notice) => Promise<AdaptiveCard | undefined>;
}

/**
 * Runs one command on the deal named by the card through the deal-command service: the state machine decides, the
 * clicked card becomes the user's current view with what happened on top, and every other posted copy follows by a
 * job. A refusal (stale card, race lost, not allowed) shows the current state with the reason; nothing changes.
 */
export async function runDealCommand(
  action: CardAction,
  command: (data: Record<string, unknown>) => Command,
  doneKey: MessageKey,
  doneParams: (outcome: CommandOutcome) => Record<string, string> = () => ({}),
  hooks: RunHooks = {},
): Promise<AdaptiveCard> {
  const parsed = DealActionData.safeParse(action.data);
  if (!parsed.success) return notFoundCard(action);
  const { dealId, version } = parsed.data;
  const { services, turn } = action;
  const result = await services.commands.execute(dealId, command(action.data), turn.actor, {
    today: turn.today,
    expectedVersion: version,
    viewedCopy: clickedCopy(action),
  });
  if (!result.ok) {
    const current = await services.queries.get(dealId, turn.actor);
    if (!current.ok) return notFoundCard(action);
    const form = hooks.onRefused ? await hooks.onRefused(result.refusal, current.value) : undefined;
    if (form) return form;
    return currentCard(action, current.value, { kind: 'warning', text: result.refusal.message[turn.locale] });
  }
  const notice: Notice = { kind: 'good', text: t(turn.locale, doneKey, doneParams(result.value)) };
  const next = hooks.onDone ? await hooks.onDone(result.value, notice) : undefined;
  return next ?? currentCard(action, result.value.deal, notice);
}
