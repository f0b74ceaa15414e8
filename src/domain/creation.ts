import type { Actor } from './actor';
import { CreateDealSchema, ReceiveReferralSchema, type CreateDeal, type ReceiveReferral } from './commands';
import { todayOf, type Context, type DomainConfig } from './context';
import type { DealState } from './deal';
import { actorId, noEffects, type DomainEvent, type Effects } from './decision';
import { fieldError, futureDate, parseInput } from './fields';
import { contactErrors, keptContact, NO_CONTACT } from './contact';
import { createRefusal } from './permissions';
import { refuse, type FieldError } from './refusals';
import { fail, ok, type Result } from './result';
import { teamOf } from './transitions';

/** How deals come to be: created by a user in the wizard (R6–R13), or received as a referral (R14). */

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
    contact: keptContact(input.contact),
    specialistNote: input.specialistNote ?? null,
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
  const entry = { name: textOf(contact.name), phone: textOf(contact.phone), email: textOf(contact.email), consent: flagOf(contact.consent), askMicrosoftHelp: flagOf(contact.askMicrosoftHelp) };
  errors.push(...contactErrors(entry, (part) => `contact.${part}`));
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
  const expiresAt = input.expiresAt ?? new Date(input.createdAt.getTime() + ctx.config.responseDays * 86_400_000);
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
    // The intake stores the sender's contact with its own consent flags (store/deals/intake.ts).
    contact: NO_CONTACT,
    specialistNote: null,
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
