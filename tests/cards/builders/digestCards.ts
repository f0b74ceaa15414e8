import { digestCard, digestNothingCard } from '../../../cards/digestCard';
import { linksCard } from '../../../cards/exportCard';
import type { LocationDigest } from '../../../src/domain';
import { sampleDeal } from './sampleDeal';
import type { NamedCardBuilder } from './types';

/** Issue 17: the daily digest (full, one category, nothing) and the export's download links. */

const many = (n: number, from: number) => Array.from({ length: n }, (_, i) => sampleDeal({ id: `d-${from + i}`, number: from + i, name: `Deal ${from + i} <b>*東京*</b>` }));

const fullDigest = (): LocationDigest => ({
  locationId: 'contoso-jp-tokyo',
  locationName: 'Contoso Japan – Tokyo',
  timeZone: 'Asia/Tokyo',
  day: '2026-12-02',
  referrals: {
    items: many(10, 100).map((deal, i) => ({ deal: { ...deal, direction: 'inbound', status: 'New', substatus: 'Received', expiresAt: new Date(Date.now() + i * 86_400_000) }, daysLeft: i })),
    total: 14,
  },
  overdue: { items: many(10, 200).map((d) => ({ ...d, closeDate: '2026-11-01' })), total: 12 },
  stale: { items: many(10, 300).map((deal) => ({ deal, since: new Date('2026-09-01T00:00:00Z') })), total: 10 },
  registrations: {
    items: many(3, 400).map((d) => ({
      ...d,
      registration: {
        status: 'PendingReview',
        contractValue: 100,
        currency: 'JPY',
        contractSignedDate: '2026-11-01',
        contractStartDate: '2026-11-01',
        contractEndDate: '2027-11-01',
        deployedOnAzure: true,
        marketplaceTransaction: false,
        notes: null,
        submittedById: null,
        submittedByName: '佐藤 花子',
        submittedAt: new Date('2026-11-30T01:00:00Z'),
        reviewNote: null,
        reviewedByName: null,
        reviewedAt: null,
      },
    })),
    total: 3,
  },
  syncFailures: { items: many(2, 500), total: 2 },
});

export const digestCardBuilders: NamedCardBuilder[] = [
  { name: 'daily digest, every category, more than fit', build: (locale) => digestCard(locale, fullDigest(), 30) },
  {
    name: 'daily digest, one referral only',
    build: (locale) => {
      const d = fullDigest();
      const empty = { items: [], total: 0 };
      return digestCard(locale, { ...d, referrals: { items: d.referrals.items.slice(0, 1), total: 1 }, overdue: empty, stale: empty, registrations: empty, syncFailures: empty }, 30);
    },
  },
  { name: 'digest now, nothing to say', build: (locale) => digestNothingCard(locale, ['Contoso Japan – Tokyo', 'Contoso Japan – Osaka']) },
  {
    name: 'export links',
    build: (locale) =>
      linksCard(locale, {
        count: 42,
        filters: 'Inbound',
        minutes: 15,
        more: '',
        links: [
          { format: 'xlsx', url: 'https://bot.contoso.example/exports/abc.xlsx' },
          { format: 'csv', url: 'https://bot.contoso.example/exports/abc.csv' },
        ],
      }),
  },
];
