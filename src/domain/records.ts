import type { SyncBase } from './partnerCenter';
import type { PersonActor } from './actor';
import type { DealState } from './deal';
import type { DomainEvent, Effects, RefusedChange } from './decision';
import type { DealType, Direction, Role, Stage, Status, Substatus } from './vocabulary';

/**
 * Read models: what the surfaces (bot, cards, REST) are given to show. The store builds them; nothing here knows how
 * they are stored.
 */

export interface NoteEntry {
  id: string;
  text: string;
  authorId: string | null;
  authorName: string;
  createdAt: Date;
}

/** One line of a deal's audit timeline. */
export interface AuditEntry {
  type: string;
  actorName: string;
  createdAt: Date;
  data: unknown;
}

export interface CustomerRecord {
  id: string;
  name: string;
  addressLine1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string;
  duns: string | null;
}

/** A deal with everything a card or an API answer shows. */
export interface DealRecord extends DealState {
  number: number;
  /** The location's display name (cards show it; `locationId` is the key). */
  locationName: string;
  /** The location's time zone (set, or Asia/Tokyo for JP, UTC otherwise): shared cards and day counts use it. */
  locationTimeZone?: string;
  customer: CustomerRecord;
  /** Partner Center's consent flags of a received referral. */
  consent: { consentToShareInfoWithOthers: boolean; consentToContact: boolean };
  sender: {
    type: string | null;
    name: string | null;
    email: string | null;
    organizationName: string | null;
    referralId: string | null;
    callbackUrl: string | null;
  } | null;
  inviteNotes: string | null;
  /** The newest entry of the note history (cards show it; the history card shows them all). */
  latestNote: NoteEntry | null;
  createdAt: Date;
  updatedAt: Date;
  receivedAt: Date | null;
  remindersSent: number[];
  /** Issue 13: the deal's Partner Center referral and how its sync stands (null: sync never touched it). */
  partnerCenter: PartnerCenterStatus | null;
}

export const SYNC_STATES = ['pending', 'synced', 'failed', 'conflict'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** Something about the sync a person must know, shown on the card in the reader's language. */
export interface SyncNotice {
  /** refused: Partner Center changed what our rules keep; failed: our change could not be sent; superseded: Partner
   * Center changed the referral first and our change no longer applies. */
  code: 'refused' | 'failed' | 'superseded';
  refused?: readonly RefusedChange[];
  /** failed: the category of the last error (never the remote's text). */
  reason?: string;
  /** superseded: whose change it was. */
  by?: string;
  at: string;
  /** failed: when the deal first stopped reaching Partner Center (kept across retries), as ISO time. */
  since?: string;
}

/** What a change writes about the deal's sync, in the change's transaction (undefined: left as it is). */
export interface SyncUpdate {
  link?: Partial<PartnerCenterLink>;
  state?: SyncState | null;
  notice?: SyncNotice | null;
}

export interface PartnerCenterStatus {
  referralId: string | null;
  engagementId: string | null;
  state: SyncState | null;
  notice: SyncNotice | null;
}

/** A decided and written change: the deal as it is now, and what happened. */
export interface CommandOutcome {
  deal: DealRecord;
  events: DomainEvent[];
  effects: Effects;
}

export interface DealFilter {
  direction?: Direction;
  type?: DealType;
  status?: Status;
  substatus?: Substatus;
  stage?: Stage;
  locationId?: string;
  /** Name or customer name contains (case-insensitive). */
  q?: string;
  updatedSince?: Date;
  /** Only deals the actor created, accepted or is on the team of. */
  mine?: boolean;
  /** Any of these stages (a stage name can map to different stages of the two deal types). */
  stages?: Stage[];
  /** Any of these locations. */
  locationIds?: string[];
  /** Deals any of these people created, accepted or are on the team of (`person:` filter, issue 17). */
  people?: { id: string; email: string | null }[];
}

export interface Page<T> {
  items: T[];
  /** Opaque keyset cursor for the next page, absent on the last page. */
  next?: string;
}

/** An exact decimal amount as text (`"1500000.00"`): sums of money are never floating point. */
export type DecimalText = string;

export interface PipelineRow {
  stage: Stage;
  currency: string;
  count: number;
  total: DecimalText;
  /** The total weighted by the stage's percentage (R20/R21). */
  weighted: DecimalText;
}

export interface Pipeline {
  rows: PipelineRow[];
  /** Per currency: all open deals. */
  totals: { currency: string; count: number; total: DecimalText; weighted: DecimalText }[];
}

/** R9: someone the user worked with on an earlier deal, complete enough to add to a team in one click. */
export interface RecentContact {
  name: string;
  email: string;
  phone: string;
  /** The person's user id when they use the bot. */
  userId: string | null;
}

/** A person known from Teams, with their R1 role and scope (role null = may only ask for help). */
export interface Person {
  id: string;
  aadObjectId: string | null;
  name: string;
  email: string | null;
  role: Role | null;
  globalScope: boolean;
  locationIds: string[];
  /** The IANA zone and Teams locale last seen for this person (null until Teams sent one). */
  timeZone?: string | null;
  locale?: string | null;
}

/** A person as Teams introduces them. */
export interface TeamsIdentity {
  aadObjectId: string;
  name: string;
  email?: string | null;
}

export function actorOf(person: Person): PersonActor {
  return {
    kind: 'user',
    id: person.id,
    name: person.name,
    email: person.email,
    role: person.role,
    scope: { global: person.globalScope, locations: person.locationIds },
  };
}

export interface LocationRecord {
  id: string;
  name: string;
  country: string | null;
  /** Set by LOCATIONS_FILE; null = the default for its country (defaultZoneFor). */
  timeZone?: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// What arrives from outside to become a deal

export interface CustomerData {
  name: string;
  addressLine1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country: string;
  duns?: string | null;
}

/** R14: a referral as the intake hands it over (the Partner Center shape already mapped). */
export interface IncomingReferral {
  /** The domain's receive input (see ReceiveReferralSchema). */
  deal: { createdAt: Date } & Record<string, unknown>;
  customer: CustomerData;
  contact?: { name?: string | null; phone?: string | null; email?: string | null } | null;
  consent: { consentToShareInfoWithOthers: boolean; consentToContact: boolean };
  notes?: string | null;
  inviteNotes?: string | null;
  sender: {
    /**
     * The scope of `referralId` (idempotency): the authenticated sender (`sender:<name>`); for the legacy shared
     * token, Microsoft or the partner organisation's id as before.
     */
    key: string;
    /** The authenticated sender that posted it (a REFERRAL_SENDERS name, or `legacy`). */
    account: string;
    referralId: string;
    type: 'microsoft' | 'partner';
    name: string;
    email?: string | null;
    organizationId?: string | null;
    organizationName?: string | null;
    callbackUrl?: string | null;
  };
  /** Issue 13: the Partner Center referral this is, when it came from Partner Center. */
  partnerCenter?: PartnerCenterLink;
}

/** What a deal keeps of its Partner Center referral (issue 13). */
export interface PartnerCenterLink {
  referralId: string;
  engagementId: string | null;
  eTag: string | null;
  /** The referral's updatedDateTime as last applied or pushed. */
  updatedAt: Date | null;
  /** The fields both sides last agreed on (the merge base). */
  base: SyncBase;
}
