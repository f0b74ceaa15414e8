import type { DealState } from './deal';
import type { Effects, EventType } from './decision';

/**
 * R17 as data, for set-based sweeps over many referrals at once: which deals are due, and the state an expired one
 * takes. The `expire` command's guard and transition are written from the same values, so the two cannot drift.
 */
export const EXPIRY = {
  dueStatus: 'New',
  expired: { status: 'Closed', substatus: 'Expired' },
  event: 'ReferralExpired',
  notify: 'expired',
} as const satisfies {
  dueStatus: DealState['status'];
  expired: Pick<DealState, 'status' | 'substatus'>;
  event: EventType;
  notify: NonNullable<Effects['notifySender']>;
};

export function isDueForExpiry(deal: Pick<DealState, 'status' | 'expiresAt'>, now: Date): boolean {
  return deal.status === EXPIRY.dueStatus && !!deal.expiresAt && deal.expiresAt.getTime() <= now.getTime();
}
