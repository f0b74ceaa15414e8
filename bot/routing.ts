import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Prisma } from '@prisma/client';
import { localeOf, t, type Locale } from '../cards/i18n';
import { messageCard } from '../cards/messageCard';
import { referralReminderCard } from '../cards/referralReminderCard';
import { cardAttachment } from '../cards/render';
import { adminRefusal, inScope, SYSTEM } from '../src/domain';
import { searchKey } from '../src/store/searchKey';
import type { BotServices } from './botServices';
import type { Turn } from './turn';

/**
 * R14: where a location's referrals go. An admin links a channel or group chat to a location; a new referral's card is
 * posted there, else to the location's admins (and global admins) in personal chat. A connector answer of 403/404
 * (bot removed from the team, chat deleted) marks the link broken: that referral and later ones go to the admins
 * until someone links again, and `routes` shows the break.
 */

export interface Delivery {
  conversationId: string;
  activityId: string;
}

export interface AnnounceResult {
  via: 'route' | 'admins';
  delivered: Delivery[];
  brokenRoute: boolean;
}

/** The HTTP status of a failed Bot Connector call (botframework-connector's RestError or a plain fetch error). */
export function connectorStatus(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The bot is no longer in that conversation: posting there will not work again until someone re-adds it. */
const isGone = (err: unknown) => [403, 404].includes(connectorStatus(err) ?? 0);

export class ReferralRouter {
  constructor(private readonly services: BotServices) {}

  private get prisma() {
    return this.services.db.prisma;
  }

  /** Personal chats of the admins who may answer referrals of the location, one per admin (the latest). */
  async adminChats(locationId: string): Promise<string[]> {
    const admins = await this.prisma.user.findMany({
      where: { role: 'admin', aadObjectId: { not: null }, OR: [{ globalScope: true }, { locations: { some: { locationId } } }] },
      select: { aadObjectId: true },
    });
    const refs = await this.prisma.conversationRef.findMany({
      where: { kind: 'personal', userAadObjectId: { in: admins.map((a) => a.aadObjectId as string) } },
      orderBy: { updatedAt: 'desc' },
    });
    const seen = new Set<string>();
    return refs.filter((r) => !seen.has(r.userAadObjectId as string) && seen.add(r.userAadObjectId as string)).map((r) => r.id);
  }

  private async markBroken(locationId: string, err: unknown): Promise<void> {
    await this.prisma.locationRoute.update({ where: { locationId }, data: { broken: true, brokenAt: new Date() } });
    this.services.logger.warn({ err, locationId, status: connectorStatus(err) }, 'referral route broken: the bot cannot post there any more');
  }

  /**
   * Sends something to the location's destinations: the linked conversation if it works, else every admin chat.
   * `send` returns the new message id.
   */
  private async deliver(locationId: string, send: (conversationId: string) => Promise<string>): Promise<AnnounceResult> {
    const route = await this.prisma.locationRoute.findUnique({ where: { locationId } });
    let brokenRoute = !!route?.broken;
    if (route && !route.broken) {
      try {
        const activityId = await send(route.conversationId);
        return { via: 'route', delivered: [{ conversationId: route.conversationId, activityId }], brokenRoute: false };
      } catch (err) {
        if (isGone(err)) {
          await this.markBroken(locationId, err);
          brokenRoute = true;
        } else {
          // A passing failure (5xx, timeout) does not break the link; the admins get this one so it is not lost.
          this.services.logger.error({ err, locationId }, 'could not post to the linked conversation; falling back to admins');
        }
      }
    }
    const delivered: Delivery[] = [];
    for (const conversationId of await this.adminChats(locationId)) {
      try {
        delivered.push({ conversationId, activityId: await send(conversationId) });
      } catch (err) {
        this.services.logger.warn({ err, conversationId, status: connectorStatus(err) }, 'could not reach an admin in personal chat');
      }
    }
    if (!delivered.length) this.services.logger.error({ locationId }, 'no conversation could be reached for this location');
    return { via: 'admins', delivered, brokenRoute };
  }

  /** Posts a new referral's card (tracked, so every copy follows the deal). */
  async announce(dealId: string): Promise<AnnounceResult> {
    const found = await this.services.deals.get(dealId, SYSTEM);
    if (!found.ok) throw new Error(`Referral ${dealId} not found`);
    return this.deliver(found.value.locationId, (conversationId) => this.services.publisher.post(dealId, conversationId));
  }

  /** R17: a reminder before expiry, to the same destinations as the card. */
  async remind(dealId: string, daysLeft: number): Promise<AnnounceResult | null> {
    const found = await this.services.deals.get(dealId, SYSTEM);
    if (!found.ok || found.value.status !== 'New') return null;
    const deal = found.value;
    return this.deliver(deal.locationId, async (conversationId) => {
      const locale = localeOf((await this.services.messenger.reference(conversationId))?.locale);
      const card = referralReminderCard(deal, locale, daysLeft);
      return this.services.messenger.send(conversationId, MessageFactory.attachment(cardAttachment(card)));
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The admin commands `link location <location>` and `routes`

const reply = (turn: Turn, title: string, lines: string[] = [], style: 'default' | 'attention' | 'good' = 'default') =>
  turn.context.sendActivity(MessageFactory.attachment(cardAttachment(messageCard(title, lines, style))));

async function scopeLocations(turn: Turn, services: BotServices) {
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
  const stored = await services.db.prisma.conversationRef.findUniqueOrThrow({ where: { id } });
  const reference = { ...(stored.reference as Record<string, unknown>), conversation: { ...activity.conversation, id: base } };
  const data = { kind, tenantId: stored.tenantId, userAadObjectId: null, reference: reference as Prisma.InputJsonValue };
  await services.db.prisma.conversationRef.upsert({ where: { id: base }, create: { id: base, ...data }, update: data });
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
  const data = { conversationId: target.id, linkedById: actor.id, linkedByName: actor.name, broken: false, brokenAt: null };
  await services.db.prisma.locationRoute.upsert({ where: { locationId: picked.id }, create: { locationId: picked.id, ...data }, update: data });
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
  const routes = await services.db.prisma.locationRoute.findMany({
    where: { locationId: { in: mine.map((l) => l.id) } },
    include: { conversation: true },
  });
  const lines = mine.map((l) => {
    const location = `${l.name} (${l.id})`;
    const route = routes.find((r) => r.locationId === l.id);
    if (!route) return t(locale, 'route.list.none', { location });
    const kind = kindLabel(locale, route.conversation.kind);
    if (route.broken) {
      return t(locale, 'route.list.broken', { location, id: l.id, kind, date: (route.brokenAt ?? route.updatedAt).toISOString().slice(0, 10) });
    }
    return t(locale, 'route.list.linked', { location, kind, by: route.linkedByName ?? '—', date: route.updatedAt.toISOString().slice(0, 10) });
  });
  await reply(turn, t(locale, 'route.list.title'), lines);
}
