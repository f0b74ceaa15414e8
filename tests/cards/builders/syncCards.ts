import { syncStatusCard, unmappedCard } from '../../../cards/syncCards';
import { dealCard } from '../../../cards/dealCard';
import { sampleDeal } from './sampleDeal';
import type { NamedCardBuilder } from './types';

/** Issue 13: the Partner Center sync's cards, and a deal card in each sync state. */

const locations = [
  { id: 'contoso-jp-tokyo', name: 'Contoso Japan – Tokyo' },
  { id: 'contoso-jp-osaka', name: 'Contoso Japan – Osaka' },
];
const referral = { id: 'pc-1', name: 'Northwind [urgent](https://evil.example) assessment', targetId: 'pc-location-<osaka>' };
const at = '2026-12-02 09:00 UTC';

export const syncCardBuilders: NamedCardBuilder[] = [
  { name: 'unmapped Partner Center referral', build: (locale) => unmappedCard(referral, locations, locale) },
  { name: 'unmapped Partner Center referral, refused', build: (locale) => unmappedCard(referral, locations, locale, 'Only a global admin can do this.') },
  { name: 'unmapped Partner Center referral, no locations', build: (locale) => unmappedCard(referral, [], locale) },
  { name: 'sync status, off', build: (locale) => syncStatusCard({ configured: false, pending: 0, oldestPendingAt: null, failed: [], conflicts: 0, lastPollAt: null, lastPollError: null, lastWebhookAt: null, unmapped: [] }, locale) },
  {
    name: 'sync status, trouble',
    build: (locale) =>
      syncStatusCard(
        {
          configured: true,
          pending: 12,
          oldestPendingAt: at,
          failed: Array.from({ length: 20 }, (_, i) => ({ number: i + 1, name: `Deal ${i} 佐藤`, reason: i % 2 ? 'rejected' : 'unavailable' })),
          conflicts: 1,
          lastPollAt: at,
          lastPollError: 'unavailable',
          lastWebhookAt: null,
          unmapped: [{ name: referral.name, targetId: referral.targetId }],
        },
        locale,
      ),
  },
  ...(['synced', 'pending', 'failed', 'conflict'] as const).map((state) => ({
    name: `deal card, Partner Center ${state}`,
    build: (locale: 'ja' | 'en') =>
      dealCard(
        sampleDeal({
          partnerCenter: {
            referralId: 'pc-1',
            engagementId: 'e-1',
            state,
            notice: state === 'failed' ? { code: 'failed', reason: 'rejected', at } : state === 'conflict' ? { code: 'superseded', by: 'Yuki Tokyo', at } : null,
          },
        }),
        locale,
        { buttons: [], partnerCenterUrl: 'https://partner.microsoft.com/dashboard/v2/referrals/pc-1' },
      ),
  })),
];
