import type { z } from 'zod';
import {
  AcceptSchema,
  DeclineSchema,
  EditSchema,
  EmptySchema,
  LoseSchema,
  RegisterSchema,
  ReviewSchema,
  SetTeamSchema,
  StageInputSchema,
} from './commands';
import type { DealState } from './deal';
import * as guards from './guards';
import { OPTIONAL_COSELL_STAGES, nextMandatoryStage } from './stages';
import * as transitions from './transitions';
import { PartnerCenterChangeSchema, applyPartnerCenterUpdate } from './partnerCenter';
import type { Refusal } from './refusals';
import type { Stage } from './vocabulary';

/**
 * Every command on an existing deal, in one table: how its input is read, when it may happen, what it does, and
 * whether cards offer it as a button. `decide`, `guard` and `allowedActions` read this table and nothing else, so
 * a command is added or changed in one place. (`createDeal` and `receiveReferral` make a deal; see creation.ts.)
 */
export interface CommandRule<S extends z.ZodType = z.ZodType> {
  /** The input, validated per field (R13). */
  schema: S;
  /** From which state, and beyond R1–R4 by whom. Asked for buttons as well as for clicks. */
  guard: guards.Guard;
  /** R18: anyone in scope may answer a New referral, so losing the race reads "already accepted by X". */
  answersReferral?: boolean;
  /** A refusal read from the raw input before its values are checked (which fields an edit names). */
  screen?: (rawInput: unknown) => Refusal | null;
  apply: transitions.Transition<z.output<S>>;
  /** Offered on cards: when the button is shown at all (otherwise omitted, not disabled). */
  button?: {
    shownWhen: (deal: DealState) => boolean;
    /** Stage commands: the stages a click could name; the button is enabled when one of them passes. */
    stages?: (deal: DealState) => readonly Stage[];
  };
}

/** Checks at definition that `apply` takes what `schema` produces; `decide` gives `apply` nothing else. */
const rule = <S extends z.ZodType>(r: CommandRule<S>): CommandRule => r as unknown as CommandRule;

const active = (deal: DealState) => deal.status === 'Active';

/** In the order cards show the buttons. */
export const COMMAND_TABLE = {
  accept: rule({
    schema: AcceptSchema,
    guard: guards.referralOpen,
    answersReferral: true,
    apply: transitions.applyAccept,
    button: { shownWhen: (deal) => deal.status === 'New' },
  }),
  decline: rule({
    schema: DeclineSchema,
    guard: guards.referralOpen,
    answersReferral: true,
    apply: transitions.applyDecline,
    button: { shownWhen: (deal) => deal.status === 'New' },
  }),
  // Partner Center's changes (issue 13): the sync's alone, never a button.
  partnerCenterUpdate: rule({ schema: PartnerCenterChangeSchema, guard: guards.partnerCenterOnly, apply: applyPartnerCenterUpdate }),
  // The sweeper's alone: never a button.
  expire: rule({ schema: EmptySchema, guard: guards.expiryDue, apply: transitions.applyExpire }),
  completeStage: rule({
    schema: StageInputSchema,
    guard: guards.stageInOrder,
    apply: transitions.applyCompleteStage,
    button: {
      shownWhen: (deal) => active(deal) && deal.type === 'solutionAssessment',
      stages: (deal) => {
        const next = nextMandatoryStage(deal.completions.map((c) => c.stage));
        return next ? [next] : [];
      },
    },
  }),
  setStage: rule({
    schema: StageInputSchema,
    guard: guards.stageForward,
    apply: transitions.applySetStage,
    button: { shownWhen: (deal) => active(deal) && deal.type === 'coSell', stages: () => OPTIONAL_COSELL_STAGES },
  }),
  win: rule({ schema: EmptySchema, guard: guards.stagesComplete, apply: transitions.applyWin, button: { shownWhen: active } }),
  lose: rule({ schema: LoseSchema, guard: guards.dealActive, apply: transitions.applyLose, button: { shownWhen: active } }),
  edit: rule({
    schema: EditSchema,
    guard: guards.dealActive,
    screen: guards.editableFieldsOnly,
    apply: transitions.applyEdit,
    button: { shownWhen: active },
  }),
  setTeam: rule({ schema: SetTeamSchema, guard: guards.dealActive, apply: transitions.applySetTeam, button: { shownWhen: active } }),
  register: rule({
    schema: RegisterSchema,
    guard: guards.registrationOpen,
    apply: transitions.applyRegister,
    button: { shownWhen: (deal) => deal.substatus === 'Won' },
  }),
  reviewRegistration: rule({
    schema: ReviewSchema,
    guard: guards.registrationPending,
    apply: transitions.applyReview,
    button: { shownWhen: (deal) => deal.registration?.status === 'PendingReview' },
  }),
} as const;

export type CommandName = keyof typeof COMMAND_TABLE;
export const COMMAND_NAMES = Object.keys(COMMAND_TABLE) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  // Untrusted payloads may name anything, including Object.prototype keys ('constructor', 'toString').
  return Object.hasOwn(COMMAND_TABLE, name);
}

/** A command as it arrives from a surface: name + untrusted input. */
export interface Command {
  type: CommandName;
  input?: unknown;
}
