import type { Actor } from './actor';
import type { Context, DomainConfig } from './context';
import { EDITABLE_FIELDS, IMMUTABLE_FIELDS, type DealState } from './deal';
import { isDueForExpiry } from './expiry';
import { DEAL_TYPE_LABEL, REGISTRATION_STATUS_LABEL, STAGE_LABEL, SUBSTATUS_LABEL, fieldLabel } from './glossary';
import { adminRefusal } from './permissions';
import { refuse, type Refusal } from './refusals';
import { formatDate } from './readerFormat';
import type { Text } from './text';
import { isMandatorySaStage, isOptionalCoSellStage, nextMandatoryStage, stagePercent } from './stages';
import type { Stage } from './vocabulary';

/**
 * The rule of each command that does not depend on its input: from which state it may happen, and for the few that
 * care beyond R1–R4, who. Access (R1–R4) is checked once for every command, in `guard` (machine.ts), before these.
 * `stage` is the stage a stage command names, when known.
 */
export type Guard = (deal: DealState, actor: Actor, ctx: Context, stage?: Stage) => Refusal | null;

/** Why `deal` is not answerable as a referral any more (R18: "already accepted by X"), or null when it is. */
function referralStateRefusal(deal: DealState, now?: Date): Refusal | null {
  if (deal.status === 'New') {
    // R17: past its window a referral can no longer be answered, even before the sweeper has closed it.
    if (now && deal.expiresAt && deal.expiresAt.getTime() <= now.getTime()) {
      return refuse('ALREADY_EXPIRED', { date: dayText(deal, deal.expiresAt) });
    }
    return null;
  }
  if (deal.direction !== 'inbound') return refuse('NOT_A_REFERRAL');
  switch (deal.substatus) {
    case 'Declined':
      return refuse('ALREADY_DECLINED', { by: deal.closedByName ?? '?' });
    case 'Expired':
      return refuse('ALREADY_EXPIRED', { date: dayText(deal, deal.closedAt ?? deal.expiresAt) });
    default:
      return refuse('ALREADY_ACCEPTED', { by: deal.acceptedByName ?? '?' });
  }
}

/** R19–R21: moves on a deal being worked need it to be active. */
function activeRefusal(deal: DealState): Refusal | null {
  if (deal.status === 'Closed') return refuse('DEAL_CLOSED', { substatus: SUBSTATUS_LABEL[deal.substatus] });
  if (deal.status === 'New') return refuse('NOT_ACTIVE');
  return null;
}

const notForType = (deal: DealState, stage: Stage | undefined): Refusal =>
  refuse('STAGE_NOT_FOR_TYPE', { stage: stage ? STAGE_LABEL[stage] : '?', type: DEAL_TYPE_LABEL[deal.type] });

export function isRegistrationEligible(deal: DealState, config: DomainConfig): boolean {
  const eligible = new Set(config.registrationEligible.map((s) => s.toLowerCase()));
  if (deal.type === 'solutionAssessment') return !!deal.assessmentType && eligible.has(deal.assessmentType.toLowerCase());
  return deal.solutions.some((s) => eligible.has(s.id.toLowerCase()) || eligible.has(s.name.toLowerCase()));
}

/** accept, decline (R15, R16): a New referral still inside its response window (R17, R18). */
export const referralOpen: Guard = (deal, _actor, ctx) => referralStateRefusal(deal, ctx.now);

/** expire (R17): the sweeper's alone, on a New referral whose window has passed. */
export const expiryDue: Guard = (deal, actor, ctx) => {
  if (actor.kind !== 'system') return refuse('SYSTEM_ONLY');
  const state = referralStateRefusal(deal);
  if (state) return state;
  if (!isDueForExpiry(deal, ctx.now)) return refuse('NOT_DUE');
  return null;
};

/** partnerCenterUpdate: only the Partner Center sync reports Partner Center's changes. */
export const partnerCenterOnly: Guard = (_deal, actor) => (actor.kind === 'system' && actor.name === 'Partner Center' ? null : refuse('SYSTEM_ONLY'));

/** edit, setTeam (R19), lose (R20, R21): any active deal. */
export const dealActive: Guard = (deal) => activeRefusal(deal);

/** completeStage (R20): the next of the four solution-assessment stages, each once, in order. */
export const stageInOrder: Guard = (deal, _actor, _ctx, stage) => {
  const active = activeRefusal(deal);
  if (active) return active;
  if (deal.type !== 'solutionAssessment' || (stage && !isMandatorySaStage(stage))) return notForType(deal, stage);
  const next = nextMandatoryStage(deal.completions.map((c) => c.stage));
  if (stage) {
    const previous = deal.completions.find((c) => c.stage === stage);
    if (previous) return refuse('STAGE_ALREADY_COMPLETE', { stage: STAGE_LABEL[stage], by: previous.byName });
    if (next && next !== stage) return refuse('STAGE_OUT_OF_ORDER', { stage: STAGE_LABEL[stage], next: STAGE_LABEL[next] });
  }
  if (!next) return refuse('STAGE_ALREADY_COMPLETE', { stage: STAGE_LABEL.presentToCustomer, by: '—' });
  return null;
};

/** setStage (R21): an optional co-sell stage past the current one. */
export const stageForward: Guard = (deal, _actor, _ctx, stage) => {
  const active = activeRefusal(deal);
  if (active) return active;
  if (deal.type !== 'coSell' || (stage && !isOptionalCoSellStage(stage))) return notForType(deal, stage);
  const current = stagePercent(deal.stage);
  if (stage ? stagePercent(stage) <= current : current >= stagePercent('negotiated')) {
    return refuse('STAGE_NOT_FORWARD', { current: STAGE_LABEL[deal.stage], percent: current });
  }
  return null;
};

/** win (R20, R21): an active deal; a solution assessment only after its four stages. */
export const stagesComplete: Guard = (deal) => {
  const active = activeRefusal(deal);
  if (active) return active;
  if (deal.type === 'solutionAssessment') {
    const next = nextMandatoryStage(deal.completions.map((c) => c.stage));
    if (next) return refuse('STAGES_INCOMPLETE', { next: STAGE_LABEL[next] });
  }
  return null;
};

/** register (R23): a Won, eligible deal without a registration (or one sent back as ActionRequired). */
export const registrationOpen: Guard = (deal, _actor, ctx) => {
  if (deal.status !== 'Closed') return refuse('NOT_WON');
  if (deal.substatus !== 'Won') return refuse('DEAL_CLOSED', { substatus: SUBSTATUS_LABEL[deal.substatus] });
  if (!isRegistrationEligible(deal, ctx.config)) return refuse('REGISTRATION_NOT_ELIGIBLE');
  if (deal.registration && deal.registration.status !== 'ActionRequired') {
    return refuse('REGISTRATION_EXISTS', { status: REGISTRATION_STATUS_LABEL[deal.registration.status] });
  }
  return null;
};

/**
 * reviewRegistration (R23): an admin, on a registration waiting for review, who did not submit it (issue 14: a
 * review is a second pair of eyes; whoever submitted it cannot approve their own).
 */
export const registrationPending: Guard = (deal, actor) => {
  const admin = adminRefusal(actor);
  if (admin) return admin;
  if (!deal.registration) return refuse('NO_REGISTRATION');
  if (deal.registration.status !== 'PendingReview') {
    return refuse('REGISTRATION_ALREADY_REVIEWED', { status: REGISTRATION_STATUS_LABEL[deal.registration.status] });
  }
  if (actor.kind === 'user' && deal.registration.submittedById === actor.id) return refuse('OWN_REGISTRATION');
  return null;
};

/** A day as each language writes it (2027年2月28日 / Feb 28, 2027), in the deal's location's zone when known. */
function dayText(deal: DealState, at: Date | null | undefined): Text | string {
  if (!at) return '?';
  const zone = (deal as DealState & { locationTimeZone?: string }).locationTimeZone ?? 'UTC';
  return { en: formatDate(at, 'en', zone), ja: formatDate(at, 'ja', zone) };
}

const EDIT_KEYS = new Set<string>([...EDITABLE_FIELDS, 'note']);
const IMMUTABLE_KEYS = new Set<string>(IMMUTABLE_FIELDS);

/** edit: an edit names the fields it changes, so a location or solution edit is refused by name (R8, R10, R19). */
export function editableFieldsOnly(input: unknown): Refusal | null {
  if (typeof input !== 'object' || input === null) return null;
  for (const key of Object.keys(input)) {
    if (IMMUTABLE_KEYS.has(key)) return refuse('IMMUTABLE_FIELD', { field: key, fieldName: fieldLabel(key) });
    if (!EDIT_KEYS.has(key)) return refuse('UNKNOWN_FIELD', { field: key, fieldName: fieldLabel(key) });
  }
  return null;
}
