/**
 * Property test: random command sequences (random actors, commands with valid and invalid inputs, random time
 * steps and stale/current expected versions) from created outbound deals and received referrals.
 * Whatever happens, the invariants of SPEC R8, R10, R19–R24 hold after every step.
 */
import fc from 'fast-check';
import {
  createDeal,
  decide,
  receiveReferral,
  type Actor,
  type Command,
  type DealState,
  type Stage,
  type Status,
  type Substatus,
} from '../../src/domain';
import {
  ACTORS,
  ACTOR_KEYS,
  ALL_STAGES,
  DAY_MS,
  MEMBER,
  NOW,
  VALID_INPUT,
  ctxAt,
  deepFreeze,
  validCreateInput,
  validReferralInput,
} from './fixtures';

// Restated from the spec, independent of src/domain/stages.ts and vocabulary.ts.
const PERCENT: Record<Stage, number> = {
  created: 10,
  accepted: 10,
  secureCustomerLoe: 20,
  collectData: 40,
  prepareAssessmentReport: 60,
  presentToCustomer: 80,
  qualified: 20,
  developed: 40,
  proposed: 60,
  negotiated: 80,
  won: 100,
  lost: 0,
};
const PAIRS: Record<Status, Substatus[]> = {
  New: ['Pending', 'Received'],
  Active: ['Accepted'],
  Closed: ['Won', 'Lost', 'Declined', 'Expired'],
};
const SA_ORDER = ['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer'];
/** R14–R24: the moves between status/substatus pairs that may happen at all. */
const TRANSITIONS = new Set([
  'New/Received>Active/Accepted',
  'New/Received>Closed/Declined',
  'New/Received>Closed/Expired',
  'Active/Accepted>Active/Accepted',
  'Active/Accepted>Closed/Won',
  'Active/Accepted>Closed/Lost',
  'Closed/Won>Closed/Won', // registration and its review only
]);

// ---------------------------------------------------------------------------------------------------------------
// Generators

const dates = fc.constantFrom('2026-01-15', '2026-03-10', '2026-04-30', '2026-12-31', '2027-06-30', '2026-02-30', 'soon', '');
const amounts = fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.constantFrom<unknown>(0, -5, 10.123, '1,200.50', 'abc', null));
const text = fc.oneof(fc.constantFrom('', '  ', 'x'.repeat(201)), fc.string({ minLength: 1, maxLength: 30 }));
const reason = fc.constantFrom('budgetNotAdequate', 'customerDidNotRespond', 'other', 'notAReason');
const member = fc.oneof(
  fc.constant(MEMBER),
  fc.constant({ name: 'Hana Suzuki', phone: '+81 3-2222-2222', email: 'hana.suzuki@contoso.com' }),
  fc.constant({ name: 'Bad', phone: '1', email: 'nope' }),
);
/** Stands for "the next mandatory SA stage of the deal", resolved when the step runs, so that walks reach Won. */
const NEXT = 'NEXT' as const;
const stage = fc.oneof(
  { weight: 6, arbitrary: fc.constant(NEXT) },
  { weight: 3, arbitrary: fc.constantFrom<Stage>('secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer') },
  { weight: 2, arbitrary: fc.constantFrom<Stage>(...ALL_STAGES) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('Negotiated', 50, null) },
);
const editInput = fc.record(
  {
    name: text,
    closeDate: dates,
    value: amounts,
    currency: fc.constantFrom('USD', 'jpy', 'XXX'),
    crmId: fc.constantFrom('', 'CRM-1', null),
    note: text,
    locationId: fc.constant('contoso-jp-osaka'),
    assessmentType: fc.constant('Azure Express'),
    solutions: fc.constant([]),
    type: fc.constant('coSell'),
    direction: fc.constant('outbound'),
    colour: fc.constant('red'),
  },
  { requiredKeys: [] },
);

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('accept' as const), input: fc.oneof(fc.constant<unknown>(VALID_INPUT.accept), fc.record({ name: text, value: amounts, closeDate: dates, notes: text, team: fc.array(member, { maxLength: 2 }) })) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('decline' as const), input: fc.record({ reason, message: fc.option(text) }) }) },
  { weight: 2, arbitrary: fc.constant<Command>({ type: 'expire' }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('edit' as const), input: editInput }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('setTeam' as const), input: fc.record({ team: fc.array(member, { maxLength: 3 }) }) }) },
  { weight: 8, arbitrary: fc.record({ type: fc.constant('completeStage' as const), input: fc.record({ stage }) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('setStage' as const), input: fc.record({ stage: fc.constantFrom<unknown>(...ALL_STAGES, 'x') }) }) },
  { weight: 3, arbitrary: fc.constant<Command>({ type: 'win' }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('lose' as const), input: fc.record({ reason, note: fc.option(text) }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('register' as const),
      input: fc.oneof(fc.constant<unknown>(VALID_INPUT.register), fc.constant<unknown>({ ...VALID_INPUT.register, contractEndDate: '2020-01-01' })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('reviewRegistration' as const),
      input: fc.record({ outcome: fc.constantFrom('Approved', 'Rejected', 'ActionRequired', 'Maybe') }),
    }),
  },
);

interface Step {
  actor: Actor;
  command: Command;
  advanceMs: number;
  /** What the actor's card said the version was. */
  version: 'none' | 'current' | 'stale';
}

const step: fc.Arbitrary<Step> = fc.record({
  // Actors with access come up more often, so deals get somewhere.
  actor: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(ACTORS.userOnTeam, ACTORS.adminGlobal, ACTORS.system, ACTORS.adminTokyo) },
    { weight: 2, arbitrary: fc.constantFrom(...ACTOR_KEYS.map((k) => ACTORS[k])) },
  ),
  command,
  advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 * DAY_MS })),
  version: fc.constantFrom<Step['version']>('none', 'none', 'current', 'stale'),
});

type Start = { kind: 'created' | 'received'; type: 'solutionAssessment' | 'coSell'; creator: 'userOnTeam' | 'adminTokyo' };
const start: fc.Arbitrary<Start> = fc.record({
  kind: fc.constantFrom('created', 'received'),
  type: fc.constantFrom('solutionAssessment', 'coSell'),
  creator: fc.constantFrom('userOnTeam', 'adminTokyo'),
});

function initialDeal(s: Start): DealState {
  const r =
    s.kind === 'created'
      ? createDeal(validCreateInput(s.type), ACTORS[s.creator], ctxAt())
      : receiveReferral(validReferralInput(s.type), ctxAt());
  if (!r.ok) throw new Error(`fixture failed: ${r.refusal.code}`);
  return { ...r.value.deal, id: 'deal-prop' };
}

function resolve(c: Command, deal: DealState): Command {
  if ((c.input as { stage?: unknown } | undefined)?.stage !== NEXT) return c;
  return { ...c, input: { stage: SA_ORDER[deal.completions.length] ?? 'presentToCustomer' } };
}

// ---------------------------------------------------------------------------------------------------------------

const pairOf = (d: DealState) => `${d.status}/${d.substatus}`;

function checkStep(prev: DealState, next: DealState, c: Command, initial: DealState, reached: Set<string>): void {
  // Versions go up by exactly one per accepted command.
  expect(next.version).toBe(prev.version + 1);
  // R24: a valid status/substatus pair, and only the transitions Partner Center knows.
  expect(PAIRS[next.status]).toContain(next.substatus);
  expect(TRANSITIONS).toContain(`${pairOf(prev)}>${pairOf(next)}`);
  // R24: closed is terminal, except registration and its review on Won deals (R23).
  if (prev.status === 'Closed') {
    expect(prev.substatus).toBe('Won');
    expect(['register', 'reviewRegistration']).toContain(c.type);
    expect({ ...next, registration: null, version: 0 }).toEqual({ ...prev, registration: null, version: 0 });
  }
  // R8, R10: never editable after creation.
  for (const key of ['id', 'locationId', 'assessmentType', 'assessmentLocation', 'solutions', 'type', 'direction', 'createdById'] as const) {
    expect(next[key]).toEqual(initial[key]);
  }
  // R20/R21: stages only move forward (until Lost).
  if (next.substatus !== 'Lost') expect(PERCENT[next.stage]).toBeGreaterThanOrEqual(PERCENT[prev.stage]);
  // Completions are only ever appended.
  expect(next.completions.slice(0, prev.completions.length)).toEqual(prev.completions);
  // R20: an SA deal is Won only with all four stages, completed in order.
  if (next.type === 'solutionAssessment') {
    expect(SA_ORDER.slice(0, next.completions.length)).toEqual(next.completions.map((x) => x.stage));
    if (next.substatus === 'Won') expect(next.completions.map((x) => x.stage)).toEqual(SA_ORDER);
  } else {
    expect(next.completions).toEqual([]);
  }
  reached.add(`${next.type}:${pairOf(next)}${next.registration ? `:${next.registration.status}` : ''}`);
}

describe('state machine properties', () => {
  test('random command sequences never break the invariants', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(start, fc.array(step, { minLength: 5, maxLength: 100, size: 'max' }), (s, steps) => {
        const initial = deepFreeze(initialDeal(s));
        let deal = initial;
        let now = NOW;
        for (const st of steps) {
          now = new Date(now.getTime() + st.advanceMs);
          const expectedVersion = st.version === 'none' ? undefined : st.version === 'current' ? deal.version : deal.version - 1;
          const before = structuredClone(deal);
          const c = resolve(st.command, deal);
          const r = decide(deal, c, st.actor, ctxAt(now, { expectedVersion }));
          // decide never mutates its input (the deal is also deep-frozen).
          expect(deal).toEqual(before);
          if (!r.ok) continue;
          // A stale card never changes anything.
          expect(st.version).not.toBe('stale');
          checkStep(deal, r.value.deal, c, initial, reached);
          deal = deepFreeze(r.value.deal);
        }
      }),
      { numRuns: 250 },
    );

    // The walks got somewhere: every kind of end state was reached (the property is not vacuous).
    for (const state of [
      /^solutionAssessment:Closed\/Won/,
      /^coSell:Closed\/Won/,
      /:Closed\/Lost/,
      /:Closed\/Declined/,
      /:Closed\/Expired/,
      /:Closed\/Won:PendingReview$/,
      /:Closed\/Won:(Approved|Rejected|ActionRequired)$/,
      /^solutionAssessment:Active\/Accepted/,
    ]) {
      expect([...reached].some((r) => state.test(r)) ? state : [...reached]).toEqual(state);
    }
  });
});
