import {
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type FileConsentCardResponse,
  type SearchInvokeResponse,
  type SearchInvokeValue,
} from 'botbuilder';
import { helpCard } from '../cards/helpCard';
import { localeOf, t } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { cardAttachment, type AdaptiveCard } from '../cards/render';
import { CARD_VERBS } from './actions';
import { admission, refuseTurn, tenantOf } from './admission';
import { gateInvoke, gateMessage } from './admin/gate';
import { hasUncleanText } from './inputGuard';
import type { BotServices } from './botServices';
import { parseCommand } from './commands';
import { TEXT_HANDLERS } from './textCommands';
import { answerUnknown, commandsFor } from './inbox';
import { beginTurn, turnOf } from './turn';
import { warmUpWizard, wizardFor } from './dialogs/lazyWizard';
import { WIZARD_VERB } from './dialogs/wizardTypes';
import { addsBot, submittedCommand, welcome } from './welcome';
import { acceptFileConsent, declineFileConsent } from './exportCommands';
import { searchError } from './searchResponse';
import { answerSearch } from './typeahead';

const CARD_RESPONSE_TYPE = 'application/vnd.microsoft.card.adaptive';

const invokeResponse = (card: AdaptiveCard): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: CARD_RESPONSE_TYPE,
  value: card as unknown as AdaptiveCardInvokeResponse['value'],
});

/**
 * The Teams bot: typed commands go to their handler (bot/textCommands), card buttons (Action.Execute) to their verb's
 * handler (bot/actions) or to the new-deal wizard, a card's type-ahead queries to bot/typeahead. Every message and
 * click first passes the turn pipeline (bot/turn.ts: conversation remembered, person admitted once) and the role gate
 * (bot/admin/gate.ts). Unknown text gets the help card, never silence. Commands are matched after the bot's own
 * @mention is removed.
 */
export class CosellBot extends TeamsActivityHandler {
  constructor(private readonly services: BotServices) {
    super();
    warmUpWizard();
  }

  override async run(context: TurnContext): Promise<void> {
    const { type, name } = context.activity;
    const clicked = type === 'invoke' && name === 'adaptiveCard/action';
    const searched = type === 'invoke' && name === 'application/search';
    // Other channels, other tenants and people without an Entra ID are refused before anything is recorded.
    let admitted: Awaited<ReturnType<typeof admission>>;
    try {
      admitted = await admission(context.activity, this.services);
    } catch (err) {
      // The recorded tenant could not be read (the database is down): a click still gets its card, a type-ahead its
      // error, a message the apology.
      if (searched) return this.answerSearchFailed(context, err);
      if (!clicked) throw err;
      return this.answerClickFailed(context, err);
    }
    if (!admitted.ok) {
      const { channelId, type: activityType } = context.activity;
      this.services.logger.warn({ reason: admitted.reason, channelId, tenantId: tenantOf(context.activity), activityType }, 'turn refused');
      await refuseTurn(context, admitted.reason);
      return;
    }
    // Issue 17: the answer to an export's file consent card needs the person, as a click does.
    if (type === 'invoke' && name === 'fileConsent/invoke') await beginTurn(context, this.services);
    // A type-ahead query (bot/typeahead.ts) is answered for the person too; its text is checked by its schema.
    if (searched) {
      try {
        await beginTurn(context, this.services);
      } catch (err) {
        return this.answerSearchFailed(context, err);
      }
    }
    if (type === 'message' || clicked) {
      // NUL, control characters, lone surrogates in what was typed or submitted: refused before anything is recorded.
      if (hasUncleanText(context.activity.text) || hasUncleanText(context.activity.value)) {
        const card = messageCard(t(localeOf(context.activity.locale), 'card.badCharacters'), [], 'attention');
        if (clicked) await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: invokeResponse(card) } });
        else await context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
        return;
      }
      try {
        await beginTurn(context, this.services);
      } catch (err) {
        if (!clicked) throw err; // a message: the adapter's onTurnError apologises
        return this.answerClickFailed(context, err);
      }
    }
    await super.run(context);
  }

  /** A click must still be answered with a card: the database is unreachable, nothing was written. */
  private async answerClickFailed(context: TurnContext, err: unknown): Promise<void> {
    this.services.logger.error({ err }, 'card action failed before it started');
    const card = messageCard(t(localeOf(context.activity.locale), 'error.apology'), [], 'attention');
    await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: invokeResponse(card) } });
  }

  /** The database failed under a type-ahead query: Teams shows an error in the drop-down; Search still works. */
  private searchFailed(context: TurnContext, err: unknown): SearchInvokeResponse {
    this.services.logger.error({ err }, 'type-ahead search failed');
    return searchError(500, 'InternalError', t(localeOf(context.activity.locale), 'error.apology'));
  }

  private async answerSearchFailed(context: TurnContext, err: unknown): Promise<void> {
    const body = this.searchFailed(context, err);
    await context.sendActivity({ type: 'invokeResponse', value: { status: body.statusCode, body } });
  }

  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    const turn = turnOf(context);
    const activity = context.activity;
    // A welcome-card button submits its command's text; it is handled as if typed (bot/welcome).
    const text = submittedCommand(activity) ?? (activity.text && activity.recipient ? TurnContext.removeRecipientMention(activity) : activity.text) ?? '';
    const parsed = parseCommand(text);
    this.services.logger.debug({ conversationId: activity.conversation?.id, command: parsed?.id ?? null }, 'message');
    const handler = parsed ? TEXT_HANDLERS[parsed.id] : undefined;
    const gate = await gateMessage(turn, parsed?.id);
    if (gate.answered) return;
    if (parsed && handler) {
      await handler(turn, parsed.args, this.services);
      await gate.afterwards();
      return;
    }
    // A card submit (Action.Submit) arrives as a message with a value and no text; it is not a typed command.
    // Text that is no command gets one line with the closest command (issue 14), not the whole help card.
    if (text.trim() !== '' && !parsed) await answerUnknown(turn, text.trim());
    else await context.sendActivity(MessageFactory.attachment(cardAttachment(helpCard(turn.locale, { commands: commandsFor(turn) }))));
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

  /** Issue 17: the person allowed the export's upload (Teams answers the invoke with 200 after this). */
  protected override async handleTeamsFileConsentAccept(context: TurnContext, response: FileConsentCardResponse): Promise<void> {
    await acceptFileConsent(context, turnOf(context), this.services, response);
  }

  protected override async handleTeamsFileConsentDecline(context: TurnContext): Promise<void> {
    await declineFileConsent(turnOf(context));
  }

  /** Teams' dynamic type-ahead on a card (Data.Query): suggestions as the user types (bot/typeahead.ts). */
  protected override async onSearchInvoke(context: TurnContext, value: SearchInvokeValue): Promise<SearchInvokeResponse> {
    try {
      return await answerSearch(turnOf(context), value);
    } catch (err) {
      return this.searchFailed(context, err);
    }
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = typeof invokeValue?.action?.verb === 'string' ? invokeValue.action.verb : '';
    const data = invokeValue?.action?.data;
    const handler = Object.hasOwn(CARD_VERBS, verb) ? CARD_VERBS[verb] : undefined;
    if (!handler && verb !== WIZARD_VERB) return invokeResponse(messageCard(t(localeOf(context.activity.locale), 'card.unknownAction'), []));
    try {
      const turn = turnOf(context);
      // R1 at the door, as for typed commands — the wizard's steps included.
      const refused = await gateInvoke(turn, verb);
      if (refused) return invokeResponse(refused);
      // The new-deal wizard's cards continue its dialog (bot/dialogs).
      if (verb === WIZARD_VERB) return (await (await wizardFor(this.services)).invoke(turn, invokeValue)) as AdaptiveCardInvokeResponse;
      const input = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
      return invokeResponse(await handler!({ turn, services: this.services, data: input }));
    } catch (err) {
      // The database is unreachable or failed mid-turn: every command is one transaction, so nothing was half
      // written. Say so on the card instead of letting Teams show a bare error.
      this.services.logger.error({ err, verb }, 'card action failed');
      return invokeResponse(messageCard(t(localeOf(context.activity.locale), 'error.apology'), [], 'attention'));
    }
  }
}
