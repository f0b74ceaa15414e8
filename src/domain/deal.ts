import type { CloseReason, DealType, Direction, RegistrationStatus, Stage, Status, Substatus } from './vocabulary';

/** What the state machine knows of a deal. The store maps rows to and from this shape. */
export interface TeamMember {
  name: string;
  email: string;
  phone: string | null;
  userId: string | null;
}

export interface StageCompletion {
  stage: Stage;
  byId: string | null;
  byName: string;
  at: Date;
}

export interface Solution {
  id: string;
  name: string;
}

export interface RegistrationDetails {
  contractValue: number;
  currency: string;
  contractSignedDate: string;
  contractStartDate: string;
  contractEndDate: string;
  deployedOnAzure: boolean;
  marketplaceTransaction: boolean;
  notes: string | null;
}

export interface RegistrationState extends RegistrationDetails {
  status: RegistrationStatus;
  submittedById: string | null;
  submittedByName: string;
  submittedAt: Date;
  reviewNote: string | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
}

/** R7: the customer's primary contact. Details are kept only with the customer's consent to share them. */
export interface DealContact {
  name: string | null;
  phone: string | null;
  email: string | null;
  /** The user confirmed the customer consented to sharing contact details with Microsoft. */
  consent: boolean;
  /** The user asked for Microsoft seller help when creating the deal: name, phone and email are then required. */
  askMicrosoftHelp: boolean;
}

export interface DealState {
  id: string;
  direction: Direction;
  type: DealType;
  status: Status;
  substatus: Substatus;
  stage: Stage;
  name: string;
  value: number;
  currency: string;
  /** YYYY-MM-DD */
  closeDate: string;
  crmId: string | null;
  campaignId: string | null;
  locationId: string;
  assessmentType: string | null;
  assessmentLocation: string | null;
  solutions: Solution[];
  contact: DealContact;
  /** R7: the free-text note for the Microsoft specialist. */
  specialistNote: string | null;
  team: TeamMember[];
  completions: StageCompletion[];
  registration: RegistrationState | null;
  createdById: string | null;
  acceptedById: string | null;
  acceptedByName: string | null;
  closedById: string | null;
  closedByName: string | null;
  expiresAt: Date | null;
  closedAt: Date | null;
  closeReason: CloseReason | null;
  closeMessage: string | null;
  version: number;
}

/**
 * The fields R19 allows to change after creation (issue 14 §3 adds the R7 contact and the note for the Microsoft
 * specialist); everything else is fixed or changes only by a command.
 */
export const EDITABLE_FIELDS = [
  'name',
  'closeDate',
  'value',
  'currency',
  'crmId',
  'campaignId',
  'contactName',
  'contactPhone',
  'contactEmail',
  'contactConsent',
  'specialistNote',
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** Fields that exist but never change after creation (R8 location, R10 solution). */
export const IMMUTABLE_FIELDS = [
  'location',
  'locationId',
  'assessmentType',
  'assessmentLocation',
  'solutions',
  'solution',
  'type',
  'dealType',
  'direction',
  'customer',
  'customerId',
] as const;
