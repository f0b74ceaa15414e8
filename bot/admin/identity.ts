import { Prisma } from '@prisma/client';
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Services } from '../../src/services/services';
import type { TeamsIdentity, UserRow } from '../../src/store/people';

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

/** ensureUser, falling back to no email when the email already belongs to someone else's row. */
export async function recordUser(services: Services, who: TeamsIdentity): Promise<UserRow> {
  try {
    return await services.people.ensureUser(who);
  } catch (err) {
    if (who.email && err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      services.logger.warn({ aadObjectId: who.aadObjectId }, 'email already recorded for another person; kept without it');
      return services.people.ensureUser({ ...who, email: null });
    }
    throw err;
  }
}

/** The person of this turn, recorded (with email on first contact) and, if BOOTSTRAP_ADMINS lists them, made admin. */
export async function admitUser(context: TurnContext, services: Services): Promise<UserRow> {
  const from = context.activity.from;
  const aadObjectId = from.aadObjectId ?? from.id;
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
  const user = !known || email ? await recordUser(services, { aadObjectId, name: from.name || known?.name || from.id, email }) : known;
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
export async function resolveMention(context: TurnContext, services: Services, mentionText: string): Promise<UserRow | null> {
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
export async function findByName(services: Services, name: string): Promise<UserRow | null> {
  const rows = await services.db.prisma.user.findMany({
    where: { name: { equals: name.trim(), mode: 'insensitive' } },
    include: { locations: true },
    take: 2,
  });
  return rows.length === 1 ? rows[0]! : null;
}
