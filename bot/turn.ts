import type { TurnContext } from 'botbuilder';
import { localeOf, type Locale } from '../cards/i18n';
import type { PersonActor } from '../src/domain';
import type { Services } from '../src/services/services';
import { actorOf, type UserRow } from '../src/store/people';

/** One user's turn, resolved once: who is acting (R1 role + scope), in which language, on which day. */
export interface Turn {
  context: TurnContext;
  services: Services;
  locale: Locale;
  user: UserRow;
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
    // en-CA formats as YYYY-MM-DD.
    return dayFormat(zone).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export async function beginTurn(context: TurnContext, services: Services): Promise<Turn> {
  const activity = context.activity;
  const from = activity.from;
  const user = await services.people.ensureUser({
    aadObjectId: from.aadObjectId ?? from.id,
    name: from.name || from.id,
  });
  return {
    context,
    services,
    locale: localeOf(activity.locale),
    user,
    actor: actorOf(user),
    today: todayFor(activity),
  };
}
