import {
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import { helpCard } from '../cards/helpCard';
import { localeOf, t } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { cardAttachment, type AdaptiveCard } from '../cards/render';
import { CARD_VERBS } from './actions';
import { gateInvoke, gateMessage } from './admin/gate';
import type { BotServices } from './botServices';
import { parseCommand } from './commands';
import { TEXT_HANDLERS } from './textCommands';
import { beginTurn } from './turn';
import { wizardFor } from './dialogs/newDealWizard';
import { addsBot, submittedCommand, welcome } from './welcome';

const CARD_RESPONSE_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * The Teams bot: typed commands go to their handler (bot/textCommands), card buttons (Action.Execute) to their verb's
 * handler (bot/actions). Unknown text gets the help card, never silence. Commands are matched after the bot's own
 * @mention is removed (channels and group chats).
 */
export class CosellBot extends TeamsActivityHandler {
  constructor(private readonly services: BotServices) {
    super();
  }

  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    await this.services.messenger.remember(context);
    const activity = context.activity;
    // A welcome-card button submits its command's text; it is handled as if typed (bot/welcome).
    const text = submittedCommand(activity) ?? (activity.text && activity.recipient ? TurnContext.removeRecipientMention(activity) : activity.text) ?? '';
    const parsed = parseCommand(text);
    this.services.logger.debug({ conversationId: activity.conversation?.id, command: parsed?.id ?? null }, 'message');
    const handler = parsed ? TEXT_HANDLERS[parsed.id] : undefined;
    // R1 at the door (bot/admin/gate): the person is recorded; without a role only help (or the first-admin offer).
    const gate = await gateMessage(context, this.services, parsed?.id);
    if (gate.answered) return;
    if (parsed && handler) {
      const turn = await beginTurn(context, this.services);
      await handler(turn, parsed.args, this.services);
      await gate.afterwards();
      return;
    }
    // A card submit (Action.Submit) arrives as a message with a value and no text; it is not a typed command.
    const unrecognized = text.trim() !== '' && !parsed;
    await context.sendActivity(MessageFactory.attachment(cardAttachment(helpCard(localeOf(activity.locale), { unrecognized }))));
    await gate.afterwards();
  }

  /** Installed in a chat or team: greet (bot/welcome). Teams also sends installationUpdate; welcome() greets once. */
  protected override async onConversationUpdateActivity(context: TurnContext): Promise<void> {
    if (addsBot(context.activity)) await welcome(context, this.services);
    await super.onConversationUpdateActivity(context);
  }

  protected override async onInstallationUpdateAddActivity(context: TurnContext): Promise<void> {
    await welcome(context, this.services);
    await super.onInstallationUpdateAddActivity(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    await this.services.messenger.remember(context);
    // The new-deal wizard's cards (verb `newDeal`) continue its dialog (bot/dialogs).
    const wizard = await wizardFor(this.services).invoke(context, invokeValue);
    if (wizard) return wizard;
    const verb = typeof invokeValue?.action?.verb === 'string' ? invokeValue.action.verb : '';
    const data = invokeValue?.action?.data;
    const handler = Object.hasOwn(CARD_VERBS, verb) ? CARD_VERBS[verb] : undefined;
    let card: AdaptiveCard;
    if (!handler) {
      card = messageCard(t(localeOf(context.activity.locale), 'card.unknownAction'), []);
    } else {
      try {
        const refused = await gateInvoke(context, this.services, verb); // R1 at the door, as for typed commands
        const turn = refused ? undefined : await beginTurn(context, this.services);
        card = refused ?? (await handler({ turn: turn!, services: this.services, data: typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {} }));
      } catch (err) {
        // The database is unreachable or failed mid-turn: every command is one transaction, so nothing was half
        // written. Say so on the card instead of letting Teams show a bare error.
        this.services.logger.error({ err, verb }, 'card action failed');
        card = messageCard(t(localeOf(context.activity.locale), 'error.apology'), [], 'attention');
      }
    }
    return { statusCode: 200, type: CARD_RESPONSE_TYPE, value: card as unknown as AdaptiveCardInvokeResponse['value'] };
  }
}
