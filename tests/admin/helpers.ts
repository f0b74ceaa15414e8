import { adaptiveCards, cardAction, cardText, personalMessage, type MessageOptions, type InvokeOptions, type TeamsActivity, type TeamsUser } from '../helpers/teams';
import type { TestApp } from '../helpers/testApp';

/** Conversation helpers for the admin suites: what one message or click gets back, as cards and their text. */

export interface Said {
  cards: any[];
  text: string;
}

/** Posts a personal (or other) message and returns the cards the bot answered with during that turn. */
export async function say(app: TestApp, text: string, o: MessageOptions = {}, tweak?: (activity: TeamsActivity) => void): Promise<Said> {
  const before = app.stub.calls.length;
  const activity = personalMessage(text, o);
  tweak?.(activity);
  const res = await app.post(activity);
  expect(res.status).toBe(200);
  const cards = app.stub.calls.slice(before).filter((c) => c.kind === 'reply' || c.kind === 'send').flatMap((c) => adaptiveCards(c.activity));
  return { cards, text: cards.map(cardText).join('\n') };
}

/** An Action.Execute click; returns the replacement card and its text. */
export async function click(app: TestApp, verb: string, data: Record<string, unknown>, o: InvokeOptions = {}): Promise<{ card: any; text: string }> {
  const res = await app.post(cardAction(verb, data, o));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  return { card: res.body.value, text: cardText(res.body.value) };
}

/** Lets the connector stub answer TeamsInfo.getMember for this person, with an email. */
export function knowMember(app: TestApp, user: TeamsUser, email: string): void {
  app.stub.members.set(user.id, { id: user.id, name: user.name, aadObjectId: user.aadObjectId, email, userPrincipalName: email });
}

/** Every Action.Execute verb on a card (ShowCard sub-cards included). */
export function verbsOf(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute' && typeof o.verb === 'string') out.push(o.verb);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}
