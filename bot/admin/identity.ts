import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Person, TeamsIdentity } from '../../src/domain';
import type { Services } from '../../src/services/services';

/**
 * Who is talking, recorded from Teams: AAD object id and name from the activity, email/UPN from the Bot Connector
 * (TeamsInfo.getMember) the first time we see someone. The lookup is optional: when it fails (a guest, an old
 * client, the connector is slow) the person is recorded without an email and the turn goes on.
 */

/** Failed lookups are not retried on every message; once an hour per person is plenty. */
const RETRY_LOOKUP_MS = 60 * 60 * 1000;
const failedLookups = new Map<string, number>();

export interface MemberInfo {
  aadObjectId?: string;
  name?: string;
  email: string | null;
}

export async function lookupMember(context: TurnContext, teamsUserId: string, services: Services): Promise<MemberInfo | null> {
  try {
    const m = await TeamsInfo.getMember(context, teamsUserId);
    return { aadObjectId: m.aadObjectId, name: m.name, email: m.email || m.userPrincipalName || null };
  } catch (err) {
    services.logger.debug({ err, teamsUserId }, 'TeamsInfo.getMember failed; going on without an email');
    return null;
  }
}

/** Records the person; an email that already belongs to someone else's row is left off (the store decides). */
export function recordUser(services: Services, who: TeamsIdentity): Promise<Person> {
  return services.people.ensureUser(who);
}

/** The person of this turn, recorded (with email on first contact) and, if BOOTSTRAP_ADMINS lists them, made admin. */
export async function admitUser(context: TurnContext, services: Services): Promise<Person> {
  const from = context.activity.from;
  // People are known by their Entra ID only (bot/admission.ts refuses a turn without one before this runs).
  const aadObjectId = from.aadObjectId;
  if (!aadObjectId) throw new Error('admitUser: the activity has no from.aadObjectId (admission should have refused it)');
  const known = await services.people.byAadObjectId(aadObjectId);
  let email: string | null = null;
  if (!known?.email) {
    const key = `${context.activity.serviceUrl}|${aadObjectId}`;
    const failedAt = failedLookups.get(key);
    if (failedAt === undefined || Date.now() - failedAt > RETRY_LOOKUP_MS) {
      const member = await lookupMember(context, from.id, services);
      email = member?.email ?? null;
      if (email) failedLookups.delete(key);
      else failedLookups.set(key, Date.now());
    }
  }
  // One look-up per turn; a write only for someone new, a new email, or a name changed in Teams.
  const renamed = !!known && !!from.name && known.name !== from.name;
  const user = !known || email || renamed ? await recordUser(services, { aadObjectId, name: from.name || known?.name || from.id, email }) : known;
  return services.bootstrap.applyListed(user);
}

interface MentionEntity {
  type: 'mention';
  text?: string;
  mentioned?: { id?: string; name?: string; aadObjectId?: string };
}

/**
 * The person an `<at>Name</at>` in the text stands for. Teams gives the mention's Teams user id; the Bot Connector
 * turns it into an AAD id and email (and the person is recorded). Without the connector, a unique exact name among
 * known people still works.
 */
export async function resolveMention(context: TurnContext, services: Services, mentionText: string): Promise<Person | null> {
  const recipientId = context.activity.recipient?.id;
  const entities = (context.activity.entities ?? []) as unknown as MentionEntity[];
  const entity = entities.find((e) => e.type === 'mention' && e.text === mentionText && e.mentioned?.id !== recipientId);
  const mentioned = entity?.mentioned;
  const name = mentioned?.name || mentionText.replace(/<\/?at>/gi, '').trim();
  if (mentioned?.aadObjectId) {
    const known = await services.people.byAadObjectId(mentioned.aadObjectId);
    if (known) return known;
  }
  if (mentioned?.id) {
    const member = await lookupMember(context, mentioned.id, services);
    if (member?.aadObjectId) {
      return recordUser(services, { aadObjectId: member.aadObjectId, name: member.name || name, email: member.email });
    }
  }
  return findByName(services, name);
}

/** A known person by exact name (any case), only when the name is unique. */
export function findByName(services: Services, name: string): Promise<Person | null> {
  return services.people.byUniqueName(name);
}
