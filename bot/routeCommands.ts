import { MessageFactory, TurnContext } from 'botbuilder';
import { t, type Locale } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { cardAttachment } from '../cards/render';
import { adminRefusal, formatDate, inScope, searchKey, type LocationRecord } from '../src/domain';
import type { BotServices } from './botServices';
import type { Turn } from './turn';

/** R14, the admin side: `link location <location>` / `場所をリンク`, and `routes` / `ルート`. */

const reply = (turn: Turn, title: string, lines: string[] = [], style: 'default' | 'attention' | 'good' = 'default') =>
  turn.context.sendActivity(MessageFactory.attachment(cardAttachment(messageCard(title, lines, style))));

async function scopeLocations(turn: Turn, services: BotServices): Promise<LocationRecord[]> {
  const all = await services.people.locations();
  return all.filter((l) => inScope(turn.actor, l.id));
}

/** A channel's messages arrive in a thread (`…;messageid=…`); a link names the channel itself, so posts start threads. */
async function rememberLinkTarget(context: TurnContext, services: BotServices): Promise<{ id: string; kind: string }> {
  const activity = context.activity;
  const id = activity.conversation.id;
  const kind = activity.conversation.conversationType ?? 'personal';
  const base = id.split(';messageid=')[0] ?? id;
  if (kind !== 'channel' || base === id) return { id, kind };
  const reference = { ...TurnContext.getConversationReference(activity), conversation: { ...activity.conversation, id: base } };
  await services.conversations.remember(base, {
    kind,
    tenantId: activity.conversation.tenantId ?? null,
    userAadObjectId: null,
    reference: reference as unknown as Record<string, unknown>,
  });
  return { id: base, kind };
}

function pickLocation<T extends { id: string; name: string }>(typed: string, locations: T[]): T | T[] | undefined {
  const key = searchKey(typed);
  const exact = locations.find((l) => searchKey(l.id) === key || searchKey(l.name) === key);
  if (exact) return exact;
  const partial = locations.filter((l) => searchKey(l.id).includes(key) || searchKey(l.name).includes(key));
  return partial.length === 1 ? partial[0] : partial.length > 1 ? partial : undefined;
}

export async function linkLocation(turn: Turn, args: string, services: BotServices): Promise<void> {
  const { locale, actor } = turn;
  const refusal = adminRefusal(actor);
  if (refusal) return void (await reply(turn, refusal.message[locale], [], 'attention'));
  const kind = turn.context.activity.conversation?.conversationType ?? 'personal';
  if (kind === 'personal') return void (await reply(turn, t(locale, 'route.link.personal'), [], 'attention'));
  const mine = await scopeLocations(turn, services);
  const list = mine.map((l) => `${l.name} (${l.id})`).join(', ') || '—';
  if (!args.trim()) {
    return void (await reply(turn, t(locale, 'route.link.usage', { example: mine[0]?.id ?? 'contoso-tokyo', locations: list }), [], 'attention'));
  }
  // Locations outside the admin's scope are not offered, and not linkable (R1).
  const picked = pickLocation(args.trim(), mine);
  if (!picked) return void (await reply(turn, t(locale, 'route.link.unknown', { location: args.trim(), locations: list }), [], 'attention'));
  if (Array.isArray(picked)) {
    const names = picked.map((l) => `${l.name} (${l.id})`).join(', ');
    return void (await reply(turn, t(locale, 'route.link.ambiguous', { location: args.trim(), locations: names }), [], 'attention'));
  }
  const target = await rememberLinkTarget(turn.context, services);
  await services.routes.link(picked.id, target.id, actor);
  await reply(turn, t(locale, 'route.link.done', { location: `${picked.name} (${picked.id})` }), [], 'good');
}

const kindLabel = (locale: Locale, kind: string) =>
  t(locale, kind === 'channel' ? 'route.kind.channel' : kind === 'groupChat' ? 'route.kind.groupChat' : 'route.kind.personal');

export async function listRoutes(turn: Turn, _args: string, services: BotServices): Promise<void> {
  const { locale, actor } = turn;
  const refusal = adminRefusal(actor);
  if (refusal) return void (await reply(turn, refusal.message[locale], [], 'attention'));
  const mine = await scopeLocations(turn, services);
  if (!mine.length) return void (await reply(turn, t(locale, 'route.list.title'), [t(locale, 'route.list.empty')]));
  const routes = await services.routes.list(mine.map((l) => l.id));
  const lines = mine.map((l) => {
    const location = `${l.name} (${l.id})`;
    const route = routes.find((r) => r.locationId === l.id);
    if (!route) return t(locale, 'route.list.none', { location });
    const kind = kindLabel(locale, route.conversationKind);
    if (route.broken) {
      return t(locale, 'route.list.broken', { location, id: l.id, kind, date: formatDate(route.brokenAt ?? route.updatedAt, locale, turn.timeZone) });
    }
    return t(locale, 'route.list.linked', { location, kind, by: route.linkedByName ?? '—', date: formatDate(route.updatedAt, locale, turn.timeZone) });
  });
  await reply(turn, t(locale, 'route.list.title'), lines);
}
