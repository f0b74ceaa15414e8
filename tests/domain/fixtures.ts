/**
 * Shared fixtures of the domain suites: a clock, a config, the people who act, valid command inputs and a
 * builder that turns a short description of a deal's situation ("traits") into a full DealState.
 *
 * The oracle of the table test reads the traits and the actor descriptions below, never the machine's helpers,
 * so that the expectations stay independent of the code under test.
 */
import {
  DEFAULT_ASSESSMENT_TYPES,
  type Actor,
  type Context,
  type DealState,
  type DealType,
  type Direction,
  type DomainConfig,
  type PersonActor,
  type RegistrationState,
  type RegistrationStatus,
  type Stage,
  type StageCompletion,
  type Status,
  type Substatus,
  type TeamMember,
} from '../../src/domain';

// ---------------------------------------------------------------------------------------------------------------
// Clock and configuration

export const NOW = new Date('2026-03-10T09:00:00Z');
export const TODAY = '2026-03-10';
export const FUTURE_DATE = '2026-06-30';
export const PAST_DATE = '2026-03-09';
export const DAY_MS = 86_400_000;

export const TOKYO = 'contoso-jp-tokyo';
export const OSAKA = 'contoso-jp-osaka';

/** R23: 'Azure Express' is deliberately NOT eligible; one co-sell solution is. */
export const ELIGIBLE_SA_TYPE = 'Data and Infrastructure Migration';
export const INELIGIBLE_SA_TYPE = 'Azure Express';
export const ELIGIBLE_SOLUTION = { id: 'sol-avd', name: 'Azure Virtual Desktop' };
export const INELIGIBLE_SOLUTION = { id: 'sol-crm', name: 'Dynamics 365 Sales' };

export const CONFIG: DomainConfig = {
  assessmentTypes: DEFAULT_ASSESSMENT_TYPES,
  registrationEligible: [...DEFAULT_ASSESSMENT_TYPES.filter((t) => t !== INELIGIBLE_SA_TYPE), ELIGIBLE_SOLUTION.id],
  responseDays: 14,
  currencies: ['JPY', 'USD', 'EUR'],
};

export const ctxAt = (now: Date = NOW, extra: Partial<Context> = {}): Context => ({
  now,
  today: now.toISOString().slice(0, 10),
  config: CONFIG,
  ...extra,
});
export const CTX: Context = ctxAt();

// ---------------------------------------------------------------------------------------------------------------
// People. Every fixture deal is located in TOKYO; worked deals share the team below.

export type ActorKey =
  | 'adminGlobal'
  | 'adminTokyo'
  | 'adminOsaka'
  | 'userOnTeam'
  | 'clientOnTeam'
  | 'userNotOnTeam'
  | 'userOutOfScope'
  | 'userNoRole'
  | 'system';

/** What the spec needs to know about an actor, relative to a TOKYO deal with the shared team. */
export interface ActorTraits {
  person: boolean;
  role: 'admin' | 'user' | null;
  /** R1/R2: the deal's location (TOKYO) is in the actor's scope. */
  inScope: boolean;
  /** R3: the actor is on the team of the worked (non-New) fixture deals. */
  onTeam: boolean;
}

export const ACTOR_TRAITS: Readonly<Record<ActorKey, ActorTraits>> = {
  adminGlobal: { person: true, role: 'admin', inScope: true, onTeam: false },
  adminTokyo: { person: true, role: 'admin', inScope: true, onTeam: false },
  adminOsaka: { person: true, role: 'admin', inScope: false, onTeam: false },
  userOnTeam: { person: true, role: 'user', inScope: true, onTeam: true },
  clientOnTeam: { person: true, role: 'user', inScope: true, onTeam: true },
  userNotOnTeam: { person: true, role: 'user', inScope: true, onTeam: false },
  userOutOfScope: { person: true, role: 'user', inScope: false, onTeam: true },
  userNoRole: { person: true, role: null, inScope: true, onTeam: true },
  system: { person: false, role: null, inScope: true, onTeam: false },
};

const person = (p: Omit<PersonActor, 'kind'> & { kind?: PersonActor['kind'] }): PersonActor => ({ kind: 'user', ...p });

export const ACTORS: Readonly<Record<ActorKey, Actor>> = {
  adminGlobal: person({ id: 'u-admin-g', name: 'Global Admin', email: 'admin@contoso.com', role: 'admin', scope: { global: true, locations: [] } }),
  adminTokyo: person({ id: 'u-admin-t', name: 'Tokyo Admin', email: 'tokyo.admin@contoso.com', role: 'admin', scope: { global: false, locations: [TOKYO] } }),
  adminOsaka: person({ id: 'u-admin-o', name: 'Osaka Admin', email: 'osaka.admin@contoso.com', role: 'admin', scope: { global: false, locations: [OSAKA] } }),
  // On the team by e-mail, written in a different case than on the team list.
  userOnTeam: person({ id: 'u-hana', name: 'Hana Suzuki', email: 'Hana.Suzuki@Contoso.com', role: 'user', scope: { global: false, locations: [TOKYO, OSAKA] } }),
  // An API client on the team by user id, without an e-mail.
  clientOnTeam: person({ kind: 'client', id: 'u-jun', name: 'Jun Ito (CRM sync)', email: null, role: 'user', scope: { global: false, locations: [TOKYO] } }),
  userNotOnTeam: person({ id: 'u-ken', name: 'Ken Tanaka', email: 'ken.tanaka@contoso.com', role: 'user', scope: { global: false, locations: [TOKYO] } }),
  // On the team, but the deal's location is not (or no longer) in scope: scope wins (R3 needs both).
  userOutOfScope: person({ id: 'u-jiro', name: 'Jiro Kato', email: 'jiro.kato@contoso.com', role: 'user', scope: { global: false, locations: [OSAKA] } }),
  // On the team and global, but without a role (R1).
  userNoRole: person({ id: 'u-mei', name: 'Mei Yamada', email: 'mei.yamada@contoso.com', role: null, scope: { global: true, locations: [] } }),
  system: { kind: 'system', id: 'system', name: 'cosell-bot' },
};
export const ACTOR_KEYS = Object.keys(ACTORS) as ActorKey[];

/** The deal creator / accepter of worked fixtures: not one of the actors above. */
export const OWNER = { id: 'u-aiko', name: 'Aiko Sato', email: 'aiko.sato@contoso.com' };

export const SHARED_TEAM: TeamMember[] = [
  { name: OWNER.name, email: OWNER.email, phone: '+81 3-1111-1111', userId: OWNER.id },
  { name: 'Hana Suzuki', email: 'hana.suzuki@contoso.com', phone: '+81 3-2222-2222', userId: null },
  { name: 'Jun Ito', email: 'jun.ito@contoso.com', phone: '+81 3-3333-3333', userId: 'u-jun' },
  { name: 'Jiro Kato', email: 'jiro.kato@contoso.com', phone: '+81 6-4444-4444', userId: 'u-jiro' },
  { name: 'Mei Yamada', email: 'mei.yamada@contoso.com', phone: '+81 3-5555-5555', userId: 'u-mei' },
];

// ---------------------------------------------------------------------------------------------------------------
// Deal situations

export const SA_STAGES = ['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer'] as const;
export const COSELL_STAGES = ['qualified', 'developed', 'proposed', 'negotiated'] as const;
export const ALL_STAGES: readonly Stage[] = [
  'created',
  'accepted',
  ...SA_STAGES,
  ...COSELL_STAGES,
  'won',
  'lost',
];

export interface Traits {
  direction: Direction;
  type: DealType;
  status: Status;
  substatus: Substatus;
  stage: Stage;
  /** SA only: how many of the four mandatory stages are complete (in order). */
  completed?: number;
  /** New referrals: the response window is over. */
  due?: boolean;
  /** R23: the deal's assessment type / solution is registration-eligible. */
  eligible?: boolean;
  registration?: RegistrationStatus | null;
}

export interface Fixture {
  name: string;
  traits: Traits;
  deal: DealState;
}

const completion = (stage: Stage, i: number): StageCompletion => ({
  stage,
  byId: OWNER.id,
  byName: OWNER.name,
  at: new Date(NOW.getTime() - (10 - i) * DAY_MS),
});

export const REGISTRATION = (status: RegistrationStatus): RegistrationState => ({
  contractValue: 5_000_000,
  currency: 'JPY',
  contractSignedDate: '2026-02-01',
  contractStartDate: '2026-02-15',
  contractEndDate: '2027-02-14',
  deployedOnAzure: true,
  marketplaceTransaction: false,
  notes: null,
  status,
  submittedById: OWNER.id,
  submittedByName: OWNER.name,
  submittedAt: new Date(NOW.getTime() - DAY_MS),
  reviewNote: null,
  reviewedByName: status === 'PendingReview' ? null : 'Global Admin',
  reviewedAt: status === 'PendingReview' ? null : new Date(NOW.getTime() - DAY_MS / 2),
});

/** Builds the DealState a traits description stands for. */
export function dealOf(name: string, t: Traits): DealState {
  const isNew = t.status === 'New';
  const eligible = t.eligible ?? true;
  const closed = t.status === 'Closed';
  return {
    id: `deal-${name}`,
    direction: t.direction,
    type: t.type,
    status: t.status,
    substatus: t.substatus,
    stage: t.stage,
    name: `Contoso ${name}`,
    value: 1_200_000,
    currency: 'JPY',
    closeDate: '2026-05-31',
    crmId: null,
    campaignId: null,
    locationId: TOKYO,
    assessmentType: t.type === 'solutionAssessment' ? (eligible ? ELIGIBLE_SA_TYPE : INELIGIBLE_SA_TYPE) : null,
    assessmentLocation: t.type === 'solutionAssessment' && t.direction === 'outbound' ? 'Tokyo HQ' : null,
    solutions: t.type === 'coSell' ? [eligible ? ELIGIBLE_SOLUTION : INELIGIBLE_SOLUTION] : [],
    contact: { name: null, phone: null, email: null, consent: false, askMicrosoftHelp: false },
    specialistNote: null,
    // A new referral has no team of ours yet; every worked deal has the shared team.
    team: isNew || t.substatus === 'Declined' || t.substatus === 'Expired' ? [] : SHARED_TEAM.map((m) => ({ ...m })),
    completions: SA_STAGES.slice(0, t.completed ?? 0).map(completion),
    registration: t.registration ? REGISTRATION(t.registration) : null,
    createdById: t.direction === 'outbound' ? OWNER.id : null,
    acceptedById: t.direction === 'outbound' || (!isNew && t.substatus !== 'Declined' && t.substatus !== 'Expired') ? OWNER.id : null,
    acceptedByName:
      t.direction === 'outbound' || (!isNew && t.substatus !== 'Declined' && t.substatus !== 'Expired') ? OWNER.name : null,
    closedById: closed ? (t.substatus === 'Expired' ? null : OWNER.id) : null,
    closedByName: closed ? (t.substatus === 'Expired' ? 'cosell-bot' : OWNER.name) : null,
    expiresAt:
      t.direction === 'inbound'
        ? new Date(NOW.getTime() + (t.due || t.substatus === 'Expired' ? -1 : 10) * DAY_MS)
        : null,
    closedAt: closed ? new Date(NOW.getTime() - DAY_MS) : null,
    closeReason: t.substatus === 'Lost' || t.substatus === 'Declined' ? 'budgetNotAdequate' : null,
    closeMessage: null,
    version: 7,
  };
}

const inSA = { type: 'solutionAssessment' } as const;
const inCo = { type: 'coSell' } as const;
const NEW = { status: 'New', substatus: 'Received', stage: 'created', direction: 'inbound' } as const;
const ACTIVE = { status: 'Active', substatus: 'Accepted' } as const;
const WON = { status: 'Closed', substatus: 'Won', stage: 'won' } as const;

const TRAITS: Record<string, Traits> = {
  newSa: { ...NEW, ...inSA },
  newSaDue: { ...NEW, ...inSA, due: true },
  newCoSell: { ...NEW, ...inCo },
  newCoSellDue: { ...NEW, ...inCo, due: true },
  newPendingCoSell: { ...NEW, ...inCo, substatus: 'Pending' },
  saAccepted: { ...ACTIVE, ...inSA, direction: 'outbound', stage: 'accepted', completed: 0 },
  saAfterLoe: { ...ACTIVE, ...inSA, direction: 'outbound', stage: 'secureCustomerLoe', completed: 1 },
  saAfterData: { ...ACTIVE, ...inSA, direction: 'outbound', stage: 'collectData', completed: 2 },
  saAfterReport: { ...ACTIVE, ...inSA, direction: 'outbound', stage: 'prepareAssessmentReport', completed: 3 },
  saAfterPresent: { ...ACTIVE, ...inSA, direction: 'outbound', stage: 'presentToCustomer', completed: 4 },
  saInboundAccepted: { ...ACTIVE, ...inSA, direction: 'inbound', stage: 'accepted', completed: 0 },
  coSellAccepted: { ...ACTIVE, ...inCo, direction: 'outbound', stage: 'accepted' },
  coSellProposedInbound: { ...ACTIVE, ...inCo, direction: 'inbound', stage: 'proposed' },
  coSellNegotiated: { ...ACTIVE, ...inCo, direction: 'outbound', stage: 'negotiated' },
  wonSaEligible: { ...WON, ...inSA, direction: 'outbound', completed: 4, eligible: true },
  wonSaPendingReview: { ...WON, ...inSA, direction: 'outbound', completed: 4, eligible: true, registration: 'PendingReview' },
  wonSaApproved: { ...WON, ...inSA, direction: 'outbound', completed: 4, eligible: true, registration: 'Approved' },
  wonSaRejected: { ...WON, ...inSA, direction: 'outbound', completed: 4, eligible: true, registration: 'Rejected' },
  wonSaActionRequired: { ...WON, ...inSA, direction: 'outbound', completed: 4, eligible: true, registration: 'ActionRequired' },
  wonSaIneligible: { ...WON, ...inSA, direction: 'inbound', completed: 4, eligible: false },
  wonCoSellEligibleInbound: { ...WON, ...inCo, direction: 'inbound', eligible: true },
  wonCoSellIneligible: { ...WON, ...inCo, direction: 'outbound', eligible: false },
  lostSa: { status: 'Closed', substatus: 'Lost', stage: 'lost', ...inSA, direction: 'outbound', completed: 2 },
  lostCoSellInbound: { status: 'Closed', substatus: 'Lost', stage: 'lost', ...inCo, direction: 'inbound' },
  declinedSa: { status: 'Closed', substatus: 'Declined', stage: 'created', ...inSA, direction: 'inbound' },
  expiredCoSell: { status: 'Closed', substatus: 'Expired', stage: 'created', ...inCo, direction: 'inbound' },
};

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o) && !(o instanceof Date)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

export const FIXTURES: readonly Fixture[] = Object.entries(TRAITS).map(([name, traits]) =>
  deepFreeze({ name, traits, deal: dealOf(name, traits) }),
);

export function fixture(name: keyof typeof TRAITS | string): Fixture {
  const f = FIXTURES.find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
}

/** A mutable copy of a fixture deal with a patch. */
export function dealFrom(name: string, patch: Partial<DealState> = {}): DealState {
  return { ...structuredClone(fixture(name).deal), ...patch };
}

// ---------------------------------------------------------------------------------------------------------------
// Valid inputs of every command

export const MEMBER = { name: 'Sora Inoue', phone: '+81 3-6666-6666', email: 'sora.inoue@contoso.com' };

export const VALID_INPUT = {
  accept: {
    name: 'Contoso SAP migration',
    value: '1,500,000',
    currency: 'JPY',
    closeDate: FUTURE_DATE,
    notes: 'The customer wants to move SAP to Azure.',
    crmId: 'CRM-001',
    team: [MEMBER],
  },
  decline: { reason: 'customerChoseAnotherVendor', message: 'They went with a local SI.' },
  expire: {},
  edit: { name: 'Contoso SAP migration (phase 2)', note: 'Called the CIO.' },
  setTeam: { team: [MEMBER, { name: 'Hana Suzuki', phone: '+81 3-2222-2222', email: 'hana.suzuki@contoso.com' }] },
  win: {},
  lose: { reason: 'budgetNotAdequate', note: 'Budget frozen.' },
  register: {
    contractValue: 4_800_000,
    currency: 'JPY',
    contractSignedDate: '2026-03-01',
    contractStartDate: '2026-04-01',
    contractEndDate: '2027-03-31',
    deployedOnAzure: 'true',
    marketplaceTransaction: false,
    notes: 'Three-year deal.',
  },
  reviewRegistration: { outcome: 'Approved', note: 'Looks good.' },
  partnerCenterUpdate: { name: 'Renamed in Partner Center' },
} as const;

/** A complete, valid wizard result (R8–R11) for createDeal. */
export function validCreateInput(type: DealType = 'solutionAssessment', patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dealType: type,
    customerId: 'cust-123',
    contact: { name: 'Taro Customer', phone: '03-1234-5678', email: 'taro@customer.example', consent: true, askMicrosoftHelp: false },
    specialistNote: 'Please introduce the Azure specialist.',
    name: 'Fabrikam data center exit',
    locationId: TOKYO,
    value: 2_500_000.5,
    currency: 'jpy',
    closeDate: FUTURE_DATE,
    crmId: 'CRM-42',
    campaignId: 'CAMP-7',
    notes: 'Customer wants to leave its data center by 2027.',
    team: [MEMBER],
    ...(type === 'solutionAssessment'
      ? { assessmentType: ELIGIBLE_SA_TYPE, assessmentLocation: 'Tokyo HQ', solutions: [] }
      : { solutions: [ELIGIBLE_SOLUTION] }),
    consent: true,
    ...patch,
  };
}

export function validReferralInput(type: DealType = 'coSell', patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dealType: type,
    name: 'Referral from Microsoft',
    locationId: TOKYO,
    value: 800_000,
    currency: 'JPY',
    closeDate: '2026-09-30',
    ...(type === 'solutionAssessment' ? { assessmentType: ELIGIBLE_SA_TYPE } : { solutions: [ELIGIBLE_SOLUTION] }),
    createdAt: NOW,
    ...patch,
  };
}

/** `{param}` left in a message means a parameter was not filled. */
export const UNFILLED = /\{\w+\}/;
/** Hiragana, katakana or CJK ideographs: a Japanese message is really Japanese. */
export const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
