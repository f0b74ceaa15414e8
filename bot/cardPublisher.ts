import { MessageFactory, type Activity, type ConversationReference } from 'botbuilder';
import { localeOf, type Locale } from '../cards/i18n';
import { cardAttachment } from '../cards/render';
import { actorOf, canSee, type DealRecord } from '../src/domain';
import type { Services } from '../src/services/services';
import { sharedDealCard } from './dealView';
import type { Messenger } from './messenger';
import { connectorStatus } from './connectorStatus';

/** What a reader's zone is looked up by: a personal chat knows its one user. */
type ChatOf = { id: string; kind: string; userAadObjectId: string | null };

/** Teams refreshes a card for at most 60 listed users. */
const MAX_REFRESH_USERS = 60;

/**
 * Posts deal cards into conversations and keeps every posted copy up to date. Each copy records the deal version it
 * shows; `refresh` (the listener of `cards.refresh` jobs) replaces (updateActivity) only the copies that are behind,
 * recording each as it succeeds, and Teams refreshes each into its viewers' own buttons (refresh.userIds).
 */
export class CardPublisher {
  constructor(
    private readonly services: Services,
    private readonly messenger: Messenger,
  ) {}

  /** The AAD ids of people who may act on the deal (R1–R3, asked of the domain), for refresh.userIds. */
  async deciders(deal: DealRecord): Promise<string[]> {
    const people = await this.services.people.inScopeOf(deal.locationId);
    return people
      .filter((p) => canSee(deal, actorOf(p)))
      .map((p) => p.aadObjectId as string)
      .slice(0, MAX_REFRESH_USERS);
  }

  private shared(deal: DealRecord, locale: Locale, deciders: string[], timeZone?: string): Partial<Activity> {
    return MessageFactory.attachment(cardAttachment(sharedDealCard(deal, locale, deciders, this.services.partnerCenter?.linkOf, timeZone)));
  }

  /**
   * Issue 14: a personal chat has one reader, whose remembered zone its cards use (an admin in New York reads New
   * York times on a Tokyo referral); channels and group chats show the location's.
   */
  private async readerZones(conversations: Iterable<ChatOf | null | undefined>): Promise<Map<string, string>> {
    const personal = [...conversations].filter((c): c is ChatOf => c?.kind === 'personal' && !!c.userAadObjectId);
    const zones = await this.services.people.zonesOf(personal.map((c) => c.userAadObjectId as string));
    return new Map(personal.flatMap((c) => (zones.has(c.userAadObjectId as string) ? [[c.id, zones.get(c.userAadObjectId as string) as string] as const] : [])));
  }

  /** Posts the deal's card into a conversation the bot knows and records the copy. Returns the message id. */
  async post(dealOrId: DealRecord | string, conversationId: string): Promise<string> {
    const deal = typeof dealOrId === 'string' ? await this.load(dealOrId) : dealOrId;
    if (!deal) throw new Error(`Deal ${String(dealOrId)} not found`);
    // One read of the conversation: its language (the reference) and, for a personal chat, its reader's zone.
    const conversation = await this.services.conversations.get(conversationId);
    const reference = conversation?.reference as Partial<ConversationReference> | undefined;
    const zone = (await this.readerZones([conversation])).get(conversationId);
    const activityId = await this.messenger.send(conversationId, this.shared(deal, localeOf(reference?.locale), await this.deciders(deal), zone));
    await this.track(deal, conversationId, activityId);
    return activityId;
  }

  /** Records a copy posted during a user's turn (a reply), so later changes update it too. */
  async track(deal: Pick<DealRecord, 'id' | 'version'>, conversationId: string, activityId: string): Promise<void> {
    await this.services.cardPosts.track(deal.id, conversationId, activityId, deal.version);
  }

  /**
   * Brings the deal's posted copies that show an older version (every copy with `all`) up to date: one read of the
   * deal, one card per language, one update per copy, each recorded when it succeeded. A copy in a conversation the
   * bot was removed from (403/404) can never be updated and is given up. Throws when any other copy failed, so the
   * job is tried again later — for those copies only.
   */
  async refresh(dealId: string, opts: { all?: boolean; version?: number } = {}): Promise<{ updated: number; gone: number }> {
    // The usual case after a click: no other copy is behind the version the change made — done without reading the deal.
    if (!opts.all && opts.version !== undefined && !(await this.services.cardPosts.behind(dealId, opts.version)).length) return { updated: 0, gone: 0 };
    const deal = await this.load(dealId);
    if (!deal) return { updated: 0, gone: 0 };
    const copies = await this.services.cardPosts.behind(deal.id, deal.version, opts.all);
    if (!copies.length) return { updated: 0, gone: 0 };
    const [deciders, conversations] = await Promise.all([this.deciders(deal), this.services.conversations.many(copies.map((c) => c.conversationId))]);
    const zones = await this.readerZones(conversations.values());
    const cards = new Map<string, Partial<Activity>>();
    let updated = 0;
    let gone = 0;
    const failures: unknown[] = [];
    for (const copy of copies) {
      const reference = conversations.get(copy.conversationId)?.reference as Partial<ConversationReference> | undefined;
      const locale = localeOf(reference?.locale);
      const zone = zones.get(copy.conversationId);
      const key = `${locale} ${zone ?? ''}`;
      let activity = cards.get(key);
      if (!activity) cards.set(key, (activity = this.shared(deal, locale, deciders, zone)));
      try {
        await this.messenger.update(copy.conversationId, copy.activityId, activity, reference);
        await this.services.cardPosts.shown(copy.id, deal.version);
        updated++;
      } catch (err) {
        if ([403, 404].includes(connectorStatus(err) ?? 0)) {
          await this.services.cardPosts.shown(copy.id, deal.version);
          gone++;
          this.services.logger.warn({ dealId, conversationId: copy.conversationId }, 'a posted deal card can no longer be updated (bot removed?)');
        } else {
          failures.push(err);
        }
      }
    }
    if (failures.length) {
      throw Object.assign(new Error(`${failures.length} of ${copies.length} posted cards of the deal could not be updated`), { cause: failures[0] });
    }
    return { updated, gone };
  }

  private async load(dealId: string): Promise<DealRecord | null> {
    const found = await this.services.queries.getForSystem(dealId);
    return found.ok ? found.value : null;
  }
}
