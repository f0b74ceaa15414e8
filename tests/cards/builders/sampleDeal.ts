import type { DealRecord, PersonActor } from '../../../src/domain';

/** A deal record for card tests, without a database: override what the state under test needs. */
export function sampleDeal(overrides: Partial<DealRecord> = {}): DealRecord {
  const at = new Date('2026-11-20T09:30:00Z');
  return {
    id: '5f0c7c4e-1f0a-4d1e-9a51-0a1b2c3d4e5f',
    number: 42,
    direction: 'outbound',
    type: 'solutionAssessment',
    status: 'Active',
    substatus: 'Accepted',
    stage: 'accepted',
    name: 'Fabrikam migration assessment',
    value: 1_500_000,
    currency: 'JPY',
    closeDate: '2027-01-31',
    crmId: 'CRM-0042',
    campaignId: 'FY27-AZ-MIGRATE',
    locationId: 'contoso-jp-tokyo',
    locationName: 'Contoso Japan – Tokyo',
    assessmentType: 'Data and Infrastructure Migration',
    assessmentLocation: 'Tokyo HQ',
    solutions: [],
    team: [{ name: 'Yuki Tokyo', email: 'tokyouser@contoso.example', phone: '+81 3 1234 5678', userId: 'u-tokyo' }],
    completions: [],
    registration: null,
    createdById: 'u-tokyo',
    acceptedById: 'u-tokyo',
    acceptedByName: 'Yuki Tokyo',
    closedById: null,
    closedByName: null,
    expiresAt: null,
    closedAt: null,
    closeReason: null,
    closeMessage: null,
    version: 3,
    customer: {
      id: 'c-1',
      name: 'Fabrikam Japan KK',
      addressLine1: '1-2-3 Otemachi',
      city: 'Tokyo',
      state: null,
      postalCode: '100-0004',
      country: 'JP',
      duns: '123456789',
    },
    contact: { name: 'Kenji Fabrikam', phone: '+81 3 9999 0000', email: 'kenji@fabrikam.example', consent: true, askMicrosoftHelp: false },
    consent: { consentToShareInfoWithOthers: true, consentToContact: true },
    specialistNote: null,
    sender: null,
    inviteNotes: null,
    createdAt: at,
    updatedAt: at,
    receivedAt: null,
    remindersSent: [],
    partnerCenter: null,
    latestNote: null,
    ...overrides,
  };
}

export const CARD_ADMIN: PersonActor = {
  kind: 'user',
  id: 'u-admin',
  name: 'Aiko Admin',
  email: 'admin@contoso.example',
  role: 'admin',
  scope: { global: true, locations: [] },
};

export const CARD_USER: PersonActor = {
  kind: 'user',
  id: 'u-tokyo',
  name: 'Yuki Tokyo',
  email: 'tokyouser@contoso.example',
  role: 'user',
  scope: { global: false, locations: ['contoso-jp-tokyo'] },
};

export const manyMembers = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `Member ${i + 1} 山田 太郎`,
    email: `member${i + 1}@contoso.example`,
    phone: `+81 3 1234 ${String(1000 + i)}`,
    userId: null,
  }));

export const manyNotes = (n: number, chars = 4000) =>
  Array.from({ length: n }, (_, i) => ({
    text: `Note ${i + 1}: ${'顧客は Azure への移行を検討しています。'.repeat(Math.ceil(chars / 22)).slice(0, chars - 10)}`,
    authorName: 'Yuki Tokyo',
    createdAt: new Date(Date.UTC(2026, 10, 1, 9, i % 60)),
  }));
