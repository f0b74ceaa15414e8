import { TestAdapter, type Activity, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { BotServices } from '../../bot/botServices';
import { NewDealWizard } from '../../bot/dialogs/newDealWizard';
import { beginTurn } from '../../bot/turn';
import { adaptiveCards, cardAction, message, type TeamsUser } from '../helpers/teams';
import { actionsOf, inputsOf } from './wizardDriver';

/**
 * The wizard's dialogs driven in-process (botbuilder's TestAdapter, in the manner of DialogTestClient): no HTTP, no
 * Bot Connector, no token check — the fast layer under the /api/messages wizard suites. Each turn runs the real turn
 * pipeline (person, actor, language) and the real NewDealWizard over the real services, so what the steps decide and
 * store is what production does; what the bot sends and replaces is read from the adapter's queue.
 */
export class WizardDialogClient {
  readonly adapter = new TestAdapter();
  /** The card the user sees for the current step: the last step card posted, or the clicked card as the invoke answered it. */
  card?: any;
  private cardId?: string;

  constructor(
    private readonly services: BotServices,
    readonly user: TeamsUser,
    readonly locale = 'en-US',
    /** A new instance is a restarted bot: it has only what the bot-state table kept. */
    public wizard = new NewDealWizard(services),
  ) {}

  private async turn(activity: Partial<Activity>, run: (w: NewDealWizard, turnOf: () => ReturnType<typeof beginTurn>) => Promise<unknown>): Promise<unknown> {
    let out: unknown;
    await this.adapter.processActivity({ ...activity, serviceUrl: 'https://smba.invalid/' }, async (context) => {
      out = await run(this.wizard, () => beginTurn(context, this.services));
    });
    this.takePosted();
    return out;
  }

  /** A step card the bot posted in this turn becomes the card on screen. */
  private takePosted(): void {
    for (;;) {
      const sent = this.adapter.activeQueue.shift();
      if (!sent) return;
      const card = adaptiveCards(sent as never)[0];
      if (card && actionsOf(card).some((a) => a.verb === 'newDeal' && a.data?.owner === this.user.aadObjectId)) {
        this.card = card;
        this.cardId = sent.id;
      }
      this.sent.push(sent);
    }
  }

  /** Everything the bot sent (not the invoke answers), oldest first. */
  readonly sent: Partial<Activity>[] = [];

  start(): Promise<unknown> {
    return this.turn(message('new deal', { from: this.user, locale: this.locale }), async (w, turn) => w.start(await turn()));
  }

  cancel(): Promise<unknown> {
    return this.turn(message('cancel', { from: this.user, locale: this.locale }), async (w, turn) => w.cancel(await turn()));
  }

  /**
   * Clicks the button with `nav` on `on` (default: the card on screen) with the card's current inputs plus `typed`, as
   * Teams would; answers the card the invoke returned.
   */
  async click(nav: string, typed: Record<string, string> = {}, opts: { on?: any; arg?: string; as?: TeamsUser } = {}): Promise<any> {
    const on = opts.on ?? this.card;
    const action = actionsOf(on).find((a) => a.data?.nav === nav && (opts.arg === undefined || a.data?.arg === opts.arg));
    if (!action) throw new Error(`no "${nav}" button on the card`);
    const inputs = action.associatedInputs === 'none' ? {} : { ...inputsOf(on), ...typed };
    const activity = cardAction('newDeal', { ...inputs, ...action.data }, { from: opts.as ?? this.user, locale: this.locale, replyToId: this.cardId });
    const before = this.card;
    const res = (await this.turn(activity, async (w, turn) => w.invoke(await turn(), activity.value as AdaptiveCardInvokeValue))) as AdaptiveCardInvokeResponse;
    const card = res.value as any;
    // The answer replaces the clicked card for the clicker unless the step moved on (then a new card was posted).
    if (this.card === before && on === before && !opts.as && actionsOf(card).some((a) => a.verb === 'newDeal')) this.card = card;
    return card;
  }
}
