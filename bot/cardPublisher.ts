import { MessageFactory } from 'botbuilder';
import { localeOf } from '../cards/i18n';
import { cardAttachment } from '../cards/render';
import { canSee, SYSTEM, type DealState } from '../src/domain';
import type { Services } from '../src/services/services';
import { actorOf } from '../src/store/people';
import { sharedDealCard } from './dealView';
import type { Messenger } from './messenger';

/** Teams refreshes a card for at most 60 listed users. */
const MAX_REFRESH_USERS = 60;

/**
 * Posts deal cards into conversations and keeps every posted copy up to date: after any change, each copy is
 * replaced (updateActivity) by the current state, and Teams refreshes it into each viewer's own buttons.
 */
export class CardPublisher {
  constructor(
    private readonly services: Services,
    private readonly messenger: Messenger,
  ) {}

  /** The AAD ids of people who may act on the deal (R1–R3, asked of the domain), for refresh.userIds. */
  async deciders(deal: DealState): Promise<string[]> {
    const users = await this.services.db.prisma.user.findMany({
      where: {
        role: { not: null },
        aadObjectId: { not: null },
        OR: [{ globalScope: true }, { locations: { some: { locationId: deal.locationId } } }],
      },
      include: { locations: true },
      orderBy: { createdAt: 'asc' },
    });
    return users
      .filter((u) => canSee(deal, actorOf(u)))
      .map((u) => u.aadObjectId as string)
      .slice(0, MAX_REFRESH_USERS);
  }

  private async sharedCard(dealId: string, conversationId: string) {
    const found = await this.services.deals.get(dealId, SYSTEM);
    if (!found.ok) return null;
    const deal = found.value;
    const reference = await this.messenger.reference(conversationId);
    const locale = localeOf(reference?.locale);
    const notes = await this.services.deals.notes(deal.id);
    const card = sharedDealCard(deal, locale, await this.deciders(deal), notes.at(-1)?.text);
    return MessageFactory.attachment(cardAttachment(card));
  }

  /** Posts the deal's card into a conversation the bot knows and records the copy. Returns the message id. */
  async post(dealId: string, conversationId: string): Promise<string> {
    const activity = await this.sharedCard(dealId, conversationId);
    if (!activity) throw new Error(`Deal ${dealId} not found`);
    const activityId = await this.messenger.send(conversationId, activity);
    await this.track(dealId, conversationId, activityId);
    return activityId;
  }

  /** Records a copy posted during a user's turn (a reply), so later changes update it too. */
  async track(dealId: string, conversationId: string, activityId: string): Promise<void> {
    if (!activityId) return;
    await this.services.db.prisma.cardPost.upsert({
      where: { conversationId_activityId: { conversationId, activityId } },
      create: { dealId, conversationId, activityId },
      update: {},
    });
  }

  /** refreshCopies for many deals, touching only those that have posted copies (one query to find them). */
  async refreshCopiesOf(dealIds: readonly string[]): Promise<number> {
    let updated = 0;
    for (let i = 0; i < dealIds.length; i += 1_000) {
      const posted = await this.services.db.prisma.cardPost.findMany({
        where: { dealId: { in: dealIds.slice(i, i + 1_000) } },
        select: { dealId: true },
        distinct: ['dealId'],
      });
      for (const { dealId } of posted) updated += await this.refreshCopies(dealId);
    }
    return updated;
  }

  /** Brings every posted copy of the deal's card to its current state. Failures are logged, never thrown. */
  async refreshCopies(dealId: string, except?: { conversationId?: string; activityId?: string }): Promise<number> {
    const posts = await this.services.db.prisma.cardPost.findMany({ where: { dealId } });
    let updated = 0;
    for (const post of posts) {
      if (except && post.conversationId === except.conversationId && post.activityId === except.activityId) continue;
      try {
        const activity = await this.sharedCard(dealId, post.conversationId);
        if (!activity) continue;
        await this.messenger.update(post.conversationId, post.activityId, activity);
        updated++;
      } catch (err) {
        this.services.logger.warn({ err, dealId, conversationId: post.conversationId }, 'could not update a posted deal card');
      }
    }
    return updated;
  }
}
