import { SYSTEM, type Actor } from './actor';
import type { Accept, Decline, Edit, Lose, Register, Review, SetTeam, StageInput } from './commands';
import { todayOf, type Context } from './context';
import { CONTACT_DETAILS, contactErrors, type ContactPart } from './contact';
import type { DealContact, DealState, RegistrationState, StageCompletion, TeamMember } from './deal';
import { actorId, noEffects, type Decision, type DomainEvent } from './decision';
import { EXPIRY } from './expiry';
import { fieldError } from './fields';
import { refuse, type FieldError } from './refusals';
import { fail, ok, type Result } from './result';
import { stagePercent } from './stages';

/**
 * What each command does to a deal its guard let through, given the input its schema parsed. A transition may still
 * refuse what depends on the input and the time (a close date in the past, an edit that changes nothing).
 * Never mutates `deal`; every change bumps the version.
 */
export type Transition<I> = (deal: DealState, input: I, actor: Actor, ctx: Context) => Result<Decision>;

const bump = (deal: DealState, patch: Partial<DealState>): DealState => ({ ...deal, ...patch, version: deal.version + 1 });

function closeWith(deal: DealState, actor: Actor, ctx: Context, patch: Partial<DealState>): DealState {
  return bump(deal, {
    status: 'Closed',
    closedAt: ctx.now,
    closedById: actorId(actor),
    closedByName: actor.name,
    ...patch,
  });
}

function pastDateErrors(fields: Record<string, string | undefined>, ctx: Context): FieldError[] {
  const today = todayOf(ctx);
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v < today)
    .map(([field]) => fieldError(field, 'dateInPast'));
}

/** R9: the deal team from the entered members; the same person (e-mail, any case) twice is one member. */
export function teamOf(members: readonly { name: string; email: string; phone: string; userId?: string | null }[]): TeamMember[] {
  const seen = new Set<string>();
  const out: TeamMember[] = [];
  for (const m of members) {
    const key = m.email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: m.name, email: m.email, phone: m.phone, userId: m.userId ?? null });
  }
  return out;
}

/** R15 */
export const applyAccept: Transition<Accept> = (deal, input, actor, ctx) => {
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
};

/** R16 */
export const applyDecline: Transition<Decline> = (deal, input, actor, ctx) =>
  ok({
    deal: closeWith(deal, actor, ctx, {
      substatus: 'Declined',
      closeReason: input.reason,
      closeMessage: input.message ?? null,
    }),
    events: [{ type: 'ReferralDeclined', data: { reason: input.reason, message: input.message ?? null } }],
    effects: { ...noEffects(), notifySender: 'declined' },
  });

/** R17, from the same values the set-based sweep uses (EXPIRY). Recorded as the system's, whoever ran it. */
export const applyExpire: Transition<unknown> = (deal, _input, _actor, ctx) =>
  ok({
    deal: closeWith(deal, SYSTEM, ctx, { ...EXPIRY.expired }),
    events: [{ type: EXPIRY.event, data: { expiresAt: deal.expiresAt?.toISOString() ?? null } }],
    effects: { ...noEffects(), notifySender: EXPIRY.notify },
  });

/** The input of each part of the R7 contact on the Edit form (and in its field errors and audit). */
const EDIT_CONTACT_FIELD = { name: 'contactName', phone: 'contactPhone', email: 'contactEmail', consent: 'contactConsent' } as const satisfies Record<ContactPart, string>;

/**
 * Issue 14 §3: the contact after an edit and what changed in it. Its R7 rules are asked only when it changes, so an
 * edit of the name alone is never refused over a contact stored before.
 */
function editContact(deal: DealState, input: Edit): { contact: DealContact; changes: Changes; errors: FieldError[] } {
  const changes: Changes = {};
  const contact = { ...deal.contact };
  for (const part of [...CONTACT_DETAILS, 'consent'] as const) {
    const to = input[EDIT_CONTACT_FIELD[part]];
    if (to === undefined || to === deal.contact[part]) continue;
    changes[EDIT_CONTACT_FIELD[part]] = { from: deal.contact[part], to };
    (contact as Record<ContactPart, unknown>)[part] = to;
  }
  return { contact, changes, errors: Object.keys(changes).length ? contactErrors(contact, (part) => EDIT_CONTACT_FIELD[part]) : [] };
}

type Changes = Record<string, { from: unknown; to: unknown }>;

/** R19: only the editable fields; a note is appended, never overwriting. */
export const applyEdit: Transition<Edit> = (deal, input, _actor, ctx) => {
  const changes: Changes = {};
  const patch: Partial<DealState> = {};
  const set = <K extends 'name' | 'closeDate' | 'value' | 'currency' | 'crmId' | 'campaignId' | 'specialistNote'>(key: K, to: DealState[K] | undefined) => {
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
  const contact = editContact(deal, input);
  if (Object.keys(contact.changes).length) {
    Object.assign(changes, contact.changes);
    patch.contact = contact.contact;
  }
  set('specialistNote', input.specialistNote);
  // A close date that is not being changed may be in the past; a new one may not.
  const errors = [...pastDateErrors({ closeDate: patch.closeDate }, ctx), ...contact.errors];
  if (errors.length) return fail(refuse('INVALID_INPUT', {}, errors));
  const note = input.note;
  if (Object.keys(changes).length === 0 && !note) return fail(refuse('NOTHING_TO_CHANGE'));
  const events: DomainEvent[] = [];
  if (Object.keys(changes).length) events.push({ type: 'DealEdited', data: { changes } });
  if (note) events.push({ type: 'NoteAdded', data: { length: note.length } });
  return ok({ deal: bump(deal, patch), events, effects: { ...noEffects(), newNotes: note ? [note] : [] } });
};

/** R19: team members added or removed. */
export const applySetTeam: Transition<SetTeam> = (deal, input) => {
  const team = teamOf(input.team);
  const before = new Set(deal.team.map((m) => m.email.toLowerCase()));
  const after = new Set(team.map((m) => m.email.toLowerCase()));
  return ok({
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
  });
};

/** R20: records who completed the stage and when. */
export const applyCompleteStage: Transition<StageInput> = (deal, { stage }, actor, ctx) => {
  const completion: StageCompletion = { stage, byId: actorId(actor), byName: actor.name, at: ctx.now };
  return ok({
    deal: bump(deal, { stage, completions: [...deal.completions, completion] }),
    events: [{ type: 'StageCompleted', data: { stage, percent: stagePercent(stage) } }],
    effects: { ...noEffects(), completion },
  });
};

/** R21 */
export const applySetStage: Transition<StageInput> = (deal, { stage }) =>
  ok({
    deal: bump(deal, { stage }),
    events: [{ type: 'StageSet', data: { from: deal.stage, stage, percent: stagePercent(stage) } }],
    effects: noEffects(),
  });

/** R20, R21 */
export const applyWin: Transition<unknown> = (deal, _input, actor, ctx) =>
  ok({
    deal: closeWith(deal, actor, ctx, { substatus: 'Won', stage: 'won' }),
    events: [{ type: 'DealWon', data: { value: deal.value, currency: deal.currency } }],
    effects: noEffects(),
  });

/** R20, R21: Lost with a reason, from any active stage. */
export const applyLose: Transition<Lose> = (deal, input, actor, ctx) =>
  ok({
    deal: closeWith(deal, actor, ctx, {
      substatus: 'Lost',
      stage: 'lost',
      closeReason: input.reason,
      closeMessage: input.note ?? null,
    }),
    events: [{ type: 'DealLost', data: { reason: input.reason, from: deal.stage } }],
    effects: noEffects(),
  });

/** R23: the registration waits for review. */
export const applyRegister: Transition<Register> = (deal, input, actor, ctx) => {
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
  return ok({
    deal: bump(deal, { registration }),
    events: [{ type: 'RegistrationSubmitted', data: { contractValue: input.contractValue, currency: input.currency } }],
    effects: { ...noEffects(), registrationChanged: true },
  });
};

/** R23: the reviewer's outcome. Its guard made sure there is a registration to review. */
export const applyReview: Transition<Review> = (deal, input, actor, ctx) =>
  ok({
    deal: bump(deal, {
      registration: {
        ...(deal.registration as RegistrationState),
        status: input.outcome,
        reviewNote: input.note ?? null,
        reviewedByName: actor.name,
        reviewedAt: ctx.now,
      },
    }),
    events: [{ type: 'RegistrationReviewed', data: { outcome: input.outcome, note: input.note ?? null } }],
    effects: { ...noEffects(), registrationChanged: true },
  });
