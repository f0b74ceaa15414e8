/**
 * Table-driven test of the state machine: every fixture deal × every actor × every command (with a valid input).
 *
 * The expectation comes from `expected()` below, a small oracle written from SPEC R1–R4 and R14–R24 over the
 * fixtures' declared traits. It does not call `guard`, `accessRefusal`, `nextMandatoryStage` or `STAGE_PERCENT`.
 * An outcome is written as a string: a refusal code, or `ok Status/Substatus@stage` (plus `reg:<status>` when the
 * deal has a registration), so that a failing row shows up as a one-line diff.
 */
import { allowedActions, decide, enabledActions, type Actor, type Command, type CommandName, type DealState, type Refusal, type Stage } from '../../src/domain';
import {
  ACTORS,
  ACTOR_KEYS,
  ACTOR_TRAITS,
  ALL_STAGES,
  COSELL_STAGES,
  CTX,
  FIXTURES,
  JAPANESE,
  SA_STAGES,
  UNFILLED,
  VALID_INPUT,
  type ActorKey,
  type ActorTraits,
  type Fixture,
  type Traits,
} from './fixtures';

// ---------------------------------------------------------------------------------------------------------------
// The commands of the table

interface TableCommand {
  label: string;
  command: Command;
}

const SIMPLE: readonly Exclude<CommandName, 'completeStage' | 'setStage'>[] = [
  'accept',
  'decline',
  'expire',
  'edit',
  'setTeam',
  'win',
  'lose',
  'register',
  'reviewRegistration',
  'partnerCenterUpdate',
];

const COMMANDS: readonly TableCommand[] = [
  ...SIMPLE.map((type) => ({ label: type, command: { type, input: VALID_INPUT[type] } })),
  ...ALL_STAGES.map((stage) => ({ label: `completeStage:${stage}`, command: { type: 'completeStage' as const, input: { stage } } })),
  ...ALL_STAGES.map((stage) => ({ label: `setStage:${stage}`, command: { type: 'setStage' as const, input: { stage } } })),
];

// ---------------------------------------------------------------------------------------------------------------
// The oracle

/** R20 / R21 percentages, restated from the spec. */
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

/** R20: the four mandatory SA stages, in order. */
const SA_ORDER: readonly Stage[] = ['secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer'];
/** R21: the optional co-sell stages. */
const COSELL_OPTIONAL: readonly Stage[] = ['qualified', 'developed', 'proposed', 'negotiated'];

const okState = (t: Pick<Traits, 'status' | 'substatus' | 'stage'>, registration?: string | null) =>
  `ok ${t.status}/${t.substatus}@${t.stage}${registration ? ` reg:${registration}` : ''}`;

/** Does the deal carry the shared team? New referrals have no team yet; declined/expired ones never got one. */
const hasTeam = (t: Traits) => t.status !== 'New' && t.substatus !== 'Declined' && t.substatus !== 'Expired';

/** R18: why a referral that is no longer New cannot be answered. */
function alreadyAnswered(t: Traits): string {
  if (t.direction === 'outbound') return 'NOT_A_REFERRAL';
  if (t.substatus === 'Declined') return 'ALREADY_DECLINED';
  if (t.substatus === 'Expired') return 'ALREADY_EXPIRED';
  return 'ALREADY_ACCEPTED'; // accepted, and possibly won or lost since
}

/** R19–R21: the deal must be Active to be worked. */
function notWorkable(t: Traits): string | null {
  if (t.status === 'Closed') return 'DEAL_CLOSED';
  if (t.status === 'New') return 'NOT_ACTIVE';
  return null;
}

function expected(t: Traits, a: ActorTraits, cmd: CommandName, stage?: Stage): string {
  const same = okState(t, t.registration);

  // R1–R4: role, then scope, then (for plain users, on deals that have a team) team membership.
  if (a.person) {
    if (a.role === null) return 'NO_ROLE';
    if (!a.inScope) return 'LOCATION_OUT_OF_SCOPE';
    const onTeam = hasTeam(t) && a.onTeam;
    // New referrals have no team: everyone in scope may answer them (R14). R18: whoever could answer learns
    // who answered first instead of a permission error.
    const answeringReferral = (cmd === 'accept' || cmd === 'decline') && t.direction === 'inbound';
    if (a.role === 'user' && t.status !== 'New' && !onTeam && !answeringReferral) return 'NOT_ON_TEAM';
  }

  switch (cmd) {
    case 'accept': // R15; R17: past its window a referral can no longer be answered, even before the sweep
      if (t.status === 'New' && t.due) return 'ALREADY_EXPIRED';
      return t.status === 'New' ? okState({ status: 'Active', substatus: 'Accepted', stage: 'accepted' }) : alreadyAnswered(t);
    case 'decline': // R16
      if (t.status === 'New' && t.due) return 'ALREADY_EXPIRED';
      return t.status === 'New' ? okState({ status: 'Closed', substatus: 'Declined', stage: t.stage }) : alreadyAnswered(t);
    case 'expire': // R17: the sweeper's alone, only after the window
      if (a.person) return 'SYSTEM_ONLY';
      if (t.status !== 'New') return alreadyAnswered(t);
      return t.due ? okState({ status: 'Closed', substatus: 'Expired', stage: t.stage }) : 'NOT_DUE';
    case 'edit': // R19
    case 'setTeam': // R9
      return notWorkable(t) ?? same;
    case 'lose': // R20/R21: from any active stage
      return notWorkable(t) ?? okState({ status: 'Closed', substatus: 'Lost', stage: 'lost' });
    case 'completeStage': {
      // R20: SA only, the four mandatory stages, each once, in order
      const closed = notWorkable(t);
      if (closed) return closed;
      if (t.type !== 'solutionAssessment' || !stage || !SA_ORDER.includes(stage)) return 'STAGE_NOT_FOR_TYPE';
      const done = SA_ORDER.slice(0, t.completed ?? 0);
      if (done.includes(stage)) return 'STAGE_ALREADY_COMPLETE';
      if (SA_ORDER[done.length] !== stage) return 'STAGE_OUT_OF_ORDER';
      return okState({ status: 'Active', substatus: 'Accepted', stage });
    }
    case 'setStage': {
      // R21: co-sell only, optional stages, forward only
      const closed = notWorkable(t);
      if (closed) return closed;
      if (t.type !== 'coSell' || !stage || !COSELL_OPTIONAL.includes(stage)) return 'STAGE_NOT_FOR_TYPE';
      if (PERCENT[stage] <= PERCENT[t.stage]) return 'STAGE_NOT_FORWARD';
      return okState({ status: 'Active', substatus: 'Accepted', stage });
    }
    case 'win': {
      // R20: SA needs all four; R21: co-sell from any active stage
      const closed = notWorkable(t);
      if (closed) return closed;
      if (t.type === 'solutionAssessment' && (t.completed ?? 0) < 4) return 'STAGES_INCOMPLETE';
      return okState({ status: 'Closed', substatus: 'Won', stage: 'won' });
    }
    case 'register': // R23: Won + eligible, once (again only when the reviewer asked for action)
      if (t.status !== 'Closed') return 'NOT_WON';
      if (t.substatus !== 'Won') return 'DEAL_CLOSED';
      if (!t.eligible) return 'REGISTRATION_NOT_ELIGIBLE';
      if (t.registration && t.registration !== 'ActionRequired') return 'REGISTRATION_EXISTS';
      return okState(t, 'PendingReview');
    case 'reviewRegistration': // R23: a reviewer (admin) records the outcome of a pending registration
      if (a.person && a.role !== 'admin') return 'REQUIRES_ADMIN';
      if (!t.registration) return 'NO_REGISTRATION';
      if (t.registration !== 'PendingReview') return 'REGISTRATION_ALREADY_REVIEWED';
      return okState(t, VALID_INPUT.reviewRegistration.outcome);
    case 'partnerCenterUpdate': // issue 13: only the Partner Center sync reports Partner Center's changes
      return 'SYSTEM_ONLY';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Running the machine

const stageOf = (c: Command): Stage | undefined => (c.input as { stage?: Stage } | undefined)?.stage;

function outcome(deal: DealState, c: Command, actor: Actor): { text: string; refusal: Refusal | null; version?: number } {
  const r = decide(deal, c, actor, CTX);
  if (!r.ok) return { text: r.refusal.code, refusal: r.refusal };
  const d = r.value.deal;
  return { text: okState(d, d.registration?.status), refusal: null, version: d.version };
}

const rows: [string, ActorKey, Fixture][] = FIXTURES.flatMap((f) => ACTOR_KEYS.map((a): [string, ActorKey, Fixture] => [f.name, a, f]));

describe('state machine table: fixture × actor × command', () => {
  test('the table is as large as promised (every fixture, actor and command)', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(26);
    expect(ACTOR_KEYS).toHaveLength(9);
    expect(COMMANDS).toHaveLength(10 + 12 + 12);
  });

  test.each(rows)('%s by %s', (_name, actorKey, f) => {
    const actor = ACTORS[actorKey];
    const actual: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const { label, command } of COMMANDS) {
      const got = outcome(f.deal, command, actor);
      actual[label] = got.text;
      want[label] = expected(f.traits, ACTOR_TRAITS[actorKey], command.type, stageOf(command));
      if (got.version !== undefined) expect(got.version).toBe(f.deal.version + 1);
    }
    expect(actual).toEqual(want);
  });

  test('the table exercises every outcome the oracle knows (no dead branches)', () => {
    const seen = new Set<string>();
    for (const [, actorKey, f] of rows) {
      for (const { command } of COMMANDS) {
        const r = decide(f.deal, command, ACTORS[actorKey], CTX);
        seen.add(r.ok ? `ok:${command.type}` : r.refusal.code);
      }
    }
    const codes = [...seen].filter((s) => !s.startsWith('ok:')).sort();
    expect(codes).toEqual(
      [
        'ALREADY_ACCEPTED',
        'ALREADY_DECLINED',
        'ALREADY_EXPIRED',
        'DEAL_CLOSED',
        'LOCATION_OUT_OF_SCOPE',
        'NOT_ACTIVE',
        'NOT_A_REFERRAL',
        'NOT_DUE',
        'NOT_ON_TEAM',
        'NOT_WON',
        'NO_REGISTRATION',
        'NO_ROLE',
        'REGISTRATION_ALREADY_REVIEWED',
        'REGISTRATION_EXISTS',
        'REGISTRATION_NOT_ELIGIBLE',
        'REQUIRES_ADMIN',
        'STAGES_INCOMPLETE',
        'STAGE_ALREADY_COMPLETE',
        'STAGE_NOT_FORWARD',
        'STAGE_NOT_FOR_TYPE',
        'STAGE_OUT_OF_ORDER',
        'SYSTEM_ONLY',
      ].sort(),
    );
    // No actor of the table is the Partner Center sync; its outcomes are tested in partnerCenter.test.ts.
    for (const c of SIMPLE.filter((c) => c !== 'partnerCenterUpdate')) expect(seen).toContain(`ok:${c}`);
    expect(seen).toContain('ok:completeStage');
    expect(seen).toContain('ok:setStage');
  });

  test('every refusal the table produces has filled en and ja messages', () => {
    const problems: string[] = [];
    for (const [name, actorKey, f] of rows) {
      for (const { label, command } of COMMANDS) {
        const r = decide(f.deal, command, ACTORS[actorKey], CTX);
        if (r.ok) continue;
        const { en, ja } = r.refusal.message;
        if (!en || UNFILLED.test(en)) problems.push(`${name}/${actorKey}/${label}: en "${en}"`);
        if (!ja || UNFILLED.test(ja) || !JAPANESE.test(ja)) problems.push(`${name}/${actorKey}/${label}: ja "${ja}"`);
      }
    }
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// allowedActions ⇔ decide

/** Buttons a person can click (the sweeper's `expire` is not one). */
const BUTTONS: readonly CommandName[] = [
  'accept',
  'decline',
  'completeStage',
  'setStage',
  'win',
  'lose',
  'edit',
  'setTeam',
  'register',
  'reviewRegistration',
];

/** The valid inputs a click of each button may send. */
function variants(cmd: CommandName): Command[] {
  if (cmd === 'completeStage') return SA_STAGES.map((stage) => ({ type: cmd, input: { stage } }));
  if (cmd === 'setStage') return COSELL_STAGES.map((stage) => ({ type: cmd, input: { stage } }));
  return [{ type: cmd, input: VALID_INPUT[cmd as keyof typeof VALID_INPUT] }];
}

describe('allowedActions shows a button iff the click would pass', () => {
  test.each(rows)('%s by %s', (_name, actorKey, f) => {
    const actor = ACTORS[actorKey];
    const passing = BUTTONS.filter((cmd) => variants(cmd).some((c) => decide(f.deal, c, actor, CTX).ok));
    expect([...enabledActions(f.deal, actor, CTX)].sort()).toEqual([...passing].sort());

    for (const a of allowedActions(f.deal, actor, CTX)) {
      if (a.action === 'completeStage' || a.action === 'setStage') {
        // The offered stages are exactly those whose click passes.
        const passingStages = variants(a.action)
          .filter((c) => decide(f.deal, c, actor, CTX).ok)
          .map(stageOf);
        expect(a.stages ?? []).toEqual(passingStages);
      }
      if (!a.enabled) {
        // A disabled button explains itself with the refusal the click would get.
        expect(a.refusal).not.toBeNull();
        const clicks = variants(a.action).map((c) => decide(f.deal, c, actor, CTX));
        expect(clicks.map((r) => (r.ok ? 'ok' : r.refusal.code))).toContain(a.refusal?.code);
      } else {
        expect(a.refusal).toBeNull();
      }
    }
  });

  test('a deal the actor may not see offers no buttons at all', () => {
    for (const f of FIXTURES) {
      for (const key of ['adminOsaka', 'userOutOfScope', 'userNoRole'] as const) {
        expect(allowedActions(f.deal, ACTORS[key], CTX)).toEqual([]);
      }
    }
    expect(allowedActions(FIXTURES.find((f) => f.name === 'saAccepted')!.deal, ACTORS.userNotOnTeam, CTX)).toEqual([]);
  });

  test('Won on an SA deal is shown disabled with STAGES_INCOMPLETE until the four stages are done', () => {
    const win = (name: string) =>
      allowedActions(FIXTURES.find((f) => f.name === name)!.deal, ACTORS.userOnTeam, CTX).find((a) => a.action === 'win');
    expect(win('saAfterReport')).toMatchObject({ enabled: false, refusal: { code: 'STAGES_INCOMPLETE' } });
    expect(win('saAfterPresent')).toMatchObject({ enabled: true, refusal: null });
  });
});
