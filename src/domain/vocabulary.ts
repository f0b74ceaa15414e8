import { z } from 'zod';

/** The words of the domain, as zod enums so that every boundary validates against the same lists. */

export const DealTypeSchema = z.enum(['solutionAssessment', 'coSell']);
export type DealType = z.infer<typeof DealTypeSchema>;

export const DirectionSchema = z.enum(['inbound', 'outbound']);
export type Direction = z.infer<typeof DirectionSchema>;

export const StatusSchema = z.enum(['New', 'Active', 'Closed']);
export type Status = z.infer<typeof StatusSchema>;

export const SubstatusSchema = z.enum(['Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired']);
export type Substatus = z.infer<typeof SubstatusSchema>;

/** R24: the status/substatus pairs Partner Center allows. */
export const SUBSTATUSES_OF: Readonly<Record<Status, readonly Substatus[]>> = {
  New: ['Pending', 'Received'],
  Active: ['Accepted'],
  Closed: ['Won', 'Lost', 'Declined', 'Expired'],
};

export function isValidStatusPair(status: Status, substatus: Substatus): boolean {
  return SUBSTATUSES_OF[status].includes(substatus);
}

export const StageSchema = z.enum([
  'created',
  'accepted',
  'secureCustomerLoe',
  'collectData',
  'prepareAssessmentReport',
  'presentToCustomer',
  'qualified',
  'developed',
  'proposed',
  'negotiated',
  'won',
  'lost',
]);
export type Stage = z.infer<typeof StageSchema>;

export const RoleSchema = z.enum(['admin', 'user']);
export type Role = z.infer<typeof RoleSchema>;

/** R16: Partner Center's decline reasons (also used for Lost, issue 6). */
export const CloseReasonSchema = z.enum([
  'budgetNotAdequate',
  'customerDidNotRespond',
  'customerChoseAnotherVendor',
  'requirementNotMet',
  'notACustomer',
  'timelineTooShort',
  'abuseSpamPhishing',
  'other',
]);
export type CloseReason = z.infer<typeof CloseReasonSchema>;

export const RegistrationStatusSchema = z.enum(['PendingReview', 'Approved', 'Rejected', 'ActionRequired']);
export type RegistrationStatus = z.infer<typeof RegistrationStatusSchema>;

export const ReviewOutcomeSchema = z.enum(['Approved', 'Rejected', 'ActionRequired']);
export type ReviewOutcome = z.infer<typeof ReviewOutcomeSchema>;

/** R10: the default assessment types (the list is configurable). */
export const DEFAULT_ASSESSMENT_TYPES = [
  'Data and Infrastructure Migration',
  'Application Modernization',
  'Azure Foundations',
  'Azure Express',
  'Azure Cost Optimization',
  'Holistic Business Case',
] as const;
