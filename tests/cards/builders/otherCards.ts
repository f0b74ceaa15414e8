import { welcomeCard } from '../../../bot/welcome';
import { adminDoneCard, adminErrorCard, adminPanelCard, bootstrapOfferCard, locationsListCard, noRoleCard, peopleListCard, type PersonView } from '../../../cards/adminCard';
import { acceptDefaults, referralAcceptCard } from '../../../cards/referralAcceptCard';
import { referralDeclineCard } from '../../../cards/referralDeclineCard';
import { referralReminderCard } from '../../../cards/referralReminderCard';
import { inboxCard, nudgeCard } from '../../../cards/inboxCard';
import { wizardDoneCard, wizardStepCard } from '../../../cards/wizardCard';
import { fieldError } from '../../../src/domain';
import { manyMembers, sampleDeal } from './sampleDeal';
import type { NamedCardBuilder } from './types';

/**
 * Cards of the other features (administration, new-deal wizard, referrals, welcome), built from their public card
 * functions with plausible and extreme inputs. Their owners may add states here.
 */

const referral = () =>
  sampleDeal({
    direction: 'inbound',
    status: 'New',
    substatus: 'Received',
    stage: 'created',
    team: [],
    expiresAt: new Date(Date.now() + 3 * 86_400_000),
    sender: { type: 'microsoft', name: 'Microsoft seller Sato', email: 'sato@microsoft.example', organizationName: 'Microsoft', referralId: 'r-1', callbackUrl: null },
  });

const people: PersonView[] = Array.from({ length: 120 }, (_, i) => ({
  id: `p-${i}`,
  name: `Person ${i} 佐藤`,
  email: i % 7 ? `person${i}@contoso.example` : null,
  role: i % 3 === 0 ? 'admin' : i % 3 === 1 ? 'user' : null,
  global: i === 0,
  locations: i === 0 ? [] : ['contoso-jp-tokyo'],
}));
const locations = [
  { id: 'contoso-jp-tokyo', name: 'Contoso Japan – Tokyo', country: 'JP', deals: 12, people: 40 },
  { id: 'contoso-jp-osaka', name: 'Contoso Japan – Osaka', country: null, deals: 0, people: 0 },
];

export const otherCardBuilders: NamedCardBuilder[] = [
  {
    name: 'inbox, ten referrals and ten deals that need a look',
    build: (locale) =>
      inboxCard(locale, {
        referrals: Array.from({ length: 10 }, (_, i) => ({ ...referral(), id: `r-${i}`, number: 100 + i, expiresAt: new Date(Date.now() + i * 86_400_000) })),
        attention: Array.from({ length: 10 }, (_, i) => ({ deal: sampleDeal({ id: `d-${i}`, number: 200 + i, closeDate: '2026-01-31' }), reason: i % 2 ? 'stale' : 'overdue' })),
        staleDays: 30,
        now: new Date(),
        more: 7,
      }),
  },
  { name: 'inbox, empty', build: (locale) => inboxCard(locale, { referrals: [], attention: [], staleDays: 30, now: new Date(), more: 0 }) },
  {
    name: 'unknown text, closest command',
    build: (locale) => nudgeCard(locale, locale === 'ja' ? '「取引一欄」はコマンドではありません。「取引一覧」のことですか?' : '"dels" is not a command. Did you mean "deals"?', [
      { title: 'deals', command: 'deals' },
      { title: 'Inbox', command: 'inbox' },
      { title: 'Help', command: 'help' },
    ]),
  },
  { name: 'referral accept form', build: (locale) => referralAcceptCard(referral(), locale, { values: acceptDefaults(referral()) }) },
  {
    name: 'referral accept form with errors and 50 members',
    build: (locale) =>
      referralAcceptCard(referral(), locale, {
        values: { ...acceptDefaults(referral()), name: '', members: manyMembers(50).map((m) => ({ name: m.name, email: m.email, phone: m.phone })) },
        errors: [fieldError('name', 'required'), fieldError('team.0.email', 'invalidEmail')],
        notice: 'Some entries need fixing.',
      }),
  },
  { name: 'referral decline form', build: (locale) => referralDeclineCard(referral(), locale) },
  {
    name: 'referral decline form with errors',
    build: (locale) => referralDeclineCard(referral(), locale, { values: { reason: 'x' }, errors: [fieldError('reason', 'invalidChoice')], notice: 'Fix' }),
  },
  { name: 'referral reminder', build: (locale) => referralReminderCard(referral(), locale, 1) },
  { name: 'welcome, personal', build: (locale) => welcomeCard(locale, { name: 'Yuki' }) },
  { name: 'welcome, shared', build: (locale) => welcomeCard(locale, { shared: true }) },
  {
    name: 'wizard step, every field kind',
    build: () =>
      wizardStepCard({
        header: 'New deal · 1/6',
        title: 'Customer',
        intro: 'Type the country and city.',
        notice: 'Some entries need fixing.',
        noticeLines: ['Name is required.'],
        noticeStyle: 'attention',
        sections: [
          {
            heading: 'Details',
            text: 'All fields',
            facts: [{ title: 'Customer', value: 'Fabrikam' }],
            fields: [
              { id: 'name', kind: 'text', label: 'Name', value: '', error: 'Required', maxLength: 200 },
              { id: 'notes', kind: 'multiline', label: 'Notes' },
              { id: 'closeDate', kind: 'date', label: 'Close date', value: '2027-01-01' },
              { id: 'country', kind: 'choice', label: 'Country', choices: [{ title: 'Japan', value: 'JP' }] },
              { id: 'customer', kind: 'filtered', label: 'Customer', choices: [{ title: 'Fabrikam', value: 'c1' }] },
              { id: 'dealType', kind: 'radio', label: 'Type', choices: [{ title: 'SA', value: 'solutionAssessment' }] },
              { id: 'solutions', kind: 'checks', label: 'Solutions', choices: [{ title: 'A', value: 'a' }] },
              { id: 'consent', kind: 'toggle', label: 'Consent', value: 'false' },
              { id: 'customerPick', kind: 'typeahead', label: 'Find the customer', placeholder: 'Start typing', choices: [{ title: '+ Add a new customer', value: 'new' }], dataset: 'customers' },
            ],
            actions: [{ title: 'Search', verb: 'newDeal', data: { step: 'search' } }],
          },
        ],
        buttons: [
          { title: 'Next', verb: 'newDeal', data: { step: 'next' }, style: 'positive' },
          { title: 'Cancel', verb: 'newDeal', data: { step: 'cancel' }, inputs: 'none' },
        ],
      }),
  },
  { name: 'wizard done', build: () => wizardDoneCard('Deal #42 created.') },
  { name: 'wizard cancelled', build: () => wizardDoneCard('Cancelled.', 'cancelled') },
  {
    name: 'admin panel, 120 people',
    build: (locale) =>
      adminPanelCard(
        {
          locations,
          people,
          routes: [{ locationId: 'contoso-jp-tokyo', locationName: 'Contoso Japan – Tokyo', conversationId: '19:x', conversationKind: 'channel', broken: true, brokenAt: new Date() }],
          viewerIsGlobal: true,
          grantableLocations: locations.map((l) => l.id),
        },
        locale,
      ),
  },
  { name: 'admin panel, scoped admin, nothing yet', build: (locale) => adminPanelCard({ locations: [], people: [], routes: [], viewerIsGlobal: false, grantableLocations: [] }, locale) },
  { name: 'people list', build: (locale) => peopleListCard(people, locale) },
  { name: 'locations list', build: (locale) => locationsListCard(locations, locale) },
  { name: 'first-admin offer', build: (locale) => bootstrapOfferCard(locale) },
  { name: 'no role', build: (locale) => noRoleCard(['Aiko Admin', 'Taro Tokyo-Admin'], locale) },
  { name: 'admin error', build: (locale) => adminErrorCard('Unknown location', locale, 'role <email> admin|user [locations]') },
  { name: 'admin done', build: (locale) => adminDoneCard('Done.', locale) },
];
