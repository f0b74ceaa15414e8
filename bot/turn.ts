import type { TurnContext } from 'botbuilder';
import { localeOf, type Locale } from '../cards/i18n';
import { actorOf, dayIn, isTimeZone, type Person, type PersonActor } from '../src/domain';
import type { BotServices } from './botServices';
import { admitUser } from './admin/identity';
import { recordAdminTenant } from './admission';
import { reachable } from './listeners';

/** One user's turn, resolved once: who is acting (R1 role + scope), in which language, on which day. */
export interface Turn {
  context: TurnContext;
  services: BotServices;
  locale: Locale;
  user: Person;
  actor: PersonActor;
  /** Today (YYYY-MM-DD) in the user's time zone, for "not in the past" rules. */
  today: string;
  /** The user's IANA time zone: as Teams sends it this turn, else as last remembered, else by language. */
  timeZone: string;
}

type ActivityZone = { localTimezone?: string; locale?: string; entities?: { type?: string; timezone?: unknown }[] };

/** The zone Teams sent with this activity: `localTimezone`, or the `clientInfo` entity's `timezone`; only real zones. */
export function activityZone(activity: ActivityZone): string | undefined {
  const candidates = [activity.localTimezone, ...(activity.entities ?? []).filter((e) => e?.type === 'clientInfo').map((e) => e.timezone)];
  return candidates.find(isTimeZone);
}

/** The reader's zone: this turn's, the remembered one, else Tokyo for Japanese and UTC for everyone else. */
export function readerZone(activity: ActivityZone, remembered?: string | null): string {
  return activityZone(activity) ?? (isTimeZone(remembered) ? remembered : localeOf(activity.locale) === 'ja' ? 'Asia/Tokyo' : 'UTC');
}

/** The user's local date (YYYY-MM-DD) in their zone (see readerZone). */
export function todayFor(activity: ActivityZone, now = new Date(), remembered?: string | null): string {
  return dayIn(now, readerZone(activity, remembered));
}

/**
 * Remembers the zone and locale Teams sent, per person, so proactive posts and later turns without them read in the
 * person's own time (issue 14). Written only when something changed: most turns cost no write.
 */
async function rememberReader(user: Person, activity: ActivityZone, services: BotServices): Promise<Person> {
  const timeZone = activityZone(activity);
  const locale = typeof activity.locale === 'string' && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(activity.locale) ? activity.locale : undefined;
  const changed = { ...(timeZone && timeZone !== user.timeZone ? { timeZone } : {}), ...(locale && locale !== user.locale ? { locale } : {}) };
  if (!Object.keys(changed).length) return user;
  return services.people.rememberReader(user.id, changed);
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
  if (await services.messenger.remember(context)) await reachable(services);
  const user = await rememberReader(await admitUser(context, services), context.activity, services);
  await recordAdminTenant(context, services, user);
  const timeZone = readerZone(context.activity, user.timeZone);
  const turn: Turn = {
    context,
    services,
    locale: localeOf(context.activity.locale),
    user,
    actor: actorOf(user),
    today: dayIn(new Date(), timeZone),
    timeZone,
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
