import {
  fieldLabel,
  STAGE_LABEL,
  STAGES_OF,
  STAGE_PERCENT,
  SUBSTATUSES_OF,
  amountOfText,
  MAX_DATE,
  MIN_DATE,
  commandForStage,
  dateOfDateOrDateTime,
  fieldError,
  isValidStatusPair,
  mapStage,
  refuse,
  stagePercent,
  type CloseReason,
  type Command,
  type DealRecord,
  type Refusal,
  type StageMap,
  type Status,
  type Substatus,
} from '../domain';
import type { ApiErrorCode } from './errors';
import { IMMUTABLE_PATHS, PATCH_PATHS, type PatchOperation, type PatchPath } from './partnerCenterShape';

/**
 * Turns a JSON Patch (RFC 6902, replace/add) on a deal into the state machine's commands, in the order a person
 * would click them: answer the referral, edit, change the team, move the stage, close. This module only
 * translates; whether each command may happen is decided by src/domain when the store runs them (as one unit).
 */

export type PatchPlan =
  | { ok: true; commands: Command[] }
  | { ok: false; refusal: Refusal; target?: string; accepted?: string[] }
  | { ok: false; api: ApiErrorCode; params: Record<string, string>; target?: string };

interface MemberIn {
  name?: string;
  firstName?: string;
  lastName?: string;
  email: string;
  phoneNumber: string;
}

interface ContactIn {
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string | null;
  phoneNumber?: string | null;
}

interface Wanted {
  name?: string;
  value?: number | string;
  currency?: string;
  closeDate?: string;
  note?: string;
  crmId?: string | null;
  campaignId?: string | null;
  team?: MemberIn[];
  teamAdded: MemberIn[];
  contact?: ContactIn[];
  contactConsent?: boolean;
  specialistNote?: string | null;
  stage?: string | number;
  status?: Status;
  substatus?: Substatus;
  statusReason?: CloseReason;
  statusMessage?: string;
}

/** RFC 6901: "~1" is "/", "~0" is "~"; a trailing slash is forgiven. */
function normalizePath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('/');
}

const dateRange = (code: string) => (code === 'dateOutOfRange' ? { min: MIN_DATE, max: MAX_DATE } : undefined);

const isPatchPath = (p: string): p is PatchPath => Object.hasOwn(PATCH_PATHS, p);

/** Domain field names (as in its field errors) → the PATCH path the client sent. */
export function patchPathOf(field: string): string {
  const [head = '', ...rest] = field.split('.');
  const base: Record<string, string> = {
    name: '/name',
    value: '/details/dealValue',
    currency: '/details/currency',
    closeDate: '/details/closingDateTime',
    notes: '/details/notes',
    note: '/details/notes',
    crmId: '/externalReferenceId',
    campaignId: '/campaignId',
    team: '/team',
    reason: '/statusReason',
    message: '/statusMessage',
    stage: '/salesStage',
    contactName: '/customerProfile/team/0/name',
    contactPhone: '/customerProfile/team/0/phoneNumber',
    contactEmail: '/customerProfile/team/0/email',
    contactConsent: '/consent/consentToShareInfoWithOthers',
    specialistNote: '/specialistNote',
  };
  const mapped = base[head];
  if (!mapped) return field;
  const tail = rest.map((r) => (r === 'phone' ? 'phoneNumber' : r));
  return [mapped, ...tail].join('/');
}

const nameOf = (m: Pick<MemberIn, 'name' | 'firstName' | 'lastName'>) => m.name?.trim() || [m.firstName, m.lastName].filter((x) => x && x.trim()).join(' ');

const toMember = (m: MemberIn) => ({
  name: nameOf(m),
  email: m.email,
  phone: m.phoneNumber,
});

/** Which operation a refusal of the state machine answers, so the error can point at it. */
export function targetOfRefusal(code: string, ops: readonly PatchOperation[]): string | undefined {
  const paths = new Set(ops.map((o) => normalizePath(o.path)));
  const first = (...candidates: string[]) => candidates.find((c) => paths.has(c));
  if (code.startsWith('STAGE') || code === 'STAGES_INCOMPLETE') return first('/salesStage', '/status', '/substatus');
  if (code.startsWith('ALREADY_') || code === 'NOT_A_REFERRAL' || code === 'SYSTEM_ONLY' || code === 'NOT_ACTIVE') return first('/status', '/substatus', '/salesStage');
  return undefined;
}

/** Values the accepted-values list of an unknown stage shows (R22: "unknown → 422 listing accepted values"). */
export function acceptedStageValues(deal: Pick<DealRecord, 'type'>, stageMap: StageMap): string[] {
  const stages = STAGES_OF[deal.type];
  const percents = [...new Set(stages.filter((s) => s !== 'lost').map((s) => `${STAGE_PERCENT[s]}%`))];
  return [...new Set([...stages.map((s) => STAGE_LABEL[s].en), ...Object.keys(stageMap), ...percents])];
}

function collect(ops: readonly PatchOperation[]): { ok: true; wanted: Wanted } | Exclude<PatchPlan, { ok: true }> {
  const wanted: Wanted = { teamAdded: [] };
  for (const op of ops) {
    const path = normalizePath(op.path);
    if (path === '/team/-' && op.op !== 'add') return { ok: false, refusal: refuse('UNKNOWN_FIELD', { field: path, fieldName: fieldLabel(path) }), target: path };
    if (!isPatchPath(path)) {
      const immutable = IMMUTABLE_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
      return { ok: false, refusal: refuse(immutable ? 'IMMUTABLE_FIELD' : 'UNKNOWN_FIELD', { field: path, fieldName: fieldLabel(path) }), target: path };
    }
    const parsed = PATCH_PATHS[path].safeParse(op.value);
    if (!parsed.success) {
      const code = op.value === undefined || op.value === null ? 'required' : 'invalid';
      return { ok: false, refusal: refuse('INVALID_INPUT', {}, [fieldError(path, code)]), target: path };
    }
    const v = parsed.data;
    switch (path) {
      case '/name':
        wanted.name = v as string;
        break;
      case '/details/dealValue':
        wanted.value = v as number | string;
        break;
      case '/details/currency':
        wanted.currency = v as string;
        break;
      case '/details/closingDateTime': {
        // Partner Center sends a date-time; the deal keeps a date. A date-time is read strictly (no `…Tgarbage`).
        const day = dateOfDateOrDateTime(v as string);
        if (!day.ok) return { ok: false, refusal: refuse('INVALID_INPUT', {}, [fieldError(path, day.code, dateRange(day.code))]), target: path };
        wanted.closeDate = day.value;
        break;
      }
      case '/details/notes':
        wanted.note = v as string;
        break;
      case '/externalReferenceId':
      case '/crmId':
        wanted.crmId = v as string | null;
        break;
      case '/campaignId':
        wanted.campaignId = v as string | null;
        break;
      case '/team':
        wanted.team = v as MemberIn[];
        wanted.teamAdded = [];
        break;
      case '/team/-':
        wanted.teamAdded.push(v as MemberIn);
        break;
      case '/customerProfile/team':
        wanted.contact = v as ContactIn[];
        break;
      case '/consent/consentToShareInfoWithOthers':
        wanted.contactConsent = v as boolean;
        break;
      case '/specialistNote':
        wanted.specialistNote = v as string | null;
        break;
      case '/salesStage':
        wanted.stage = v as string | number;
        break;
      case '/status':
        wanted.status = v as Status;
        break;
      case '/substatus':
        wanted.substatus = v as Substatus;
        break;
      case '/statusReason':
        wanted.statusReason = v as CloseReason;
        break;
      case '/statusMessage':
        wanted.statusMessage = v as string;
        break;
    }
  }
  return { ok: true, wanted };
}

type Move = 'accept' | 'decline' | 'win' | 'lose' | 'expire' | null;

function statusMove(deal: DealRecord, w: Wanted): { ok: true; move: Move } | Exclude<PatchPlan, { ok: true }> {
  if (w.status === undefined && w.substatus === undefined) return { ok: true, move: null };
  const substatus = w.substatus ?? (w.status === 'Active' ? 'Accepted' : undefined);
  if (!substatus) return { ok: false, refusal: refuse('INVALID_INPUT', {}, [fieldError('/substatus', 'required')]), target: '/substatus' };
  const status = w.status ?? (Object.keys(SUBSTATUSES_OF) as Status[]).find((s) => SUBSTATUSES_OF[s].includes(substatus)) ?? 'Closed';
  if (!isValidStatusPair(status, substatus)) {
    return { ok: false, refusal: refuse('INVALID_INPUT', {}, [fieldError('/substatus', 'invalidChoice')]), target: '/substatus' };
  }
  if (status === deal.status && substatus === deal.substatus) return { ok: true, move: null };
  const moves: Partial<Record<Substatus, Move>> = { Accepted: 'accept', Declined: 'decline', Won: 'win', Lost: 'lose', Expired: 'expire' };
  const move = moves[substatus];
  if (!move) return { ok: false, api: 'TRANSITION_NOT_SUPPORTED', params: { status, substatus }, target: '/status' };
  return { ok: true, move };
}

const amountOf = (v: number | string) => (typeof v === 'number' ? v : amountOfText(v));
const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());

/** Only what differs from the deal: a PATCH that repeats current values changes nothing and is no error. */
function editInput(deal: DealRecord, w: Wanted): Record<string, unknown> | null {
  const edit: Record<string, unknown> = {};
  if (w.name !== undefined && w.name.trim() !== deal.name) edit.name = w.name;
  if (w.value !== undefined && amountOf(w.value) !== deal.value) edit.value = w.value;
  if (w.currency !== undefined && w.currency.trim().toUpperCase() !== deal.currency) edit.currency = w.currency;
  if (w.closeDate !== undefined && w.closeDate.trim() !== deal.closeDate) edit.closeDate = w.closeDate;
  const crmId = blankToNull(w.crmId);
  if (crmId !== undefined && crmId !== deal.crmId) edit.crmId = crmId;
  const campaignId = blankToNull(w.campaignId);
  if (campaignId !== undefined && campaignId !== deal.campaignId) edit.campaignId = campaignId;
  if (w.note !== undefined && w.note.trim() !== '') edit.note = w.note;
  Object.assign(edit, contactEdit(deal, w) ?? {});
  return Object.keys(edit).length ? edit : null;
}

/** Issue 14 §3: the contact (customerProfile.team: one person or none), its consent and the specialist's note, as Edit takes them. */
function contactEdit(deal: DealRecord, w: Wanted): Record<string, unknown> | null {
  const edit: Record<string, unknown> = {};
  if (w.contact !== undefined) {
    const c = w.contact[0];
    const to = { contactName: blankToNull(c ? nameOf(c) : null), contactPhone: blankToNull(c?.phoneNumber ?? null), contactEmail: blankToNull(c?.email ?? null) };
    const from = { contactName: deal.contact.name, contactPhone: deal.contact.phone, contactEmail: deal.contact.email };
    for (const k of Object.keys(to) as (keyof typeof to)[]) if (to[k] !== from[k]) edit[k] = to[k];
  }
  if (w.contactConsent !== undefined && w.contactConsent !== deal.contact.consent) edit.contactConsent = w.contactConsent;
  const specialistNote = blankToNull(w.specialistNote);
  if (specialistNote !== undefined && specialistNote !== deal.specialistNote) edit.specialistNote = specialistNote;
  return Object.keys(edit).length ? edit : null;
}

export function planPatch(deal: DealRecord, ops: readonly PatchOperation[], stageMap: StageMap): PatchPlan {
  const collected = collect(ops);
  if (!collected.ok) return collected;
  const w = collected.wanted;
  const moved = statusMove(deal, w);
  if (!moved.ok) return moved;
  let move = moved.move;

  // R22: the stage, by standard name, the client's CRM name or a percentage.
  let stageCommand: Command | null = null;
  if (w.stage !== undefined) {
    const mapped = mapStage(w.stage, deal.type, stageMap);
    if (!mapped.ok) return { ok: false, refusal: mapped.refusal, target: '/salesStage', accepted: acceptedStageValues(deal, stageMap) };
    const stage = mapped.value;
    if (stage === 'won' || stage === 'lost') {
      const close = stage === 'won' ? 'win' : 'lose';
      if (move && move !== close) {
        return { ok: false, refusal: refuse('INVALID_INPUT', {}, [fieldError('/salesStage', 'invalid')]), target: '/salesStage' };
      }
      move = close;
    } else if (stage !== deal.stage) {
      stageCommand = commandForStage(deal, stage);
      if (!stageCommand) {
        return {
          ok: false,
          refusal:
            deal.status === 'New'
              ? refuse('NOT_ACTIVE')
              : refuse('STAGE_NOT_FORWARD', { current: STAGE_LABEL[deal.stage], percent: stagePercent(deal.stage) }),
          target: '/salesStage',
        };
      }
    }
  }
  const closing = move === 'lose' || move === 'decline';
  if (!closing && (w.statusReason !== undefined || w.statusMessage !== undefined)) {
    const path = w.statusReason !== undefined ? '/statusReason' : '/statusMessage';
    return { ok: false, refusal: refuse('INVALID_INPUT', {}, [fieldError(path, 'unknownField')]), target: path };
  }

  const team = w.team ?? (w.teamAdded.length ? [...deal.team.map((m) => ({ name: m.name, email: m.email, phoneNumber: m.phone ?? '' })), ...w.teamAdded] : undefined);
  const commands: Command[] = [];
  if (move === 'accept') {
    // R15: accepting takes the deal's details (pre-filled, editable) and a required note, all in one command.
    commands.push({
      type: 'accept',
      input: {
        name: w.name ?? deal.name,
        value: w.value ?? deal.value,
        currency: w.currency ?? deal.currency,
        closeDate: w.closeDate ?? deal.closeDate,
        notes: w.note,
        crmId: blankToNull(w.crmId) ?? undefined,
        campaignId: blankToNull(w.campaignId) ?? undefined,
        team: team?.map(toMember) ?? [],
      },
    });
    // The contact is not part of accepting (R15): it is edited on the accepted deal, in the same unit.
    const contact = contactEdit(deal, w);
    if (contact) commands.push({ type: 'edit', input: contact });
  } else {
    if (move === 'decline') commands.push({ type: 'decline', input: { reason: w.statusReason, message: w.statusMessage } });
    const edit = editInput(deal, w);
    if (edit) commands.push({ type: 'edit', input: edit });
    if (team) commands.push({ type: 'setTeam', input: { team: team.map(toMember) } });
  }
  if (stageCommand) commands.push(stageCommand);
  if (move === 'win') commands.push({ type: 'win' });
  if (move === 'lose') commands.push({ type: 'lose', input: { reason: w.statusReason, note: w.statusMessage } });
  if (move === 'expire') commands.push({ type: 'expire' });
  return { ok: true, commands };
}
