import { MessageFactory, type Activity, type ConversationReference } from 'botbuilder';
import { localeOf, type Locale } from '../cards/i18n';
import { cardAttachment } from '../cards/render';
import { actorOf, canSee, type DealRecord } from '../src/domain';
import type { Services } from '../src/services/services';
import { sharedDealCard } from './dealView';
import type { Messenger } from './messenger';
import { connectorStatus } from './connectorStatus';

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

  private shared(deal: DealRecord, locale: Locale, deciders: string[]): Partial<Activity> {
    return MessageFactory.attachment(cardAttachment(sharedDealCard(deal, locale, deciders, this.services.partnerCenter?.linkOf)));
  }

  /** Posts the deal's card into a conversation the bot knows and records the copy. Returns the message id. */
  async post(dealOrId: DealRecord | string, conversationId: string): Promise<string> {
    const deal = typeof dealOrId === 'string' ? await this.load(dealOrId) : dealOrId;
    if (!deal) throw new Error(`Deal ${String(dealOrId)} not found`);
    const reference = await this.messenger.reference(conversationId);
    const activityId = await this.messenger.send(conversationId, this.shared(deal, localeOf(reference?.locale), await this.deciders(deal)));
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
    const cards = new Map<Locale, Partial<Activity>>();
    let updated = 0;
    let gone = 0;
    const failures: unknown[] = [];
    for (const copy of copies) {
      const reference = conversations.get(copy.conversationId)?.reference as Partial<ConversationReference> | undefined;
      const locale = localeOf(reference?.locale);
      let activity = cards.get(locale);
      if (!activity) cards.set(locale, (activity = this.shared(deal, locale, deciders)));
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
