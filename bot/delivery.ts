import { MessageFactory } from 'botbuilder';
import { localeOf } from '../cards/i18n';
import { referralReminderCard } from '../cards/referralReminderCard';
import { cardAttachment } from '../cards/render';
import type { DealRecord } from '../src/domain';
import type { BotServices } from './botServices';
import { connectorStatus, isGone } from './connectorStatus';

/**
 * R14: where a location's referrals go. An admin links a channel or group chat to a location; a new referral's card is
 * posted there, else to the location's admins (and global admins) in personal chat. A connector answer of 403/404
 * (bot removed from the team, chat deleted) marks the link broken: that referral and later ones go to the admins
 * until someone links again, and `routes` shows the break. Run from jobs (bot/listeners.ts), never in a request.
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

export class ReferralRouter {
  constructor(private readonly services: BotServices) {}

  /** Personal chats of the admins who may answer referrals of the location, one per admin (the latest). */
  async adminChats(locationId: string): Promise<string[]> {
    const admins = await this.services.people.inScopeOf(locationId, { adminsOnly: true });
    return this.services.conversations.personalChatsOf(admins.map((a) => a.aadObjectId as string));
  }

  /**
   * Sends something to the location's destinations: the linked conversation if it works, else every admin chat.
   * `send` returns the new message id. (Referral cards, reminders, and the daily digest of issue 17.)
   */
  async deliver(locationId: string, send: (conversationId: string) => Promise<string>): Promise<AnnounceResult> {
    const route = await this.services.routes.get(locationId);
    let brokenRoute = !!route?.broken;
    if (route && !route.broken) {
      try {
        const activityId = await send(route.conversationId);
        return { via: 'route', delivered: [{ conversationId: route.conversationId, activityId }], brokenRoute: false };
      } catch (err) {
        if (isGone(err)) {
          await this.services.routes.markBroken(locationId);
          this.services.logger.warn({ err, locationId, status: connectorStatus(err) }, 'referral route broken: the bot cannot post there any more');
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
    // Nobody to tell yet (no linked chat, no admin has talked to the bot): the job waits and the card goes out as soon
    // as someone is reachable (bot/listeners.ts reachable) — an operator needs to know, it is not a failure.
    if (!delivered.length) this.services.logger.warn({ locationId }, 'no conversation could be reached for this location yet; the card waits');
    return { via: 'admins', delivered, brokenRoute };
  }

  /** Posts a new referral's card (tracked, so every copy follows the deal). */
  async announce(deal: DealRecord): Promise<AnnounceResult> {
    return this.deliver(deal.locationId, (conversationId) => this.services.publisher.post(deal, conversationId));
  }

  /** R17: a reminder before expiry, to the same destinations as the card. */
  async remind(deal: DealRecord, daysLeft: number): Promise<AnnounceResult> {
    return this.deliver(deal.locationId, async (conversationId) => {
      const locale = localeOf((await this.services.messenger.reference(conversationId))?.locale);
      const card = referralReminderCard(deal, locale, daysLeft);
      return this.services.messenger.send(conversationId, MessageFactory.attachment(cardAttachment(card)));
    });
  }
}
