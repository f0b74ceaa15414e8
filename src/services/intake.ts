import type { Result } from '../domain';
import type { DealRecord, IncomingReferral } from '../store/dealStore';
import type { Services } from './services';

/**
 * R14: a referral from the intake API is stored (idempotent on sender + referral id), then announced: its card is
 * posted where the location's referrals go (bot/routing.ts). Posting is best effort: the referral is stored whatever
 * Teams answers, and a repeat delivery does not post it twice.
 */
export class ReferralIntake {
  constructor(
    private readonly services: Services,
    private readonly announce: (dealId: string) => Promise<unknown>,
  ) {}

  async receive(referral: IncomingReferral): Promise<Result<{ deal: DealRecord; created: boolean }>> {
    const result = await this.services.deals.receive(referral);
    if (result.ok && result.value.created) {
      const dealId = result.value.deal.id;
      await this.announce(dealId).catch((err: unknown) => this.services.logger.error({ err, dealId }, 'could not post the card of a new referral'));
    }
    return result;
  }
}
