import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Locale } from '../../cards/i18n';
import type { AdaptiveCard } from '../../cards/render';
import type { WizardButton, WizardStepView } from '../../cards/wizardCard';
import type { BotServices } from '../botServices';
import type { Turn } from '../turn';
import { VERBS } from '../../cards/verbs';

/** The new-deal wizard's steps, in order (SPEC R6–R11). */
export const STEP_IDS = ['customer', 'contact', 'details', 'team', 'solution', 'review'] as const;
export type StepId = (typeof STEP_IDS)[number];

/** The one card verb of the wizard; what the button does is `nav`. */
export const WIZARD_VERB = VERBS.newDeal;

export const NAVS = ['next', 'back', 'cancel', 'search', 'newCustomer', 'searchCustomer', 'addMember', 'addContact'] as const;
export type Nav = (typeof NAVS)[number];

/** What every wizard button carries besides the form's inputs. Untrusted: checked against the stored session. */
export const WizardSubmitSchema = z.object({
  wizard: z.string().min(1).max(64),
  token: z.string().min(1).max(80),
  owner: z.string().min(1).max(100),
  nav: z.enum(NAVS),
  arg: z.string().max(200).optional(),
});
export type WizardSubmit = z.infer<typeof WizardSubmitSchema>;
export const CONTROL_KEYS = new Set(['wizard', 'token', 'owner', 'nav', 'arg', 'step']);

/** Raw entries of one step as the card submitted them, by input id (= field path in the domain's input). */
export type Entries = Record<string, string>;

/** Everything collected so far. Plain JSON: it lives in the dialog stack in the BotState table. */
export interface Draft {
  entries: Partial<Record<StepId, Entries>>;
  customer: {
    mode: 'search' | 'new';
    /** The suggestions of the last search, in rank order. */
    resultIds: string[];
    searched: boolean;
  };
  /** Team rows drawn on the card. */
  teamRows: number;
  /** Known people by lower-case email → user id, so team members who are users are linked (R3 visibility). */
  knownUsers: Record<string, string>;
}

export function emptyDraft(): Draft {
  return { entries: {}, customer: { mode: 'search', resultIds: [], searched: false }, teamRows: 1, knownUsers: {} };
}

/** Per field path, the message shown under the input, in the user's language. */
export type Errors = Record<string, string>;

export type StepOutcome =
  | { kind: 'stay'; errors?: Errors; notice?: string; noticeLines?: string[] }
  | { kind: 'next' }
  | { kind: 'created'; dealId: string; line: string };

/** A step's part of the card: everything but the header and the Back/Cancel/Next bar. */
export type StepBody = Omit<WizardStepView, 'header' | 'buttons'> & { nextTitle?: string };

export interface StepContext {
  turn: Turn;
  services: BotServices;
  locale: Locale;
  draft: Draft;
  /** Base data for the step's own buttons (session token etc.); add `nav`/`arg`. */
  button(title: string, nav: Nav, opts?: Partial<WizardButton> & { arg?: string }): WizardButton;
}

export interface StepDef {
  id: StepId;
  body(ctx: StepContext, errors: Errors): Promise<StepBody>;
  /** Handles a submit (entries already merged into the draft). Back and Cancel never reach here. */
  submit(ctx: StepContext, nav: Nav, arg: string | undefined): Promise<StepOutcome>;
  /** One line for the step's card once it is done. */
  summary(ctx: StepContext): Promise<string>;
}

/** The stored session of one user in one conversation: the dialog stack plus what identifies the live card. */
export interface WizardSession {
  dialogState?: { dialogStack: unknown[] };
  wizardId?: string;
  ownerName?: string;
  /** The token the current step's card carries; a card with another token is stale. */
  token?: string;
  /** The step whose card is current (the type-ahead answers only while it is the customer step). */
  step?: StepId;
  /** The message holding the current step's card, replaced by its summary when the step is done. */
  stepActivityId?: string;
  /** The token a request is processing right now (claimed with the eTag): a second click of it is stale. */
  claimed?: string;
  seq?: number;
  eTag?: string;
}

/** What the dialogs of one turn share (kept in turnState). */
export interface WizardTurn {
  turn: Turn;
  services: BotServices;
  session: WizardSession;
  /** The submitted action (invoke turns). */
  submit?: WizardSubmit;
  /** The card's inputs (invoke turns). */
  inputs: Record<string, unknown>;
  /** The card the invoke answers with (replaces the clicked card for the clicker). */
  reply?: AdaptiveCard;
}

export const WIZARD_TURN = Symbol('newDealWizardTurn');

export function wizardTurnOf(context: TurnContext): WizardTurn {
  const w = context.turnState.get(WIZARD_TURN) as WizardTurn | undefined;
  if (!w) throw new Error('new-deal wizard turn state missing');
  return w;
}
