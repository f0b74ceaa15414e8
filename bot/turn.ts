import type { TurnContext } from 'botbuilder';
import { localeOf, type Locale } from '../cards/i18n';
import { actorOf, type Person, type PersonActor } from '../src/domain';
import type { BotServices } from './botServices';
import { admitUser } from './admin/identity';
import { recordAdminTenant } from './admission';

/** One user's turn, resolved once: who is acting (R1 role + scope), in which language, on which day. */
export interface Turn {
  context: TurnContext;
  services: BotServices;
  locale: Locale;
  user: Person;
  actor: PersonActor;
  /** Today (YYYY-MM-DD) in the user's time zone, for "not in the past" rules. */
  today: string;
}

// Building an Intl formatter costs far more than using one; there are few time zones.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayFormat(zone: string): Intl.DateTimeFormat {
  let f = dayFormats.get(zone);
  if (!f) {
    // en-CA formats as YYYY-MM-DD. An unknown zone throws here and is not cached.
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(zone, f);
  }
  return f;
}

/** The user's local date from the activity's time zone (Teams sends `localTimezone`), else UTC. */
export function todayFor(activity: { localTimezone?: string; locale?: string }, now = new Date()): string {
  const zone = activity.localTimezone || (localeOf(activity.locale) === 'ja' ? 'Asia/Tokyo' : 'UTC');
  try {
    return dayFormat(zone).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

const TURN_KEY = Symbol('cosell.turn');

/**
 * The per-turn pipeline, run once before any handler of a message or card click (CosellBot.run): the conversation is
 * remembered for proactive posts, the person is admitted (recorded, email looked up once, BOOTSTRAP_ADMINS applied)
 * and the turn — person, actor, language, local date — is built and kept on the context for every handler after.
 */
export async function beginTurn(context: TurnContext, services: BotServices): Promise<Turn> {
  const existing = context.turnState.get(TURN_KEY) as Turn | undefined;
  if (existing) return existing;
  await services.messenger.remember(context);
  const user = await admitUser(context, services);
  await recordAdminTenant(context, services, user);
  const turn: Turn = {
    context,
    services,
    locale: localeOf(context.activity.locale),
    user,
    actor: actorOf(user),
    today: todayFor(context.activity),
  };
  context.turnState.set(TURN_KEY, turn);
  return turn;
}

/** The turn built by the pipeline; throws when a handler runs outside it (a wiring mistake, not a user's). */
export function turnOf(context: TurnContext): Turn {
  const turn = context.turnState.get(TURN_KEY) as Turn | undefined;
  if (!turn) throw new Error('No turn: beginTurn() must run before handlers (CosellBot.run)');
  return turn;
}

/** A role change made in this turn (the first-admin offer) applies to the rest of the turn. */
export function updateTurnUser(turn: Turn, user: Person): void {
  turn.user = user;
  turn.actor = actorOf(user);
}
