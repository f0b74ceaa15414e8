import type { Actor } from './actor';
import {
  COMMAND_SCHEMAS,
  CreateDealSchema,
  ReceiveReferralSchema,
  type Accept,
  type Command,
  type CommandName,
  type CreateDeal,
  type Decline,
  type Edit,
  type Lose,
  type ReceiveReferral,
  type Register,
  type Review,
  type SetTeam,
  type StageInput,
} from './commands';
import { EDITABLE_FIELDS, IMMUTABLE_FIELDS, type DealState, type RegistrationState, type StageCompletion, type TeamMember } from './deal';
import { fieldError, futureDate, parseInput } from './fields';
import { STAGE_LABEL, SUBSTATUS_LABEL, DEAL_TYPE_LABEL } from './labels';
import { accessRefusal, adminRefusal, createRefusal } from './permissions';
import { refuse, type FieldError, type Refusal } from './refusals';
import { fail, ok, type Result } from './result';
import { isMandatorySaStage, isOptionalCoSellStage, nextMandatoryStage, stagePercent } from './stages';
import { DEFAULT_ASSESSMENT_TYPES, type Stage } from './vocabulary';

/** The state machine: every move of a deal is decided here, as a pure function of (deal, command, actor, time). */

export interface DomainConfig {
  /** R10: the selectable assessment types. */
  assessmentTypes: readonly string[];
  /** R23: assessment types / solution ids (or names) whose Won deals ask for registration. */
  registrationEligible: readonly string[];
  /** R17: days a referral waits for an answer. */
  responseDays: number;
}

export const DEFAULT_DOMAIN_CONFIG: DomainConfig = {
  assessmentTypes: DEFAULT_ASSESSMENT_TYPES,
  registrationEligible: DEFAULT_ASSESSMENT_TYPES,
  responseDays: 14,
};

export interface Context {
  now: Date;
  /** Today's date (YYYY-MM-DD) in the actor's time zone; defaults to the UTC date of `now`. */
  today?: string;
  config: DomainConfig;
  /** The version the actor saw (card or ETag). A different current version is refused as STALE_VERSION. */
  expectedVersion?: number;
}

export type EventType =
  | 'DealCreated'
  | 'ReferralReceived'
  | 'ReferralAccepted'
  | 'ReferralDeclined'
  | 'ReferralExpired'
  | 'DealEdited'
  | 'NoteAdded'
  | 'TeamChanged'
  | 'StageCompleted'
  | 'StageSet'
  | 'DealWon'
  | 'DealLost'
  | 'RegistrationSubmitted'
  | 'RegistrationReviewed';

export interface DomainEvent {
  type: EventType;
  data: Record<string, unknown>;
}

/** What the store must write besides the deal's own columns. */
export interface Effects {
  newNotes: string[];
  completion: StageCompletion | null;
  teamChanged: boolean;
  registrationChanged: boolean;
  /** R28: the referral's sender must be told. */
  notifySender: 'declined' | 'expired' | null;
}

export interface Decision {
  deal: DealState;
  events: DomainEvent[];
  effects: Effects;
}

const noEffects = (): Effects => ({
  newNotes: [],
  completion: null,
  teamChanged: false,
  registrationChanged: false,
  notifySender: null,
});

const todayOf = (ctx: Pick<Context, 'now' | 'today'>) => ctx.today ?? ctx.now.toISOString().slice(0, 10);
const actorId = (actor: Actor) => (actor.kind === 'system' ? null : actor.id);

/** Why `deal` is not answerable as a referral any more (R18: "already accepted by X"), or null when it is. */
function referralStateRefusal(deal: DealState, now?: Date): Refusal | null {
  if (deal.status === 'New') {
    // R17: past its window a referral can no longer be answered, even before the sweeper has closed it.
    if (now && deal.expiresAt && deal.expiresAt.getTime() <= now.getTime()) {
      return refuse('ALREADY_EXPIRED', { date: deal.expiresAt.toISOString().slice(0, 10) });
    }
    return null;
  }
  if (deal.direction !== 'inbound') return refuse('NOT_A_REFERRAL');
  switch (deal.substatus) {
    case 'Declined':
      return refuse('ALREADY_DECLINED', { by: deal.closedByName ?? '?' });
    case 'Expired':
      return refuse('ALREADY_EXPIRED', { date: (deal.closedAt ?? deal.expiresAt)?.toISOString().slice(0, 10) ?? '?' });
    default:
      return refuse('ALREADY_ACCEPTED', { by: deal.acceptedByName ?? '?' });
  }
}

/**
 * R17 as data, for set-based sweeps over many referrals at once: which deals are due, and the state an expired one
 * takes. `guard('expire')` and `applyExpire` say the same for one deal; tests/domain keeps the two in step.
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

/** R19–R21: moves on a deal being worked need it to be active. */
function activeRefusal(deal: DealState): Refusal | null {
  if (deal.status === 'Closed') return refuse('DEAL_CLOSED', { substatus: SUBSTATUS_LABEL[deal.substatus] });
  if (deal.status === 'New') return refuse('NOT_ACTIVE');
  return null;
}

export function isRegistrationEligible(deal: DealState, config: DomainConfig): boolean {
  const eligible = new Set(config.registrationEligible.map((s) => s.toLowerCase()));
  if (deal.type === 'solutionAssessment') return !!deal.assessmentType && eligible.has(deal.assessmentType.toLowerCase());
  return deal.solutions.some((s) => eligible.has(s.id.toLowerCase()) || eligible.has(s.name.toLowerCase()));
}

/**
 * The rule of each command that does not depend on its input: who may, and from which state.
 * `allowedActions` asks exactly this, so a button is shown only where the click would pass.
 */
export function guard(deal: DealState, name: CommandName, actor: Actor, ctx: Context, stage?: Stage): Refusal | null {
  const access = accessRefusal(deal, actor);
  // R18: anyone in scope could answer the New referral; losing the race is "already accepted by X", not NOT_ON_TEAM.
  const lostReferralRace = access?.code === 'NOT_ON_TEAM' && (name === 'accept' || name === 'decline') && deal.direction === 'inbound';
  if (access && !lostReferralRace) return access;
  switch (name) {
    case 'accept':
    case 'decline':
      return referralStateRefusal(deal, ctx.now) ?? access;
    case 'expire': {
      if (actor.kind !== 'system') return refuse('SYSTEM_ONLY');
      const state = referralStateRefusal(deal);
      if (state) return state;
      if (!isDueForExpiry(deal, ctx.now)) return refuse('NOT_DUE');
      return null;
    }
    case 'edit':
    case 'setTeam':
    case 'lose':
      return activeRefusal(deal);
    case 'completeStage': {
      const active = activeRefusal(deal);
      if (active) return active;
      if (deal.type !== 'solutionAssessment' || (stage && !isMandatorySaStage(stage))) {
        return refuse('STAGE_NOT_FOR_TYPE', {
          stage: stage ? STAGE_LABEL[stage] : '?',
          type: DEAL_TYPE_LABEL[deal.type],
        });
      }
      const done = deal.completions.map((c) => c.stage);
      const next = nextMandatoryStage(done);
      if (stage) {
        const previous = deal.completions.find((c) => c.stage === stage);
        if (previous) return refuse('STAGE_ALREADY_COMPLETE', { stage: STAGE_LABEL[stage], by: previous.byName });
        if (next && next !== stage) {
          return refuse('STAGE_OUT_OF_ORDER', { stage: STAGE_LABEL[stage], next: STAGE_LABEL[next] });
        }
      }
      if (!next) return refuse('STAGE_ALREADY_COMPLETE', { stage: STAGE_LABEL.presentToCustomer, by: '—' });
      return null;
    }
    case 'setStage': {
      const active = activeRefusal(deal);
      if (active) return active;
      if (deal.type !== 'coSell' || (stage && !isOptionalCoSellStage(stage))) {
        return refuse('STAGE_NOT_FOR_TYPE', {
          stage: stage ? STAGE_LABEL[stage] : '?',
          type: DEAL_TYPE_LABEL[deal.type],
        });
      }
      const current = stagePercent(deal.stage);
      if (stage ? stagePercent(stage) <= current : current >= stagePercent('negotiated')) {
        return refuse('STAGE_NOT_FORWARD', { current: STAGE_LABEL[deal.stage], percent: current });
      }
      return null;
    }
    case 'win': {
      const active = activeRefusal(deal);
      if (active) return active;
      if (deal.type === 'solutionAssessment') {
        const next = nextMandatoryStage(deal.completions.map((c) => c.stage));
        if (next) return refuse('STAGES_INCOMPLETE', { next: STAGE_LABEL[next] });
      }
      return null;
    }
    case 'register': {
      if (deal.status !== 'Closed') return refuse('NOT_WON');
      if (deal.substatus !== 'Won') return refuse('DEAL_CLOSED', { substatus: SUBSTATUS_LABEL[deal.substatus] });
      if (!isRegistrationEligible(deal, ctx.config)) return refuse('REGISTRATION_NOT_ELIGIBLE');
      if (deal.registration && deal.registration.status !== 'ActionRequired') {
        return refuse('REGISTRATION_EXISTS', { status: deal.registration.status });
      }
      return null;
    }
    case 'reviewRegistration': {
      const admin = adminRefusal(actor);
      if (admin) return admin;
      if (!deal.registration) return refuse('NO_REGISTRATION');
      if (deal.registration.status !== 'PendingReview') {
        return refuse('REGISTRATION_ALREADY_REVIEWED', { status: deal.registration.status });
      }
      return null;
    }
  }
}

/** Decides a command on an existing deal: the new state and its events, or a refusal. Never mutates `deal`. */
export function decide(deal: DealState, command: Command, actor: Actor, ctx: Context): Result<Decision> {
  // Untrusted payloads may name anything, including Object.prototype keys ('constructor', 'toString').
  if (!Object.hasOwn(COMMAND_SCHEMAS, command.type)) return fail(refuse('INVALID_INPUT'));
  const schema = COMMAND_SCHEMAS[command.type];

  const parsed = parseInput(schema, command.input ?? {});
  const stage = parsed.ok && 'stage' in (parsed.value as object) ? (parsed.value as StageInput).stage : undefined;

  const refusal = guard(deal, command.type, actor, ctx, stage);
  if (refusal) return fail(refusal);
  // Edits name the fields they change: a location or solution edit is refused by name (R8, R10, R19).
  if (command.type === 'edit') {
    const immutable = immutableFieldRefusal(command.input);
    if (immutable) return fail(immutable);
  }
  if (!parsed.ok) return fail(parsed.refusal);
  if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== deal.version) return fail(refuse('STALE_VERSION'));

  const input = parsed.value;
  switch (command.type) {
    case 'accept':
      return applyAccept(deal, input as Accept, actor, ctx);
    case 'decline':
      return ok(applyDecline(deal, input as Decline, actor, ctx));
    case 'expire':
      return ok(applyExpire(deal, ctx));
    case 'edit':
      return applyEdit(deal, input as Edit, ctx);
    case 'setTeam':
      return ok(applySetTeam(deal, input as SetTeam));
    case 'completeStage':
      return ok(applyCompleteStage(deal, (input as StageInput).stage, actor, ctx));
    case 'setStage':
      return ok(applySetStage(deal, (input as StageInput).stage));
    case 'win':
      return ok(applyWin(deal, actor, ctx));
    case 'lose':
      return ok(applyLose(deal, input as Lose, actor, ctx));
    case 'register':
      return ok(applyRegister(deal, input as Register, actor, ctx));
    case 'reviewRegistration':
      return ok(applyReview(deal, input as Review, actor, ctx));
  }
}

const EDIT_KEYS = new Set<string>([...EDITABLE_FIELDS, 'note']);
const IMMUTABLE_KEYS = new Set<string>(IMMUTABLE_FIELDS);

function immutableFieldRefusal(input: unknown): Refusal | null {
  if (typeof input !== 'object' || input === null) return null;
  for (const key of Object.keys(input)) {
    if (IMMUTABLE_KEYS.has(key)) return refuse('IMMUTABLE_FIELD', { field: key });
    if (!EDIT_KEYS.has(key)) return refuse('UNKNOWN_FIELD', { field: key });
  }
  return null;
}

function pastDateErrors(fields: Record<string, string | undefined>, ctx: Context): FieldError[] {
  const today = todayOf(ctx);
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v < today)
    .map(([field]) => fieldError(field, 'dateInPast'));
}

function teamOf(members: readonly { name: string; email: string; phone: string; userId?: string | null }[]): TeamMember[] {
  const seen = new Set<string>();
  const out: TeamMember[] = [];
  for (const m of members) {
    const key = m.email.toLowerCase();
    if (seen.has(key)) continue; // the same person twice is one member
    seen.add(key);
    out.push({ name: m.name, email: m.email, phone: m.phone, userId: m.userId ?? null });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Creating deals

export interface Creation {
  deal: DealState;
  input: CreateDeal;
  events: DomainEvent[];
  effects: Effects;
}

/** R8–R13: validates everything the wizard collected and builds the new deal (Active / Accepted, 10 %). */
export function createDeal(rawInput: unknown, actor: Actor, ctx: Context): Result<Creation> {
  const parsed = parseInput(CreateDealSchema.extend({ closeDate: futureDate(todayOf(ctx)) }), rawInput);
  // R13: every problem at once. Cross-field rules run on the raw entries too, so fixing one round of errors never
  // uncovers a second.
  const errors: FieldError[] = parsed.ok ? [] : [...parsed.refusal.fieldErrors];
  const flagged = new Set(errors.map((e) => e.field));
  for (const error of crossFieldErrors(rawInput, ctx.config)) {
    if (!flagged.has(error.field)) errors.push(error);
    flagged.add(error.field);
  }
  const raw = asRecord(rawInput);
  const locationId = textOf(raw.locationId);
  if (locationId) {
    const scope = createRefusal(locationId, actor);
    if (scope) return fail(scope);
  } else if (actor.kind !== 'system' && actor.role === null) {
    return fail(refuse('NO_ROLE'));
  }
  if (!parsed.ok || errors.length > 0) return fail(refuse('INVALID_INPUT', {}, errors));
  const input = parsed.value;

  const deal: DealState = {
    id: '',
    direction: 'outbound',
    type: input.dealType,
    status: 'Active',
    substatus: 'Accepted',
    stage: 'accepted',
    name: input.name,
    value: input.value,
    currency: input.currency,
    closeDate: input.closeDate,
    crmId: input.crmId ?? null,
    campaignId: input.campaignId ?? null,
    locationId: input.locationId,
    assessmentType: input.dealType === 'solutionAssessment' ? (input.assessmentType ?? null) : null,
    assessmentLocation: input.dealType === 'solutionAssessment' ? (input.assessmentLocation ?? null) : null,
    solutions: input.dealType === 'coSell' ? input.solutions : [],
    team: teamOf(input.team),
    completions: [],
    registration: null,
    createdById: actorId(actor),
    acceptedById: actorId(actor),
    acceptedByName: actor.name,
    closedById: null,
    closedByName: null,
    expiresAt: null,
    closedAt: null,
    closeReason: null,
    closeMessage: null,
    version: 1,
  };
  return ok({
    deal,
    input,
    events: [{ type: 'DealCreated', data: { name: deal.name, type: deal.type, location: deal.locationId } }],
    effects: { ...noEffects(), newNotes: [input.notes], teamChanged: true },
  });
}

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const flagOf = (v: unknown): boolean => v === true || v === 'true';

/** The rules that relate several fields (R7, R10, R11), read defensively from the raw entries. */
export function crossFieldErrors(rawInput: unknown, config: DomainConfig): FieldError[] {
  const raw = asRecord(rawInput);
  const errors: FieldError[] = [];
  const solutions = Array.isArray(raw.solutions) ? raw.solutions : [];
  const assessmentType = textOf(raw.assessmentType);
  if (raw.dealType === 'solutionAssessment') {
    // R10: exactly one assessment type, from the configured list, plus its location; no other solution.
    if (!assessmentType) errors.push(fieldError('assessmentType', 'required'));
    else if (!config.assessmentTypes.includes(assessmentType)) errors.push(fieldError('assessmentType', 'invalidChoice'));
    if (!textOf(raw.assessmentLocation)) errors.push(fieldError('assessmentLocation', 'required'));
    if (solutions.length > 0) errors.push(fieldError('solutions', 'noOtherSolution'));
  } else if (raw.dealType === 'coSell') {
    if (solutions.length === 0) errors.push(fieldError('solutions', 'atLeastOne'));
    if (assessmentType) errors.push(fieldError('assessmentType', 'unknownField'));
  }
  // R7: contact details are optional unless Microsoft help is asked; any detail kept needs the consent.
  const contact = asRecord(raw.contact);
  const details = (['name', 'phone', 'email'] as const).filter((k) => textOf(contact[k]));
  if (flagOf(contact.askMicrosoftHelp)) {
    for (const k of ['name', 'phone', 'email'] as const) {
      if (!details.includes(k)) errors.push(fieldError(`contact.${k}`, 'contactRequiredForHelp'));
    }
  }
  if (details.length > 0 && !flagOf(contact.consent)) errors.push(fieldError('contact.consent', 'contactNeedsConsent'));
  // R11: "Create deal" is refused until the consent box is ticked.
  if (!flagOf(raw.consent)) errors.push(fieldError('consent', 'mustConsent'));
  return errors;
}

/** R14: a referral arrives as New / Received and expires after the response window (R17). */
export function receiveReferral(rawInput: unknown, ctx: Context): Result<{ deal: DealState; input: ReceiveReferral; events: DomainEvent[] }> {
  const parsed = parseInput(ReceiveReferralSchema, rawInput);
  if (!parsed.ok) return fail(parsed.refusal);
  const input = parsed.value;
  const errors: FieldError[] = [];
  if (input.dealType === 'solutionAssessment' && input.assessmentType && !ctx.config.assessmentTypes.includes(input.assessmentType)) {
    errors.push(fieldError('assessmentType', 'invalidChoice'));
  }
  if (errors.length) return fail(refuse('INVALID_INPUT', {}, errors));
  const expiresAt = new Date(input.createdAt.getTime() + ctx.config.responseDays * 86_400_000);
  const deal: DealState = {
    id: '',
    direction: 'inbound',
    type: input.dealType,
    status: 'New',
    substatus: 'Received',
    stage: 'created',
    name: input.name,
    value: input.value,
    currency: input.currency,
    closeDate: input.closeDate,
    crmId: null,
    campaignId: null,
    locationId: input.locationId,
    assessmentType: input.dealType === 'solutionAssessment' ? (input.assessmentType ?? null) : null,
    assessmentLocation: null,
    solutions: input.solutions,
    team: [],
    completions: [],
    registration: null,
    createdById: null,
    acceptedById: null,
    acceptedByName: null,
    closedById: null,
    closedByName: null,
    expiresAt,
    closedAt: null,
    closeReason: null,
    closeMessage: null,
    version: 1,
  };
  return ok({ deal, input, events: [{ type: 'ReferralReceived', data: { expiresAt: expiresAt.toISOString() } }] });
}

// ---------------------------------------------------------------------------------------------------------------
// Moves on existing deals

const bump = (deal: DealState, patch: Partial<DealState>): DealState => ({ ...deal, ...patch, version: deal.version + 1 });

function applyAccept(deal: DealState, input: Accept, actor: Actor, ctx: Context): Result<Decision> {
  const errors = pastDateErrors({ closeDate: input.closeDate }, ctx);
  if (errors.length) return fail(refuse('INVALID_INPUT', {}, errors));
  const team = teamOf(input.team);
  return ok({
    deal: bump(deal, {
      status: 'Active',
      substatus: 'Accepted',
      stage: 'accepted',
      name: input.name,
      value: input.value,
      currency: input.currency ?? deal.currency,
      closeDate: input.closeDate,
      crmId: input.crmId ?? deal.crmId,
      campaignId: input.campaignId ?? deal.campaignId,
      team: team.length ? team : deal.team,
      acceptedById: actorId(actor),
      acceptedByName: actor.name,
    }),
    events: [{ type: 'ReferralAccepted', data: { name: input.name } }],
    effects: { ...noEffects(), newNotes: [input.notes], teamChanged: team.length > 0 },
  });
}

function closeWith(deal: DealState, actor: Actor, ctx: Context, patch: Partial<DealState>): DealState {
  return bump(deal, {
    status: 'Closed',
    closedAt: ctx.now,
    closedById: actorId(actor),
    closedByName: actor.name,
    ...patch,
  });
}

function applyDecline(deal: DealState, input: Decline, actor: Actor, ctx: Context): Decision {
  return {
    deal: closeWith(deal, actor, ctx, {
      substatus: 'Declined',
      closeReason: input.reason,
      closeMessage: input.message ?? null,
    }),
    events: [{ type: 'ReferralDeclined', data: { reason: input.reason, message: input.message ?? null } }],
    effects: { ...noEffects(), notifySender: 'declined' },
  };
}

function applyExpire(deal: DealState, ctx: Context): Decision {
  return {
    deal: closeWith(deal, { kind: 'system', id: 'system', name: 'cosell-bot' }, ctx, { substatus: 'Expired' }),
    events: [{ type: 'ReferralExpired', data: { expiresAt: deal.expiresAt?.toISOString() ?? null } }],
    effects: { ...noEffects(), notifySender: 'expired' },
  };
}

function applyEdit(deal: DealState, input: Edit, ctx: Context): Result<Decision> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const patch: Partial<DealState> = {};
  const set = <K extends 'name' | 'closeDate' | 'value' | 'currency' | 'crmId' | 'campaignId'>(key: K, to: DealState[K] | undefined) => {
    if (to === undefined || to === deal[key]) return;
    changes[key] = { from: deal[key], to };
    patch[key] = to;
  };
  set('name', input.name);
  set('closeDate', input.closeDate);
  set('value', input.value);
  set('currency', input.currency);
  set('crmId', input.crmId);
  set('campaignId', input.campaignId);
  // A close date that is not being changed may be in the past; a new one may not.
  const errors = pastDateErrors({ closeDate: patch.closeDate }, ctx);
  if (errors.length) return fail(refuse('INVALID_INPUT', {}, errors));
  const note = input.note;
  if (Object.keys(changes).length === 0 && !note) return fail(refuse('NOTHING_TO_CHANGE'));
  const events: DomainEvent[] = [];
  if (Object.keys(changes).length) events.push({ type: 'DealEdited', data: { changes } });
  if (note) events.push({ type: 'NoteAdded', data: { length: note.length } });
  return ok({ deal: bump(deal, patch), events, effects: { ...noEffects(), newNotes: note ? [note] : [] } });
}

function applySetTeam(deal: DealState, input: SetTeam): Decision {
  const team = teamOf(input.team);
  const before = new Set(deal.team.map((m) => m.email.toLowerCase()));
  const after = new Set(team.map((m) => m.email.toLowerCase()));
  return {
    deal: bump(deal, { team }),
    events: [
      {
        type: 'TeamChanged',
        data: {
          added: team.filter((m) => !before.has(m.email.toLowerCase())).map((m) => m.name),
          removed: deal.team.filter((m) => !after.has(m.email.toLowerCase())).map((m) => m.name),
        },
      },
    ],
    effects: { ...noEffects(), teamChanged: true },
  };
}

function applyCompleteStage(deal: DealState, stage: Stage, actor: Actor, ctx: Context): Decision {
  const completion: StageCompletion = { stage, byId: actorId(actor), byName: actor.name, at: ctx.now };
  return {
    deal: bump(deal, { stage, completions: [...deal.completions, completion] }),
    events: [{ type: 'StageCompleted', data: { stage, percent: stagePercent(stage) } }],
    effects: { ...noEffects(), completion },
  };
}

function applySetStage(deal: DealState, stage: Stage): Decision {
  return {
    deal: bump(deal, { stage }),
    events: [{ type: 'StageSet', data: { from: deal.stage, stage, percent: stagePercent(stage) } }],
    effects: noEffects(),
  };
}

function applyWin(deal: DealState, actor: Actor, ctx: Context): Decision {
  return {
    deal: closeWith(deal, actor, ctx, { substatus: 'Won', stage: 'won' }),
    events: [{ type: 'DealWon', data: { value: deal.value, currency: deal.currency } }],
    effects: noEffects(),
  };
}

function applyLose(deal: DealState, input: Lose, actor: Actor, ctx: Context): Decision {
  return {
    deal: closeWith(deal, actor, ctx, {
      substatus: 'Lost',
      stage: 'lost',
      closeReason: input.reason,
      closeMessage: input.note ?? null,
    }),
    events: [{ type: 'DealLost', data: { reason: input.reason, from: deal.stage } }],
    effects: noEffects(),
  };
}

function applyRegister(deal: DealState, input: Register, actor: Actor, ctx: Context): Decision {
  const registration: RegistrationState = {
    contractValue: input.contractValue,
    currency: input.currency,
    contractSignedDate: input.contractSignedDate,
    contractStartDate: input.contractStartDate,
    contractEndDate: input.contractEndDate,
    deployedOnAzure: input.deployedOnAzure,
    marketplaceTransaction: input.marketplaceTransaction,
    notes: input.notes ?? null,
    status: 'PendingReview',
    submittedById: actorId(actor),
    submittedByName: actor.name,
    submittedAt: ctx.now,
    reviewNote: null,
    reviewedByName: null,
    reviewedAt: null,
  };
  return {
    deal: bump(deal, { registration }),
    events: [{ type: 'RegistrationSubmitted', data: { contractValue: input.contractValue, currency: input.currency } }],
    effects: { ...noEffects(), registrationChanged: true },
  };
}

function applyReview(deal: DealState, input: Review, actor: Actor, ctx: Context): Decision {
  const registration = deal.registration as RegistrationState;
  return {
    deal: bump(deal, {
      registration: {
        ...registration,
        status: input.outcome,
        reviewNote: input.note ?? null,
        reviewedByName: actor.name,
        reviewedAt: ctx.now,
      },
    }),
    events: [{ type: 'RegistrationReviewed', data: { outcome: input.outcome, note: input.note ?? null } }],
    effects: { ...noEffects(), registrationChanged: true },
  };
}
