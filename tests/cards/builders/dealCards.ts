import '../../../bot/actions/stageActions';
import '../../../bot/actions/dealWorkActions';
import { personalDealCard, sharedDealCard } from '../../../bot/dealView';
import { dealListCard } from '../../../cards/dealListCard';
import { editForm, loseForm, registerForm, reviewForm, teamForm } from '../../../cards/dealForms';
import { historyCard, type AuditEntry } from '../../../cards/historyCard';
import { t, type Locale } from '../../../cards/i18n';
import { pipelineCard } from '../../../cards/pipelineCard';
import { insightsView } from '../../../cards/insightsCard';
import { DEFAULT_DOMAIN_CONFIG, LIST_SEPARATOR, STAGE_LABEL, type Context, type DealRecord, type Insights, type PersonActor, type RegistrationState, type StageCompletion } from '../../../src/domain';
import { CARD_ADMIN, CARD_USER, manyMembers, manyNotes, sampleDeal } from './sampleDeal';
import type { NamedCardBuilder } from './types';

const INSIGHTS: Insights = {
  since: new Date('2026-09-01T00:00:00Z'),
  until: new Date('2026-11-30T00:00:00Z'),
  pipeline: [
    { type: 'solutionAssessment', stage: 'received', currency: 'JPY', count: 2, total: '4000000.00', weighted: '400000.00' },
    { type: 'solutionAssessment', stage: 'collectData', currency: 'JPY', count: 5, total: '15000.00', weighted: '6000.00' },
    { type: 'coSell', stage: 'proposed', currency: 'USD', count: 3, total: '30000.50', weighted: '18000.30' },
    { type: 'coSell', stage: 'proposed', currency: 'JPY', count: 1, total: '1000000.00', weighted: '600000.00' },
  ],
  funnel: { received: 40, accepted: 31, won: 9 },
  timeToAccept: { medianHours: 26.5, count: 31 },
  timeToWin: { medianHours: 24 * 41, count: 12 },
  outcomes: { won: 12, lost: 5 },
  winRate: 12 / 17,
  declines: [
    { reason: 'budgetNotAdequate', count: 4 },
    { reason: 'customerChoseAnotherVendor', count: 2 },
  ],
  expired: 3,
};

/** Every state of the deal card, its forms, the history, the list and the pipeline (issue 6). */

const ctx: Context = { now: new Date('2026-11-29T00:00:00Z'), today: '2026-11-29', config: DEFAULT_DOMAIN_CONFIG };
const at = new Date('2026-11-25T10:00:00Z');
const done = (stages: StageCompletion['stage'][]): StageCompletion[] => stages.map((stage) => ({ stage, byId: 'u-tokyo', byName: 'Yuki Tokyo', at }));
const ALL_FOUR = done(['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer']);

const registration = (status: RegistrationState['status']): RegistrationState => ({
  contractValue: 1_800_000,
  currency: 'JPY',
  contractSignedDate: '2026-11-20',
  contractStartDate: '2026-12-01',
  contractEndDate: '2027-11-30',
  deployedOnAzure: true,
  marketplaceTransaction: false,
  notes: 'Three-year commitment.',
  status,
  submittedById: 'u-tokyo',
  submittedByName: 'Yuki Tokyo',
  submittedAt: at,
  reviewNote: status === 'PendingReview' ? null : 'Checked against the signed contract.',
  reviewedByName: status === 'PendingReview' ? null : 'Aiko Admin',
  reviewedAt: status === 'PendingReview' ? null : at,
});

const won = (extra: Partial<DealRecord> = {}) =>
  sampleDeal({ status: 'Closed', substatus: 'Won', stage: 'won', completions: ALL_FOUR, closedByName: 'Yuki Tokyo', closedAt: at, ...extra });

const coSell = (extra: Partial<DealRecord> = {}) =>
  sampleDeal({ type: 'coSell', assessmentType: null, assessmentLocation: null, solutions: [{ id: 'sol-1', name: 'Contoso Cloud Migration Factory' }], ...extra });

const big = (extra: Partial<DealRecord> = {}) => sampleDeal({ team: manyMembers(50), name: 'X'.repeat(200), ...extra });
const NOTES = manyNotes(100);
const last = NOTES[NOTES.length - 1]!;
const latest = { id: 'n-100', authorId: null, ...last };

const personal = (name: string, deal: () => DealRecord, actor: PersonActor = CARD_USER): NamedCardBuilder => ({
  name: `deal card, ${name}`,
  build: (locale: Locale) => personalDealCard({ ...deal(), latestNote: latest }, actor, locale, ctx),
});

const events: AuditEntry[] = Array.from({ length: 300 }, (_, i) => {
  const kinds: [string, Record<string, unknown>][] = [
    ['DealCreated', { type: 'solutionAssessment' }],
    ['DealEdited', { changes: { name: {}, value: {}, crmId: {} } }],
    ['NoteAdded', { length: 20 }],
    ['TeamChanged', { added: ['Ken Tokyo'], removed: [] }],
    ['StageCompleted', { stage: 'collectData', percent: 40 }],
    ['StageSet', { stage: 'proposed', percent: 60 }],
    ['DealWon', {}],
    ['DealLost', { reason: 'budgetNotAdequate' }],
    ['RegistrationSubmitted', {}],
    ['RegistrationReviewed', { outcome: 'Approved' }],
    ['ReferralReceived', {}],
    ['ReferralAccepted', {}],
    ['ReferralDeclined', { reason: 'other' }],
    ['ReferralExpired', {}],
    ['SomethingNewer', {}],
  ];
  const [type, data] = kinds[i % kinds.length]!;
  return { type, data, actorName: 'Yuki Tokyo', createdAt: new Date(at.getTime() + i * 60_000) };
});

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i % 2 ? coSell({ id: `d-${i}`, number: 100 + i, stage: 'proposed' }) : sampleDeal({ id: `d-${i}`, number: 100 + i, direction: 'inbound' }),
  );

const D = (n: number | string) => Number(n).toFixed(2);

export const dealCardBuilders: NamedCardBuilder[] = [
  personal('SA accepted, no stage done (team user)', () => sampleDeal()),
  personal('SA two stages done', () => sampleDeal({ stage: 'collectData', completions: done(['secureCustomerLoe', 'collectData']) })),
  personal('SA all four done, Won enabled', () => sampleDeal({ stage: 'presentToCustomer', completions: ALL_FOUR })),
  personal('SA read-only viewer (user off the team)', () => sampleDeal({ team: [], createdById: null, acceptedById: null }), { ...CARD_USER, id: 'u-other', email: 'other@contoso.example' }),
  personal('SA won, eligible for registration', () => won()),
  personal('SA won, registration pending (admin sees Review)', () => won({ registration: registration('PendingReview') }), CARD_ADMIN),
  personal('SA won, registration approved', () => won({ registration: registration('Approved') })),
  personal('SA won, action required', () => won({ registration: registration('ActionRequired') })),
  personal('co-sell accepted, stage drop-down', () => coSell()),
  personal('co-sell negotiated', () => coSell({ stage: 'negotiated' })),
  personal('co-sell lost with reason and note', () =>
    coSell({ status: 'Closed', substatus: 'Lost', stage: 'lost', closeReason: 'customerChoseAnotherVendor', closeMessage: 'Went with a competitor.', closedByName: 'Yuki Tokyo', closedAt: at }),
  ),
  personal('referral New (admin)', () =>
    sampleDeal({ direction: 'inbound', status: 'New', substatus: 'Received', stage: 'created', team: [], createdById: null, acceptedById: null, expiresAt: at, sender: { type: 'microsoft', name: 'Microsoft seller Sato', email: null, organizationName: 'Microsoft', referralId: 'r-1', callbackUrl: null } }),
    CARD_ADMIN,
  ),
  personal('referral declined', () => sampleDeal({ direction: 'inbound', status: 'Closed', substatus: 'Declined', stage: 'created', closeReason: 'notACustomer', closedByName: 'Aiko Admin', closedAt: at })),
  personal('referral expired', () => sampleDeal({ direction: 'inbound', status: 'Closed', substatus: 'Expired', stage: 'created', closedAt: at })),
  personal('50 team members, 100 notes, notice and hint (admin)', () => big({ completions: done(['secureCustomerLoe']), stage: 'secureCustomerLoe' }), CARD_ADMIN),
  {
    name: 'deal card, shared copy with 60 refresh users and 50 members',
    build: (locale) => sharedDealCard({ ...big(), latestNote: latest }, locale, Array.from({ length: 60 }, (_, i) => `aad-${i}`)),
  },
  {
    name: 'deal card, closed and shared (no buttons)',
    build: (locale) => sharedDealCard(coSell({ status: 'Closed', substatus: 'Lost', stage: 'lost', closeReason: 'other' }), locale, []),
  },
  { name: 'lose form', build: (locale) => loseForm(sampleDeal(), locale) },
  {
    name: 'lose form with errors',
    build: (locale) => loseForm(sampleDeal(), locale, { values: { reason: 'nonsense', note: 'x' }, errors: { reason: 'Choose one.' }, notice: { kind: 'attention', text: 'Fix' } }),
  },
  { name: 'edit form, 100 notes in history, 50 members', build: (locale) => editForm(big(), locale, NOTES) },
  { name: 'edit form, co-sell, no notes', build: (locale) => editForm(coSell({ crmId: null, campaignId: null }), locale, []) },
  {
    name: 'edit form with errors and typed values',
    build: (locale) =>
      editForm(sampleDeal(), locale, NOTES.slice(0, 2), {
        values: { name: '', value: 'abc', closeDate: '2020-01-01', currency: 'XXX' },
        errors: { name: 'Required', value: 'Enter a number', closeDate: 'Past', currency: 'Bad' },
        notice: { kind: 'attention', text: 'Some entries need fixing.' },
      }),
  },
  {
    name: 'team form, 50 members and 10 recent contacts',
    build: (locale) => teamForm(big(), locale, manyMembers(10).map((m) => ({ ...m, email: `recent-${m.email}` }))),
  },
  {
    name: 'team form, no recent contacts, errors',
    build: (locale) => teamForm(sampleDeal(), locale, [], { values: { memberEmail: 'bad' }, errors: { memberEmail: 'Invalid', memberPhone: 'Required' }, notice: { kind: 'attention', text: 'Fix' } }),
  },
  { name: 'team form, empty team', build: (locale) => teamForm(sampleDeal({ team: [] }), locale, []) },
  { name: 'register form', build: (locale) => registerForm(won(), locale) },
  {
    name: 'register form again after Action required, with errors',
    build: (locale) => registerForm(won({ registration: registration('ActionRequired') }), locale, { values: { contractValue: '-5', deployedOnAzure: 'true' }, errors: { contractValue: 'Positive', contractEndDate: 'After start' } }),
  },
  { name: 'review form', build: (locale) => reviewForm(won({ registration: registration('PendingReview') }), locale) },
  { name: 'history, 300 events and 100 long notes', build: (locale) => historyCard(big(), locale, events, NOTES) },
  { name: 'history, empty', build: (locale) => historyCard(sampleDeal(), locale, [], []) },
  { name: 'deal list, empty', build: (locale) => dealListCard(locale, { title: 'Deals', filters: '', deals: [], page: 1 }) },
  {
    name: 'deal list, a middle page',
    build: (locale) =>
      dealListCard(locale, {
        title: t(locale, 'deals.title'),
        filters: [t(locale, 'deals.inbound'), t(locale, 'deals.filter.stage', { stage: STAGE_LABEL.collectData[locale] })].join(LIST_SEPARATOR[locale]),
        deals: rows(10),
        page: 3,
        rows: { args: 'inbound', mine: false, cursor: 'bjo5OQ', back: ['', 'bjoxMTA'] },
        next: { args: 'inbound', mine: false, cursor: 'bjo4OQ', back: ['', 'bjoxMTA', 'bjo5OQ'] },
        previous: { args: 'inbound', mine: false, cursor: 'bjoxMTA', back: [''] },
      }),
  },
  { name: 'pipeline, empty', build: (locale) => pipelineCard(locale, { rows: [], totals: [] }, 'All') },
  {
    name: 'insights, with charts',
    build: (locale) => {
      const view = insightsView(locale, INSIGHTS, { scope: 'Contoso Japan – Tokyo', filters: 'Person: Yuki Tokyo', timeZone: 'Asia/Tokyo' });
      return view.card(view.charts.map((_c, i) => `https://cosell.example/charts/${'0'.repeat(36)}.${i}.${'s'.repeat(43)}.png`));
    },
  },
  {
    name: 'insights, nothing yet, no chart links',
    build: (locale) =>
      insightsView(
        locale,
        { ...INSIGHTS, pipeline: [], funnel: { received: 0, accepted: 0, won: 0 }, timeToAccept: { medianHours: null, count: 0 }, timeToWin: { medianHours: null, count: 0 }, outcomes: { won: 0, lost: 0 }, winRate: null, declines: [], expired: 0 },
        { scope: 'All', filters: '', timeZone: 'UTC' },
      ).card([]),
  },
  {
    name: 'pipeline, two currencies',
    build: (locale) =>
      pipelineCard(
        locale,
        {
          rows: [
            { stage: 'accepted', currency: 'JPY', count: 3, total: D(3_000_000), weighted: D(300_000) },
            { stage: 'collectData', currency: 'JPY', count: 1, total: D(1_000_000), weighted: D(400_000) },
            { stage: 'proposed', currency: 'USD', count: 2, total: D('20000.50'), weighted: D('12000.30') },
          ],
          totals: [
            { currency: 'JPY', count: 4, total: D(4_000_000), weighted: D(700_000) },
            { currency: 'USD', count: 2, total: D('20000.50'), weighted: D('12000.30') },
          ],
        },
        'Open deals in all locations',
      ),
  },
];
