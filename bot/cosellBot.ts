import { TeamsActivityHandler, TurnContext, MessageFactory } from 'botbuilder';
import { helpCard } from '../cards/helpCard';
import { localeOf } from '../cards/i18n';
import { cardAttachment } from '../cards/render';
import type { Logger } from '../src/log';
import { matchCommand } from './commands';

export interface CosellBotDeps {
  logger: Logger;
}

/**
 * The Teams bot. For now it knows one screen, the help card; every typed message gets it, so a user is never met
 * with silence. Commands are matched after the bot's own @mention is removed (channels and group chats).
 */
export class CosellBot extends TeamsActivityHandler {
  constructor(private readonly deps: CosellBotDeps) {
    super();
  }

  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const text = (activity.text && activity.recipient ? TurnContext.removeRecipientMention(activity) : activity.text) ?? '';
    const locale = localeOf(activity.locale);
    const command = matchCommand(text);
    this.deps.logger.debug({ conversationId: activity.conversation?.id, command: command ?? null, locale }, 'message');
    // A card submit (Action.Submit) arrives as a message with a value and no text; it is not a typed command.
    const unrecognized = command === undefined && text.trim() !== '';
    await context.sendActivity(MessageFactory.attachment(cardAttachment(helpCard(locale, { unrecognized }))));
  }
}
