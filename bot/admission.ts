import type { Activity, TurnContext } from 'botbuilder';
import { localeOf, t, type MessageKey } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { isLocalMode } from '../src/config';
import type { Person } from '../src/domain';
import type { Services } from '../src/services/services';
import { searchResults } from './searchResponse';

/**
 * Who the bot talks to at all (issue 15), decided before anything about the activity is recorded:
 *
 * - the channel is Microsoft Teams (`msteams`); the Bot Framework Emulator and Web Chat only in local mode (no
 *   MicrosoftAppId, loopback callers only — src/http/server.ts);
 * - the tenant (`channelData.tenant.id`) is allowed: one of ALLOWED_TENANTS; else MicrosoftAppTenantId when set;
 *   else the tenant of the first Referrals admin, recorded in the database when that admin is made (before there is
 *   one, anyone may talk to the bot, which is how the first admin arrives);
 * - a message or a click carries the person's Entra ID (`from.aadObjectId`): people are known by it and nothing else.
 *
 * Anyone else gets a polite ja/en refusal, and no person, conversation or greeting is recorded for them.
 */

export type Refusal = 'otherChannel' | 'otherTenant' | 'noIdentity';

export type Admission = { ok: true; tenantId: string | null } | { ok: false; reason: Refusal };

/** Channels of local development tools, accepted only in local mode. */
const LOCAL_CHANNELS = new Set(['emulator', 'webchat']);

export function tenantOf(activity: Partial<Activity>): string | null {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const id = typeof fromChannelData === 'string' && fromChannelData ? fromChannelData : activity.conversation?.tenantId;
  return id ? id.trim().toLowerCase() : null;
}

/** The tenants named in configuration, or null when the first admin's (recorded) tenant decides. */
function configuredTenants(services: Services): string[] | null {
  const { ALLOWED_TENANTS, MicrosoftAppTenantId } = services.config;
  if (ALLOWED_TENANTS.length) return ALLOWED_TENANTS.map((x) => x.toLowerCase());
  if (MicrosoftAppTenantId) return [MicrosoftAppTenantId.toLowerCase()];
  return null;
}

export async function admission(activity: Partial<Activity>, services: Services): Promise<Admission> {
  const local = isLocalMode(services.config);
  const channel = activity.channelId ?? '';
  const devChannel = local && LOCAL_CHANNELS.has(channel);
  if (channel !== 'msteams' && !devChannel) return { ok: false, reason: 'otherChannel' };
  const tenantId = tenantOf(activity);
  if (tenantId) {
    const allowed = configuredTenants(services) ?? [(await services.tenant.recorded()) ?? tenantId];
    if (!allowed.includes(tenantId)) return { ok: false, reason: 'otherTenant' };
  } else if (!devChannel) {
    return { ok: false, reason: 'otherTenant' };
  }
  const personal = activity.type === 'message' || activity.type === 'invoke';
  if (personal && !activity.from?.aadObjectId) return { ok: false, reason: 'noIdentity' };
  return { ok: true, tenantId };
}

const MESSAGE: Record<Refusal, MessageKey> = {
  otherChannel: 'access.otherChannel',
  otherTenant: 'access.otherTenant',
  noIdentity: 'access.noIdentity',
};

/** Says no, politely, in the person's language: a message is answered, a click gets a card, a type-ahead nothing. */
export async function refuseTurn(context: TurnContext, reason: Refusal): Promise<void> {
  const { type, name, locale } = context.activity;
  const text = t(localeOf(locale), MESSAGE[reason]);
  if (type === 'message') {
    await context.sendActivity(text);
  } else if (type === 'invoke' && name === 'application/search') {
    // A type-ahead shows no message: it offers nothing.
    await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: searchResults([]) } });
  } else if (type === 'invoke' && name === 'adaptiveCard/action') {
    const card = messageCard(text, [], 'attention');
    await context.sendActivity({
      type: 'invokeResponse',
      value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
    });
  }
}

/**
 * Without ALLOWED_TENANTS or MicrosoftAppTenantId, the first Referrals admin's tenant becomes the one the bot serves.
 * Called whenever an admin is in a turn (also after the first-admin offer is claimed); records only once.
 */
export async function recordAdminTenant(context: TurnContext, services: Services, user: Person): Promise<void> {
  if (user.role !== 'admin' || configuredTenants(services) !== null) return;
  const tenantId = tenantOf(context.activity);
  if (!tenantId || (await services.tenant.recorded())) return;
  const recorded = await services.tenant.record(tenantId, user.id);
  services.logger.info({ tenantId: recorded, userId: user.id }, 'the tenant of the first Referrals admin is recorded: other tenants are refused from now on');
}
