import type { Actor } from './actor';
import type { DealState, StageCompletion } from './deal';
import type { RefusalCode } from './refusals';

/** What a decision is: the deal's next state, the events to record, and what the store must write besides. */

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
  | 'RegistrationReviewed'
  | 'PartnerCenterChangeRefused';

export interface DomainEvent {
  type: EventType;
  data: Record<string, unknown>;
}

/** One change Partner Center made that our rules did not apply (issue 13), with the reason a person can read. */
export interface RefusedChange {
  field: string;
  to: unknown;
  code: RefusalCode;
  params: Record<string, string | number>;
}

/** What the store must write besides the deal's own columns. */
export interface Effects {
  newNotes: string[];
  completion: StageCompletion | null;
  teamChanged: boolean;
  registrationChanged: boolean;
  /** R28: the referral's sender must be told. */
  notifySender: 'declined' | 'expired' | null;
  /** Issue 13: what Partner Center changed that our rules did not apply (shown on the card, kept in the history). */
  refusedPartnerCenterChanges?: readonly RefusedChange[];
}

export interface Decision {
  deal: DealState;
  events: DomainEvent[];
  effects: Effects;
}

export const noEffects = (): Effects => ({
  newNotes: [],
  completion: null,
  teamChanged: false,
  registrationChanged: false,
  notifySender: null,
});

/** The id recorded as "by whom"; the system acts without one. */
export const actorId = (actor: Actor): string | null => (actor.kind === 'system' ? null : actor.id);
