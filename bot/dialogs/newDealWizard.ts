import { randomUUID } from 'node:crypto';
import { MessageFactory, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogSet, type DialogState } from 'botbuilder-dialogs';
import { t, type Locale, type MessageKey } from '../../cards/i18n';
import { messageCard } from '../../cards/messageCard';
import { cardAttachment, type AdaptiveCard } from '../../cards/render';
import { wizardDoneCard } from '../../cards/wizardCard';
import { CountrySchema, REFUSAL_MESSAGES } from '../../src/domain';
import { StorageConflictError, type Services } from '../../src/services/services';
import type { BotServices } from '../botServices';
import type { Turn } from '../turn';
import { closeStepCard } from './cardStepDialog';
import { NEW_DEAL_DIALOG, NewDealDialog, type LoopOptions } from './newDealDialog';
import { CONTROL_KEYS, WIZARD_TURN, WIZARD_VERB, WizardSubmitSchema, emptyDraft, wizardTurnOf, type StepId, type WizardSession, type WizardTurn } from './wizardTypes';

const CARD_RESPONSE_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The dialog stack lives in the turn's session, which this module reads and writes with eTag concurrency. */
class SessionDialogState implements StatePropertyAccessor<DialogState> {
  async get(context: TurnContext, defaultValue?: DialogState): Promise<DialogState> {
    const session = wizardTurnOf(context).session;
    if (!session.dialogState && defaultValue) session.dialogState = defaultValue;
    return session.dialogState as DialogState;
  }
  async set(context: TurnContext, value: DialogState): Promise<void> {
    wizardTurnOf(context).session.dialogState = value as WizardSession['dialogState'];
  }
  async delete(context: TurnContext): Promise<void> {
    delete wizardTurnOf(context).session.dialogState;
  }
}

const isActive = (s: WizardSession) => (s.dialogState?.dialogStack.length ?? 0) > 0;

/**
 * "new deal": runs the wizard dialog for one user in one conversation. State is keyed per user AND conversation, so
 * two people in one channel each have their own wizard; it is stored in the BotState table, so a restarted bot goes
 * on at the same step. Every click is claimed first (an eTag-checked write of its token): of two clicks of the same
 * card (double click, second device, Teams' retry) exactly one proceeds, the other is told the step is done.
 */
export class NewDealWizard {
  private readonly storage: Services['botStorage'];
  private readonly dialogs: DialogSet;

  constructor(private readonly services: BotServices) {
    this.storage = services.botStorage;
    this.dialogs = new DialogSet(new SessionDialogState());
    this.dialogs.add(new NewDealDialog());
  }

  static keyOf(context: TurnContext): string {
    const a = context.activity;
    return `${a.channelId}/conversations/${a.conversation.id}/users/${a.from.id}/newDeal`;
  }

  private async load(turn: Turn, extra: Partial<WizardTurn> = {}): Promise<WizardTurn> {
    const key = NewDealWizard.keyOf(turn.context);
    const items = await this.storage.read([key]);
    const w: WizardTurn = { turn, services: this.services, session: (items[key] ?? {}) as WizardSession, inputs: {}, ...extra };
    turn.context.turnState.set(WIZARD_TURN, w);
    return w;
  }

  /** Conditional on the eTag that was read (or written last in this turn). */
  private async save(w: WizardTurn): Promise<void> {
    await this.storage.write({ [NewDealWizard.keyOf(w.turn.context)]: w.session });
  }

  /** `new deal` / `新しい取引`: starts the wizard (a wizard already running here is replaced). */
  async start(turn: Turn): Promise<void> {
    const { actor, locale, context } = turn;
    if (actor.role === null) {
      await context.sendActivity(MessageFactory.attachment(cardAttachment(messageCard(REFUSAL_MESSAGES.NO_ROLE[locale], [], 'attention'))));
      return;
    }
    if (!actor.scope.global && actor.scope.locations.length === 0) {
      await context.sendActivity(MessageFactory.attachment(cardAttachment(messageCard(t(locale, 'wizard.noLocations'), [], 'attention'))));
      return;
    }
    const w = await this.load(turn);
    const dc = await this.dialogs.createContext(context);
    if (isActive(w.session)) {
      await closeStepCard(context, w, t(locale, 'wizard.restarted'), 'cancelled');
      await dc.cancelAllDialogs();
    }
    Object.assign(w.session, { wizardId: randomUUID(), ownerName: turn.user.name, seq: 0, token: undefined, claimed: undefined });
    const draft = this.firstDraft(turn, await this.services.queries.ownPhone(turn.actor));
    await dc.beginDialog(NEW_DEAL_DIALOG, { index: 0, draft } satisfies LoopOptions);
    await this.save(w);
  }

  /** `cancel` / `キャンセル`: ends the wizard; nothing was stored. */
  async cancel(turn: Turn): Promise<void> {
    const w = await this.load(turn);
    if (!isActive(w.session)) {
      await turn.context.sendActivity(t(turn.locale, 'wizard.nothingToCancel'));
      return;
    }
    await this.end(w, 'wizard.cancelled');
    await this.save(w);
    await turn.context.sendActivity(t(turn.locale, 'wizard.cancelledText'));
  }

  private async end(w: WizardTurn, line: MessageKey): Promise<void> {
    await closeStepCard(w.turn.context, w, t(w.turn.locale, line), 'cancelled');
    const dc = await this.dialogs.createContext(w.turn.context);
    await dc.cancelAllDialogs();
    w.session.token = undefined;
  }

  /** The step the user's wizard in this conversation is on; undefined when none runs. Reads only (no claim). */
  async currentStep(turn: Turn): Promise<StepId | undefined> {
    const key = NewDealWizard.keyOf(turn.context);
    const session = ((await this.storage.read([key]))[key] ?? {}) as WizardSession;
    return isActive(session) ? session.step : undefined;
  }

  /** A click on a wizard card (Action.Execute, verb `newDeal`); undefined for any other verb. */
  async invoke(turn: Turn, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse | undefined> {
    if (value?.action?.verb !== WIZARD_VERB) return undefined;
    let card: AdaptiveCard;
    try {
      card = await this.click(turn, value);
    } catch (err) {
      // The claim was released (see click): the user sees an apology on the card and can click again.
      this.services.logger.error({ err }, 'new-deal wizard click failed');
      card = messageCard(t(turn.locale, 'error.apology'), [], 'attention');
    }
    return { statusCode: 200, type: CARD_RESPONSE_TYPE, value: card as unknown as AdaptiveCardInvokeResponse['value'] };
  }

  private async click(turn: Turn, value: AdaptiveCardInvokeValue): Promise<AdaptiveCard> {
    const { context } = turn;
    const data = (typeof value.action.data === 'object' && value.action.data !== null ? value.action.data : {}) as Record<string, unknown>;
    const submit = WizardSubmitSchema.safeParse(data);
    if (!submit.success) return staleCard(turn.locale);
    const me = turn.user.aadObjectId;
    if (submit.data.owner !== me) return messageCard(t(turn.locale, 'wizard.notYours'), [t(turn.locale, 'wizard.startOwn')]);
    const inputs = Object.fromEntries(Object.entries(data).filter(([k]) => !CONTROL_KEYS.has(k)));
    const w = await this.load(turn, { submit: submit.data, inputs });
    const s = w.session;
    if (!isActive(s) || s.wizardId !== submit.data.wizard || s.token !== submit.data.token || s.claimed === submit.data.token) {
      return staleCard(turn.locale);
    }
    const before = JSON.parse(JSON.stringify(s)) as WizardSession;
    s.claimed = submit.data.token;
    try {
      await this.save(w);
    } catch (err) {
      if (err instanceof StorageConflictError) return staleCard(turn.locale);
      throw err;
    }
    try {
      if (submit.data.nav === 'cancel') {
        await this.end(w, 'wizard.cancelled');
        await context.sendActivity(t(turn.locale, 'wizard.cancelledText'));
      } else {
        const dc = await this.dialogs.createContext(context);
        await dc.continueDialog();
        if (!isActive(s)) s.token = undefined;
      }
    } catch (err) {
      // Release the claim and keep the step as it was, so the user can simply click again.
      w.session = { ...before, claimed: undefined, eTag: s.eTag };
      await this.save(w).catch(() => undefined);
      throw err;
    }
    s.claimed = undefined;
    await this.save(w);
    return w.reply ?? staleCard(turn.locale);
  }

  /**
   * Pre-filled: the user as the first team member (with the phone they gave last time), the configured currency, the
   * country from the Teams client.
   */
  private firstDraft(turn: Turn, phone: string | null) {
    const draft = emptyDraft();
    const { user, context } = turn;
    const client = context.activity.entities?.find((e) => e.type === 'clientInfo') as { country?: string } | undefined;
    const country = CountrySchema.safeParse(client?.country ?? (turn.locale === 'ja' ? 'JP' : ''));
    draft.entries.customer = { country: country.success ? country.data : '' };
    draft.entries.details = { currency: this.services.config.DEFAULT_CURRENCY };
    draft.entries.team = { 'team.0.name': user.name, 'team.0.email': user.email ?? '', 'team.0.phone': phone ?? '' };
    if (user.email) draft.knownUsers[user.email.toLowerCase()] = user.id;
    return draft;
  }
}

function staleCard(locale: Locale): AdaptiveCard {
  return wizardDoneCard(t(locale, 'wizard.stale'), 'info');
}

const wizards = new WeakMap<BotServices, NewDealWizard>();

/** The wizard of this app (one per services object, built on first use). */
export function wizardFor(services: BotServices): NewDealWizard {
  let w = wizards.get(services);
  if (!w) wizards.set(services, (w = new NewDealWizard(services)));
  return w;
}
