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
import type { BotServices } from './botServices';
import { parseCommand } from './commands';
import { TEXT_HANDLERS } from './textCommands';
import { beginTurn } from './turn';

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
    const text = (activity.text && activity.recipient ? TurnContext.removeRecipientMention(activity) : activity.text) ?? '';
    const parsed = parseCommand(text);
    this.services.logger.debug({ conversationId: activity.conversation?.id, command: parsed?.id ?? null }, 'message');
    const handler = parsed ? TEXT_HANDLERS[parsed.id] : undefined;
    if (parsed && handler) {
      const turn = await beginTurn(context, this.services);
      await handler(turn, parsed.args, this.services);
      return;
    }
    // A card submit (Action.Submit) arrives as a message with a value and no text; it is not a typed command.
    const unrecognized = text.trim() !== '' && !parsed;
    await context.sendActivity(MessageFactory.attachment(cardAttachment(helpCard(localeOf(activity.locale), { unrecognized }))));
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    await this.services.messenger.remember(context);
    const verb = typeof invokeValue?.action?.verb === 'string' ? invokeValue.action.verb : '';
    const data = invokeValue?.action?.data;
    const handler = Object.hasOwn(CARD_VERBS, verb) ? CARD_VERBS[verb] : undefined;
    let card: AdaptiveCard;
    if (!handler) {
      card = messageCard(t(localeOf(context.activity.locale), 'card.unknownAction'), []);
    } else {
      const turn = await beginTurn(context, this.services);
      card = await handler({ turn, services: this.services, data: typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {} });
    }
    return { statusCode: 200, type: CARD_RESPONSE_TYPE, value: card as unknown as AdaptiveCardInvokeResponse['value'] };
  }
}
