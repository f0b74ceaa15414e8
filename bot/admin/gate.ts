import { MessageFactory } from 'botbuilder';
import { bootstrapOfferCard, noRoleCard } from '../../cards/adminCard';
import { cardAttachment, type AdaptiveCard } from '../../cards/render';
import type { CommandId } from '../commands';
import type { Turn } from '../turn';
import { OPEN_VERBS } from './verbs';

/**
 * R1 at the door, for every command and card button (CosellBot calls this before any handler, the wizard's included,
 * so new features are covered without doing anything): someone without a role gets only `help` — anything else
 * answers with a polite card naming the admins to ask. On a fresh install the first person in personal chat is
 * offered the admin role instead (src/store/bootstrap.ts). The person was admitted by the turn pipeline (bot/turn.ts).
 */

export type GateVerdict = { answered: true } | { answered: false; afterwards: () => Promise<void> };

const nothing = async () => {};

function isPersonal(turn: Turn): boolean {
  return (turn.context.activity.conversation?.conversationType ?? 'personal') === 'personal';
}

/**
 * `commandId` undefined = text that is no command ("hi"): it gets the help card, and when the person holds the
 * first-admin offer, `afterwards` sends the offer under it. `help` itself is always answered with the help card only.
 */
export async function gateMessage(turn: Turn, commandId: CommandId | undefined): Promise<GateVerdict> {
  const { user, services, context, locale } = turn;
  if (user.role !== null || commandId === 'help') return { answered: false, afterwards: nothing };
  const offer = isPersonal(turn) ? await services.bootstrap.offerFor(user) : null;
  const sendOffer = async () => {
    await context.sendActivity(MessageFactory.attachment(cardAttachment(bootstrapOfferCard(locale))));
  };
  if (commandId === undefined) return { answered: false, afterwards: offer ? sendOffer : nothing };
  if (offer) await sendOffer();
  else await context.sendActivity(MessageFactory.attachment(cardAttachment(noRoleCard(await services.bootstrap.adminsToAsk(), locale))));
  return { answered: true };
}

/** The replacement card for a button pressed by someone without a role; undefined = go ahead. */
export async function gateInvoke(turn: Turn, verb: string): Promise<AdaptiveCard | undefined> {
  if (OPEN_VERBS.has(verb) || turn.user.role !== null) return undefined;
  const { services, locale } = turn;
  if (isPersonal(turn) && (await services.bootstrap.offerFor(turn.user))) return bootstrapOfferCard(locale);
  return noRoleCard(await services.bootstrap.adminsToAsk(), locale);
}
