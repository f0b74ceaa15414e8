import { MessageFactory, type TurnContext } from 'botbuilder';
import { bootstrapOfferCard, noRoleCard } from '../../cards/adminCard';
import { localeOf } from '../../cards/i18n';
import { cardAttachment, type AdaptiveCard } from '../../cards/render';
import type { BotServices } from '../botServices';
import type { CommandId } from '../commands';
import { admitUser } from './identity';
import { OPEN_VERBS } from './verbs';

/**
 * R1 at the door, for every command and card button (routing calls this before any handler, so new features are
 * covered without doing anything): the person is recorded (bot/admin/identity), and someone without a role gets
 * only `help` — anything else answers with a polite card naming the admins to ask. On a fresh install the first
 * person in personal chat is offered the admin role instead (src/services/bootstrap).
 */

export type GateVerdict = { answered: true } | { answered: false; afterwards: () => Promise<void> };

const nothing = async () => {};

function isPersonal(context: TurnContext): boolean {
  return (context.activity.conversation?.conversationType ?? 'personal') === 'personal';
}

/**
 * `commandId` undefined = text that is no command ("hi"): it gets the help card, and when the person holds the
 * first-admin offer, `afterwards` sends the offer under it. `help` itself is always answered with the help card only.
 */
export async function gateMessage(context: TurnContext, services: BotServices, commandId: CommandId | undefined): Promise<GateVerdict> {
  const user = await admitUser(context, services);
  // `help` is always just the help card (nothing else rides along), for everyone.
  if (user.role !== null || commandId === 'help') return { answered: false, afterwards: nothing };
  const locale = localeOf(context.activity.locale);
  const offer = isPersonal(context) ? await services.bootstrap.offerFor(user) : null;
  const sendOffer = async () => {
    await context.sendActivity(MessageFactory.attachment(cardAttachment(bootstrapOfferCard(locale))));
  };
  if (commandId === undefined) return { answered: false, afterwards: offer ? sendOffer : nothing };
  if (offer) await sendOffer();
  else await context.sendActivity(MessageFactory.attachment(cardAttachment(noRoleCard(await services.bootstrap.adminsToAsk(), locale))));
  return { answered: true };
}

/** The replacement card for a button pressed by someone without a role; undefined = go ahead. */
export async function gateInvoke(context: TurnContext, services: BotServices, verb: string): Promise<AdaptiveCard | undefined> {
  if (OPEN_VERBS.has(verb)) return undefined;
  const user = await admitUser(context, services);
  if (user.role !== null) return undefined;
  const locale = localeOf(context.activity.locale);
  if (isPersonal(context) && (await services.bootstrap.offerFor(user))) return bootstrapOfferCard(locale);
  return noRoleCard(await services.bootstrap.adminsToAsk(), locale);
}
