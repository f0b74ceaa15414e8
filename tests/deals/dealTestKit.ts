import type { PersonActor } from '../../src/domain';
import { teamsUser, cardAction, personalMessage, replyCards, type TeamsUser } from '../helpers/teams';
import { memberOf, seedBasics, validCreateInput } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/testApp';

/** An app with the seeded people (each also a Teams user), and helpers to click deal buttons as one of them. */
export interface DealKit {
  app: TestApp;
  customerId: string;
  actors: Awaited<ReturnType<typeof seedBasics>>['actors'];
  /** The Teams identity of a seeded actor (aad id `aad-<key>`). */
  teams: Record<keyof DealKit['actors'], TeamsUser>;
  /** Creates an outbound deal through the store, as `actor`, with `overrides` on the valid input. */
  createDeal(actor: PersonActor, overrides?: Record<string, unknown>): Promise<{ id: string; number: number; version: number }>;
  /** Clicks a button (Action.Execute) and returns the card the bot answers with. */
  click(verb: string, data: Record<string, unknown>, as: TeamsUser, locale?: string): Promise<any>;
  /**
   * Types a message in personal chat and returns the card the bot answered it with (its reply to this message: a
   * referral card a job posts meanwhile is not it). Several reply cards: the last.
   */
  say(text: string, as: TeamsUser, locale?: string): Promise<any>;
  close(): Promise<void>;
}

export async function startDealKit(env: Record<string, string> = {}): Promise<DealKit> {
  // The periodic jobs wait a day: on a slow machine a suite outlasts the default minute, and the referral announcer
  // would post a card between a command and the answer a test reads.
  const app = await startTestApp({ env: { SWEEP_INTERVAL_SECONDS: '86400', ...env } });
  const { customer, actors } = await seedBasics(app.db.prisma);
  const teams = Object.fromEntries(
    Object.entries(actors).map(([key, a]) => [key, teamsUser(a.name, `aad-${key.toLowerCase()}`)]),
  ) as DealKit['teams'];
  return {
    app,
    customerId: customer.id,
    actors,
    teams,
    async createDeal(actor, overrides = {}) {
      const created = await app.app.services.commands.create(validCreateInput(customer.id, actor, { team: [memberOf(actor)], ...overrides }), actor);
      if (!created.ok) throw new Error(`${created.refusal.code} ${JSON.stringify(created.refusal.fieldErrors)}`);
      return { id: created.value.id, number: created.value.number, version: created.value.version };
    },
    async click(verb, data, as, locale = 'en-US') {
      const res = await app.post(cardAction(verb, data, { from: as, locale }));
      if (res.status !== 200 || res.body?.statusCode !== 200) throw new Error(`invoke ${verb}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.value;
    },
    async say(text, as, locale = 'en-US') {
      const before = app.stub.calls.length;
      const activity = personalMessage(text, { from: as, locale });
      const res = await app.post(activity);
      if (res.status >= 300) throw new Error(`message "${text}": ${res.status}`);
      const cards = replyCards(app.stub.calls.slice(before), activity);
      if (!cards.length) throw new Error(`no card answered "${text}"`);
      return cards[cards.length - 1];
    },
    close: () => app.close(),
  };
}

/** The Action.Execute buttons of a card, wherever they are (action bar or body ActionSets). */
export function buttonsOf(card: any): { title: string; verb: string; data: any; isEnabled?: boolean }[] {
  const out: any[] = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (node.type === 'Action.Execute' && node.title) out.push(node);
    for (const [k, v] of Object.entries(node)) if (k !== 'refresh' && k !== 'selectAction') walk(v);
  };
  walk(card);
  return out;
}

export const verbsOf = (card: any) => buttonsOf(card).map((b) => b.verb);

/** The data a button would send, with the card's inputs filled as a user would. */
export function press(card: any, verb: string, inputs: Record<string, unknown> = {}): Record<string, unknown> {
  const button = buttonsOf(card).find((b) => b.verb === verb);
  if (!button) throw new Error(`no ${verb} button on the card; buttons: ${verbsOf(card).join(', ')}`);
  return { ...button.data, ...inputs };
}
