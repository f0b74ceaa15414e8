import { z } from 'zod';
import {
  CloseReasonSchema,
  DealTypeSchema,
  RegistrationStatusSchema,
  ReviewOutcomeSchema,
  STAGE_LABEL,
  StageSchema,
  StatusSchema,
  SubstatusSchema,
  cleanString,
  parseDateTime,
  stagePercent,
  type DealRecord,
  type Direction,
} from '../domain';

/**
 * The wire shape of the deals API: Partner Center referral field names where Partner Center has the field
 * (id, name, status, substatus, statusReason, type, externalReferenceId, customerProfile, consent, details, team,
 * inviteContext, createdDateTime, updatedDateTime, expirationDateTime, eTag), plus ours (number, direction,
 * dealType, salesStage, location, campaignId, registration). These schemas type the responses, validate the
 * requests and generate the OpenAPI document.
 */

export const ReferralDirectionSchema = z.enum(['Incoming', 'Outgoing']).describe('Incoming = referrals received, Outgoing = deals we created.');
/** Partner Center's ReferralType: a received referral is shared with its sender; a deal we created is ours alone. */
export const ReferralTypeSchema = z.enum(['Independent', 'Shared']);

export const directionOf = (d: Direction) => (d === 'inbound' ? 'Incoming' : 'Outgoing');
export const directionFrom = (d: z.infer<typeof ReferralDirectionSchema>): Direction => (d === 'Incoming' ? 'inbound' : 'outbound');

const DateTime = z.iso.datetime({ offset: true });
const Day = z.iso.date();

export const MemberSchema = z.object({
  name: z.string(),
  email: z.string(),
  phoneNumber: z.string().nullable(),
});

export const AddressSchema = z.object({
  addressLine1: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string(),
});

export const CustomerProfileSchema = z.object({
  name: z.string(),
  address: AddressSchema,
  ids: z.object({ duns: z.string().nullable() }),
  team: z.array(MemberSchema.extend({ email: z.string().nullable() })).describe('The customer contact (kept only with consent, R7).'),
});

export const ConsentSchema = z.object({
  consentToShareInfoWithOthers: z.boolean().describe('R7: the customer consented to sharing the contact details with Microsoft.'),
  consentToContact: z.boolean(),
});

export const DetailsSchema = z.object({
  dealValue: z.number(),
  currency: z.string().describe('ISO 4217'),
  closingDateTime: Day.describe('Estimated close date (YYYY-MM-DD).'),
  notes: z.string().nullable().describe('The latest note; notes are a history, a PATCH appends one.'),
  requirements: z.object({
    solutions: z.array(z.object({ id: z.string(), name: z.string() })),
    assessmentType: z.string().nullable().describe('Solution assessment deals: the one assessment type (R10).'),
    assessmentLocation: z.string().nullable(),
  }),
});

export const SalesStageSchema = z.object({
  id: StageSchema,
  name: z.string().describe('The standard stage name (R20, R21).'),
  percent: z.number().int(),
  completed: z
    .array(z.object({ id: StageSchema, name: z.string(), percent: z.number().int(), completedBy: z.string(), completedDateTime: DateTime }))
    .describe('Solution assessment: the mandatory stages completed so far, in order.'),
});

export const RegistrationSchema = z.object({
  status: RegistrationStatusSchema,
  contractValue: z.number(),
  currency: z.string(),
  contractSignedDate: Day,
  contractStartDate: Day,
  contractEndDate: Day,
  deployedOnAzure: z.boolean(),
  marketplaceTransaction: z.boolean(),
  notes: z.string().nullable(),
  submittedBy: z.string(),
  submittedDateTime: DateTime,
  reviewNote: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedDateTime: DateTime.nullable(),
});

export const InviteContextSchema = z.object({
  notes: z.string().nullable(),
  invitedBy: z.object({
    type: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    organizationName: z.string().nullable(),
  }),
});

export const DealSchema = z.object({
  id: z.string(),
  number: z.number().int().describe('The short number shown on Teams cards.'),
  name: z.string(),
  direction: ReferralDirectionSchema,
  type: ReferralTypeSchema,
  dealType: DealTypeSchema,
  status: StatusSchema,
  substatus: SubstatusSchema,
  statusReason: CloseReasonSchema.nullable(),
  statusMessage: z.string().nullable(),
  externalReferenceId: z.string().nullable().describe('The CRM id of this deal (our crmId).'),
  campaignId: z.string().nullable(),
  location: z.string().describe('MPN location id; never changes after creation (R8).'),
  customerProfile: CustomerProfileSchema,
  consent: ConsentSchema,
  details: DetailsSchema,
  specialistNote: z.string().nullable().describe('R7: the note for the Microsoft specialist.'),
  team: z.array(MemberSchema),
  salesStage: SalesStageSchema,
  registration: RegistrationSchema.nullable(),
  inviteContext: InviteContextSchema.nullable(),
  createdDateTime: DateTime,
  updatedDateTime: DateTime,
  expirationDateTime: DateTime.nullable(),
  closedDateTime: DateTime.nullable(),
  eTag: z.string().describe('Send it back as If-Match on PATCH.'),
});
export type DealOut = z.infer<typeof DealSchema>;

export const DealListSchema = z.object({
  value: z.array(DealSchema),
  '@odata.nextLink': z.string().optional().describe('The next page (same filters); absent on the last page.'),
});

const LocalizedSchema = z.object({ en: z.string(), ja: z.string() });

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string().describe('Stable code to branch on (the domain refusal codes, or an HTTP-level code).'),
    message: z.string().describe('Readable message, in English unless Accept-Language prefers Japanese.'),
    messages: LocalizedSchema,
    target: z.string().optional().describe('The JSON Patch path or query parameter at fault.'),
    details: z
      .array(z.object({ field: z.string(), code: z.string(), message: LocalizedSchema }))
      .optional()
      .describe('One entry per invalid field.'),
    accepted: z.array(z.string()).optional().describe('UNKNOWN_STAGE: the values this deal accepts.'),
  }),
});
export type ApiError = z.infer<typeof ErrorSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Requests

/** Query parameters; an empty one (`?status=`) counts as absent (the route drops it before parsing). */
const optionalQuery = <T extends z.ZodType>(schema: T) => schema.optional();

export const ListQuerySchema = z
  .object({
    direction: optionalQuery(ReferralDirectionSchema),
    type: optionalQuery(z.enum([...DealTypeSchema.options, ...ReferralTypeSchema.options])).describe(
      'The deal type (solutionAssessment, coSell) — or Partner Center\'s Independent / Shared.',
    ),
    dealType: optionalQuery(DealTypeSchema),
    status: optionalQuery(StatusSchema),
    substatus: optionalQuery(SubstatusSchema),
    stage: optionalQuery(cleanString().max(100)).describe('A stage id or standard name (Secure customer LOE).'),
    location: optionalQuery(cleanString().max(100)),
    updatedSince: optionalQuery(DateTime.refine((v) => parseDateTime(v).ok, { error: 'invalidDateTime' })),
    q: optionalQuery(cleanString().max(200)).describe('Deal name or customer name contains (case-insensitive); % and _ are literal.'),
    $top: optionalQuery(
      z
        .string()
        .regex(/^\d{1,3}$/, { error: 'notANumber' })
        .transform(Number)
        .pipe(z.number().int().min(1).max(100)),
    ).describe('Page size, 1–100 (default 20).'),
    cursor: optionalQuery(cleanString().max(200)).describe('Opaque; take it from @odata.nextLink.'),
  })
  .strict();
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** R9: a team member; Partner Center's firstName/lastName are accepted and joined. */
export const MemberInSchema = z.object({
  name: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string(),
  phoneNumber: z.string(),
});

/** R7: the customer's contact; every detail may be left out or blank (required only when Microsoft help was asked). */
export const ContactInSchema = z.object({
  name: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().nullable().optional(),
  phoneNumber: z.string().nullable().optional(),
});

/** Every path a PATCH may touch, with the value it takes. */
export const PATCH_PATHS = {
  '/name': z.string(),
  '/details/dealValue': z.union([z.number(), z.string()]),
  '/details/currency': z.string(),
  '/details/closingDateTime': z.string().describe('YYYY-MM-DD or an ISO date-time (its date is used).'),
  '/details/notes': z.string().describe('Appended to the note history (nothing is overwritten).'),
  '/externalReferenceId': z.string().nullable(),
  '/crmId': z.string().nullable().describe('Alias of /externalReferenceId.'),
  '/campaignId': z.string().nullable(),
  '/team': z.array(MemberInSchema).describe('Replaces the whole team (add /team/- appends one member).'),
  '/team/-': MemberInSchema,
  '/customerProfile/team': z
    .array(ContactInSchema)
    .max(1)
    .describe("Replaces the customer's contact (R7): one person, or [] to clear it. Kept only with /consent/consentToShareInfoWithOthers."),
  '/consent/consentToShareInfoWithOthers': z.boolean().describe('R7: the customer consented to sharing the contact details with Microsoft.'),
  '/specialistNote': z.string().nullable().describe('R7: the note for the Microsoft specialist (null or "" clears it).'),
  '/salesStage': z
    .union([z.string(), z.number()])
    .describe("A standard stage name, the client's own CRM stage name (case-insensitive), or a percentage (R22)."),
  '/status': StatusSchema,
  '/substatus': SubstatusSchema,
  '/statusReason': CloseReasonSchema.describe('Closed/Lost and Closed/Declined: why.'),
  '/statusMessage': z.string().describe('Closed/Lost and Closed/Declined: an optional message.'),
} as const;
export type PatchPath = keyof typeof PATCH_PATHS;

/** Paths that exist but never change (R8 location, R10 solution) — refused by name, not as unknown. */
export const IMMUTABLE_PATHS = [
  '/id',
  '/number',
  '/location',
  '/direction',
  '/type',
  '/dealType',
  '/customerProfile',
  '/consent',
  '/details/requirements',
  '/inviteContext',
  '/registration',
  '/createdDateTime',
  '/updatedDateTime',
  '/expirationDateTime',
  '/closedDateTime',
  '/eTag',
] as const;

export const PatchOperationSchema = z.object({
  op: z.enum(['replace', 'add']).describe('RFC 6902; like Partner Center, only replace and add.'),
  path: z.string().describe(`One of: ${Object.keys(PATCH_PATHS).join(', ')}.`),
  value: z.unknown(),
});
export const PatchDocumentSchema = z.array(PatchOperationSchema).min(1).max(50);
export type PatchOperation = z.infer<typeof PatchOperationSchema>;

export const RegistrationReviewSchema = z.object({
  outcome: ReviewOutcomeSchema,
  note: z.string().max(1000).optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// DealRecord → wire shape

/** A strong ETag from the deal's version (every change bumps it). */
export const etagOf = (deal: Pick<DealRecord, 'version'>) => `"${deal.version}"`;

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function toPartnerCenter(deal: DealRecord): DealOut {
  const contact = deal.contact;
  const hasContact = !!(contact.name || contact.email || contact.phone);
  return {
    id: deal.id,
    number: deal.number,
    name: deal.name,
    direction: directionOf(deal.direction),
    type: deal.direction === 'inbound' ? 'Shared' : 'Independent',
    dealType: deal.type,
    status: deal.status,
    substatus: deal.substatus,
    statusReason: deal.closeReason,
    statusMessage: deal.closeMessage,
    externalReferenceId: deal.crmId,
    campaignId: deal.campaignId,
    location: deal.locationId,
    customerProfile: {
      name: deal.customer.name,
      address: {
        addressLine1: deal.customer.addressLine1,
        city: deal.customer.city,
        state: deal.customer.state,
        postalCode: deal.customer.postalCode,
        country: deal.customer.country,
      },
      ids: { duns: deal.customer.duns },
      team: hasContact ? [{ name: contact.name ?? '', email: contact.email, phoneNumber: contact.phone }] : [],
    },
    // The contact's consent as it stands (R7; an Edit may change it), with the sender's other flag.
    consent: { ...deal.consent, consentToShareInfoWithOthers: deal.contact.consent },
    details: {
      dealValue: deal.value,
      currency: deal.currency,
      closingDateTime: deal.closeDate,
      notes: deal.latestNote?.text ?? null,
      requirements: {
        solutions: deal.solutions.map((s) => ({ id: s.id, name: s.name })),
        assessmentType: deal.assessmentType,
        assessmentLocation: deal.assessmentLocation,
      },
    },
    specialistNote: deal.specialistNote,
    team: deal.team.map((m) => ({ name: m.name, email: m.email, phoneNumber: m.phone })),
    salesStage: {
      id: deal.stage,
      name: STAGE_LABEL[deal.stage].en,
      percent: stagePercent(deal.stage),
      completed: deal.completions.map((c) => ({
        id: c.stage,
        name: STAGE_LABEL[c.stage].en,
        percent: stagePercent(c.stage),
        completedBy: c.byName,
        completedDateTime: iso(c.at),
      })),
    },
    registration: deal.registration
      ? {
          status: deal.registration.status,
          contractValue: deal.registration.contractValue,
          currency: deal.registration.currency,
          contractSignedDate: deal.registration.contractSignedDate,
          contractStartDate: deal.registration.contractStartDate,
          contractEndDate: deal.registration.contractEndDate,
          deployedOnAzure: deal.registration.deployedOnAzure,
          marketplaceTransaction: deal.registration.marketplaceTransaction,
          notes: deal.registration.notes,
          submittedBy: deal.registration.submittedByName,
          submittedDateTime: iso(deal.registration.submittedAt),
          reviewNote: deal.registration.reviewNote,
          reviewedBy: deal.registration.reviewedByName,
          reviewedDateTime: isoOrNull(deal.registration.reviewedAt),
        }
      : null,
    inviteContext: deal.sender
      ? {
          notes: deal.inviteNotes,
          invitedBy: {
            type: deal.sender.type,
            name: deal.sender.name,
            email: deal.sender.email,
            organizationName: deal.sender.organizationName,
          },
        }
      : null,
    createdDateTime: iso(deal.createdAt),
    updatedDateTime: iso(deal.updatedAt),
    expirationDateTime: isoOrNull(deal.expiresAt),
    closedDateTime: isoOrNull(deal.closedAt),
    eTag: etagOf(deal),
  };
}
