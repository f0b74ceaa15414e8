import { z } from 'zod';
import type { Actor, SystemActor } from './actor';
import type { Context } from './context';
import type { DealState, TeamMember } from './deal';
import { noEffects, type DomainEvent, type RefusedChange } from './decision';
import { AmountSchema, CurrencySchema, DateSchema } from './fields';
import { nextMandatoryStage } from './stages';
import { refuse, type Refusal } from './refusals';
import { fail, ok } from './result';
import type { Transition } from './transitions';
import { StatusSchema, SubstatusSchema, type Status, type Substatus } from './vocabulary';

/**
 * Partner Center is the system of record (issue 13). Its changes to a referral reach a deal through the state machine
 * like anyone's: as the `partnerCenterUpdate` command of the Partner Center actor, carrying only what Partner Center
 * changed since the two sides last agreed (a three-way merge against that common base, `SyncedFields`). What our
 * rules refuse (a closed deal reopened, a location moved, Won before the assessment's stages) is not applied and not
 * dropped: the decision records it as an event and a notice the deal's card shows.
 */

/** The system actor for changes that come from Partner Center. */
export const PARTNER_CENTER: SystemActor = { kind: 'system', id: 'system', name: 'Partner Center' };

export const isPartnerCenter = (actor: Actor): boolean => actor.kind === 'system' && actor.name === PARTNER_CENTER.name;

const MemberSchema = z.object({ name: z.string().max(200), email: z.string().max(320), phone: z.string().max(50).nullable() });

/**
 * A referral's fields in our words, as both sides last agreed (the merge base, kept on the deal), as Partner Center
 * has them now, or as we have them now. Dates are ISO strings so the snapshot survives a JSON column.
 */
export const SyncedFieldsSchema = z.object({
  status: StatusSchema,
  substatus: SubstatusSchema,
  name: z.string(),
  value: z.number(),
  currency: z.string(),
  closeDate: z.string(),
  expiresAt: z.string().nullable(),
  notes: z.string(),
  team: z.array(MemberSchema),
  /**
   * The customer's contact shared with Microsoft (R7: only with the customer's consent; null: none). Bases stored
   * before it was synced read as null.
   */
  contact: MemberSchema.nullable().default(null),
  /** Our location the referral's target maps to (null: not mapped). */
  locationId: z.string().nullable(),
});
export type SyncedFields = z.infer<typeof SyncedFieldsSchema>;

/** What Partner Center changed: each field present only when it differs from the base. */
export const PartnerCenterChangeSchema = z.object({
  status: z.object({ status: StatusSchema, substatus: SubstatusSchema, reason: z.string().max(1000).nullable().default(null) }).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  value: AmountSchema.optional(),
  currency: CurrencySchema.optional(),
  closeDate: DateSchema.optional(),
  expiresAt: z.coerce.date().nullable().optional(),
  note: z.string().trim().min(1).max(4000).optional(),
  team: z.array(MemberSchema).max(50).optional(),
  locationId: z.string().nullable().optional(),
});
export type PartnerCenterChange = z.output<typeof PartnerCenterChangeSchema>;

const emails = (team: readonly { email: string }[]) => team.map((m) => m.email.toLowerCase()).sort().join('\n');
/** The same people, in any order (Partner Center does not keep ours). */
const sameTeam = (a: readonly { email: string }[], b: readonly { email: string }[]) => emails(a) === emails(b);

type Member = z.infer<typeof MemberSchema>;
const sameContact = (a: Member | null, b: Member | null) =>
  a === null || b === null ? a === b : a.name === b.name && a.email.toLowerCase() === b.email.toLowerCase() && a.phone === b.phone;

/** The fields whose values differ between two snapshots (what one side changed since the base). */
export function changedFields(base: SyncedFields, now: SyncedFields): (keyof SyncedFields)[] {
  const keys = Object.keys(SyncedFieldsSchema.shape) as (keyof SyncedFields)[];
  return keys.filter((k) => {
    if (k === 'team') return !sameTeam(base.team, now.team);
    if (k === 'contact') return !sameContact(base.contact, now.contact);
    return base[k] !== now[k];
  });
}

/**
 * The merge base: what Partner Center had (`theirs`) and what we had (`ours`) when the two last agreed. Partner
 * Center changed a field when `theirs` differs from the referral now; we changed one when `ours` differs from the
 * deal now — and only those are pushed, so a value of theirs our rules did not take is never pushed back over it.
 */
export const SyncBaseSchema = z.object({ theirs: SyncedFieldsSchema, ours: SyncedFieldsSchema });
export type SyncBase = z.infer<typeof SyncBaseSchema>;

/** Our changes not yet in Partner Center. */
export const pendingFields = (base: SyncBase, oursNow: SyncedFields) => changedFields(base.ours, oursNow).filter((k) => k !== 'locationId' && k !== 'expiresAt');

/**
 * The base after Partner Center's changes were decided: for each field they changed, our value becomes the agreed
 * one, except where we had a change of our own waiting that their value did not replace (it stays pending). Also
 * says which of our waiting changes their change replaced (the person who made it is told).
 */
export function baseAfterInbound(base: SyncBase, theirs: SyncedFields, oursBefore: SyncedFields, oursAfter: SyncedFields): { base: SyncBase; superseded: (keyof SyncedFields)[] } {
  const ours = { ...base.ours };
  const superseded: (keyof SyncedFields)[] = [];
  const differs = (a: SyncedFields, b: SyncedFields, k: keyof SyncedFields) => changedFields({ ...a }, { ...a, [k]: b[k] }).includes(k);
  for (const k of changedFields(base.theirs, theirs)) {
    const ourChangeWaiting = differs(base.ours, oursBefore, k);
    const taken = differs(oursBefore, oursAfter, k);
    if (ourChangeWaiting && !taken) continue;
    if (ourChangeWaiting && taken) superseded.push(k);
    (ours as Record<string, unknown>)[k] = oursAfter[k];
  }
  return { base: { theirs, ours }, superseded };
}

/** Partner Center's side of the merge: its changes since `base`, as the command's input. */
export function partnerCenterChange(base: SyncedFields, theirs: SyncedFields): PartnerCenterChange {
  const change: PartnerCenterChange = {};
  for (const k of changedFields(base, theirs)) {
    switch (k) {
      case 'status':
      case 'substatus':
        change.status = { status: theirs.status, substatus: theirs.substatus, reason: null };
        break;
      case 'expiresAt':
        change.expiresAt = theirs.expiresAt ? new Date(theirs.expiresAt) : null;
        break;
      case 'notes':
        // Notes are a history here: what Partner Center added is appended, never replacing ours.
        change.note = theirs.notes.startsWith(base.notes) && base.notes ? theirs.notes.slice(base.notes.length).trim() || undefined : theirs.notes.trim() || undefined;
        break;
      case 'team':
        change.team = theirs.team;
        break;
      case 'contact':
        // R7: the contact is ours to share, with the consent the user confirmed here; Partner Center's is not taken.
        break;
      default:
        (change as Record<string, unknown>)[k] = theirs[k];
    }
  }
  return change;
}

const TERMINAL: readonly Substatus[] = ['Won', 'Lost', 'Declined', 'Expired'];

/** The status Partner Center reports, as a move our machine allows from the deal's state, or why not. */
function statusMove(deal: DealState, to: { status: Status; substatus: Substatus }): { patch: Partial<DealState>; event: DomainEvent } | Refusal | null {
  if (deal.status === to.status && deal.substatus === to.substatus) return null;
  if (deal.status === 'Closed') return refuse('DEAL_CLOSED', { substatus: deal.substatus });
  if (to.status === 'New') return null; // Pending ↔ Received is Partner Center's bookkeeping
  if (to.status === 'Active') {
    if (deal.status !== 'New') return null;
    return {
      patch: { status: 'Active', substatus: 'Accepted', stage: 'accepted', acceptedById: null, acceptedByName: PARTNER_CENTER.name },
      event: { type: 'ReferralAccepted', data: { by: PARTNER_CENTER.name } },
    };
  }
  if (!TERMINAL.includes(to.substatus)) return null;
  if (to.substatus === 'Won') {
    if (deal.status === 'New') return refuse('NOT_ACTIVE');
    if (deal.type === 'solutionAssessment') {
      const next = nextMandatoryStage(deal.completions.map((c) => c.stage));
      if (next) return refuse('STAGES_INCOMPLETE', { next });
    }
    return { patch: { status: 'Closed', substatus: 'Won', stage: 'won' }, event: { type: 'DealWon', data: { by: PARTNER_CENTER.name } } };
  }
  if ((to.substatus === 'Declined' || to.substatus === 'Expired') && deal.status === 'Active') return refuse('ALREADY_ACCEPTED', { by: deal.acceptedByName ?? '?' });
  const type = to.substatus === 'Lost' ? 'DealLost' : to.substatus === 'Declined' ? 'ReferralDeclined' : 'ReferralExpired';
  return {
    patch: { status: 'Closed', substatus: to.substatus, ...(to.substatus === 'Lost' ? { stage: 'lost' as const } : {}) },
    event: { type, data: { by: PARTNER_CENTER.name } },
  };
}

const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && 'code' in x && 'fieldErrors' in x;

/** partnerCenterUpdate: Partner Center's changes, each applied where our rules allow and recorded where not. */
export const applyPartnerCenterUpdate: Transition<PartnerCenterChange> = (deal, input, actor, ctx: Context) => {
  const refused: RefusedChange[] = [];
  const events: DomainEvent[] = [];
  const patch: Partial<DealState> = {};
  const refuseChange = (field: string, to: unknown, r: Refusal) => refused.push({ field, to, code: r.code, params: r.params as Record<string, string | number> });

  if (input.locationId !== undefined && input.locationId !== deal.locationId) {
    // R8: a deal's location never changes; Partner Center moving the referral is news for an admin, not a move.
    refuseChange('location', input.locationId, refuse('IMMUTABLE_FIELD', { field: 'location' }));
  }
  if (input.status) {
    const move = statusMove(deal, input.status);
    if (isRefusal(move)) refuseChange('status', `${input.status.status}/${input.status.substatus}`, move);
    else if (move) {
      Object.assign(patch, move.patch);
      if (move.patch.status === 'Closed') Object.assign(patch, { closedAt: ctx.now, closedById: null, closedByName: actor.name, closeReason: null, closeMessage: input.status.reason });
      events.push(move.event);
    }
  }
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const fields = ['name', 'value', 'currency', 'closeDate'] as const;
  for (const key of fields) {
    const to = input[key];
    if (to === undefined || to === deal[key]) continue;
    if (deal.status === 'Closed') refuseChange(key, to, refuse('DEAL_CLOSED', { substatus: deal.substatus }));
    else {
      changes[key] = { from: deal[key], to };
      (patch as Record<string, unknown>)[key] = to;
    }
  }
  if (input.expiresAt !== undefined && deal.status === 'New' && patch.status === undefined) {
    // Partner Center's own clock wins over REFERRAL_RESPONSE_DAYS (R17).
    const to = input.expiresAt;
    if ((to?.getTime() ?? null) !== (deal.expiresAt?.getTime() ?? null)) {
      changes.expiresAt = { from: deal.expiresAt?.toISOString() ?? null, to: to?.toISOString() ?? null };
      patch.expiresAt = to;
    }
  }
  let teamChanged = false;
  if (input.team && !sameTeam(input.team, deal.team)) {
    if (deal.status === 'Closed') refuseChange('team', input.team.map((m) => m.name).join(', '), refuse('DEAL_CLOSED', { substatus: deal.substatus }));
    else if (input.team.length) {
      patch.team = input.team.map((m): TeamMember => ({ ...m, userId: deal.team.find((t) => t.email.toLowerCase() === m.email.toLowerCase())?.userId ?? null }));
      teamChanged = true;
      events.push({ type: 'TeamChanged', data: { by: PARTNER_CENTER.name, team: input.team.map((m) => m.name) } });
    }
  }
  if (Object.keys(changes).length) events.push({ type: 'DealEdited', data: { changes, by: PARTNER_CENTER.name } });
  const newNotes = input.note ? [input.note] : [];
  if (newNotes.length) events.push({ type: 'NoteAdded', data: { length: input.note!.length, by: PARTNER_CENTER.name } });
  if (refused.length) events.push({ type: 'PartnerCenterChangeRefused', data: { refused } });
  if (!events.length) return fail(refuse('NOTHING_TO_CHANGE'));
  return ok({
    deal: { ...deal, ...patch, version: deal.version + 1 },
    events,
    effects: { ...noEffects(), newNotes, teamChanged, refusedPartnerCenterChanges: refused },
  });
};
