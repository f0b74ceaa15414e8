import { rendererProblems } from '../helpers/adaptiveCards';
import type { ConnectorCall } from '../helpers/connectorStub';
import { adaptiveCards, cardAction, cardText, message, type ChatKind, type TeamsUser } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';

/**
 * Drives the new-deal wizard as a Teams user would: types commands, reads the step card the bot posted, clicks its
 * buttons with the card's current input values (as Teams sends them) plus what the test "types".
 */

export interface StepCard {
  activityId: string;
  card: any;
}

/** Every Input.* of a card with its current value. */
export function inputsOf(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && typeof n.id === 'string') out[n.id] = String(n.value ?? '');
    for (const v of Object.values(n)) walk(v);
  };
  walk(card);
  return out;
}

/** Every Action.Execute of a card (card actions and ActionSets in the body). */
export function actionsOf(card: unknown): any[] {
  const out: any[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Execute') out.push(n);
    for (const v of Object.values(n)) walk(v);
  };
  walk(card);
  return out;
}

/** The per-field error text under an input (the TextBlock right after it in its container). */
export function errorUnder(card: unknown, id: string): string | undefined {
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Container' && Array.isArray(n.items)) {
      const i = n.items.findIndex((x: any) => x?.id === id && String(x?.type).startsWith('Input.'));
      if (i >= 0) {
        const next = n.items[i + 1] as any;
        if (next?.type === 'TextBlock' && next.color === 'Attention') found = next.text;
      }
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(card);
  return found;
}

export class WizardDriver {
  /** The step card the bot posted last for this user (what the user sees). */
  current?: StepCard;
  /** Every card the bot answered a click with (they replace the clicked card for the clicker). */
  readonly answers: any[] = [];
  private seen = 0;

  constructor(
    public app: TestApp,
    public readonly user: TeamsUser,
    public readonly opts: { locale?: string; chat?: ChatKind } = {},
  ) {
    this.seen = app.stub.calls.length;
  }

  /** Adopt another app (restart): same user, same conversation, same cards on screen. */
  moveTo(app: TestApp): void {
    this.app = app;
    this.seen = 0;
  }

  private isMine(card: any): boolean {
    return actionsOf(card).some((a) => a.verb === 'newDeal' && a.data?.owner === this.user.aadObjectId);
  }

  /** Calls the bot made since the last look; picks up a newly posted step card of this user. */
  private newCalls(): ConnectorCall[] {
    const calls = this.app.stub.calls.slice(this.seen);
    this.seen = this.app.stub.calls.length;
    for (const c of calls) {
      if (c.kind !== 'send' && c.kind !== 'reply') continue;
      const card = adaptiveCards(c.activity)[0];
      if (card && this.isMine(card)) this.current = { activityId: c.id, card };
    }
    return calls;
  }

  async say(text: string): Promise<ConnectorCall[]> {
    const res = await this.app.post(message(text, { from: this.user, locale: this.opts.locale, chat: this.opts.chat }));
    if (res.status !== 200) throw new Error(`message → ${res.status}`);
    return this.newCalls();
  }

  /** Clicks the button with `nav` (and `arg`) on `on` (default: the current card). Returns the invoke's card. */
  async click(nav: string, typed: Record<string, string> = {}, on: StepCard | undefined = this.current, arg?: string): Promise<{ card: any; calls: ConnectorCall[] }> {
    if (!on) throw new Error('no wizard card on screen');
    const action = actionsOf(on.card).find((a) => a.data?.nav === nav && (arg === undefined || a.data?.arg === arg));
    if (!action) throw new Error(`no "${nav}" button on the card:\n${cardText(on.card)}`);
    const inputs = action.associatedInputs === 'none' ? {} : { ...inputsOf(on.card), ...typed };
    const res = await this.app.post(
      cardAction('newDeal', { ...inputs, ...action.data }, { from: this.user, locale: this.opts.locale, chat: this.opts.chat, replyToId: on.activityId }),
    );
    if (res.status !== 200 || res.body?.statusCode !== 200) throw new Error(`invoke → ${res.status} ${JSON.stringify(res.body)}`);
    const card = res.body.value;
    this.answers.push(card);
    const before = this.current;
    const calls = this.newCalls();
    // The invoke's answer replaces the clicked card (same message: errors, results, or the next step of the run).
    if (this.current === before && on.activityId === before?.activityId && this.isMine(card)) this.current = { activityId: on.activityId, card };
    return { card, calls };
  }
}

/** What the official renderer (parse + validate) objects to, plus size and unbound `${…}` left in the JSON. */
export function cardProblems(json: object): string[] {
  const out = rendererProblems(json);
  const text = JSON.stringify(json);
  if (text.length > 80 * 1024) out.push(`too big: ${text.length} bytes`);
  if (text.includes('${')) out.push('unbound template expression');
  if ((json as { version?: string }).version !== '1.5') out.push('not version 1.5');
  return out;
}
