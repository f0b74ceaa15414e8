import { z } from 'zod';

/**
 * A Partner Center Referral (public Referrals API v1.0, `https://api.partner.microsoft.com/v1.0/engagements/referrals`)
 * as Microsoft documents it ("Referral resources") and as real responses look.
 *
 * The schema is deliberately lenient about what Partner Center sends: every object passes unknown fields through
 * (Partner Center adds fields without notice: `organizationId`, `links`, `trackingInfo`, `salesStage`, …), most
 * fields may be `null` or missing, and the few enumerations the sync branches on are closed lists taken from the
 * documentation (`status`, `substatus`). A referral that fails this schema is a real protocol change, not noise.
 *
 * Our own deals API has its own wire shape in `src/http/partnerCenterShape.ts`; this one is theirs.
 */

/** ISO 8601 date-time as Partner Center writes it (7 fractional digits, `Z`; some sample fields have no zone). */
const PcDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'is not a date-time' });
const text = z.string().nullish();
const flag = z.boolean().nullish();
/** Partner Center's own samples send dealValue as "10000" in a PATCH; responses carry a number. Both read as number. */
const amount = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

/** ReferralStatus. `None` is documented as a value (unset); the sync treats it as unknown. */
export const PcStatusSchema = z.enum(['None', 'New', 'Active', 'Closed']);
export type PcStatus = z.infer<typeof PcStatusSchema>;

/**
 * ReferralSubstatus: the documented values (Pending, Received, Accepted, Won, Lost, Declined, Expired, None) plus the
 * newer `Engaged` (co-sell with Microsoft engaged) and `Error` the API returns today.
 */
export const PcSubstatusSchema = z.enum(['None', 'Pending', 'Received', 'Accepted', 'Engaged', 'Declined', 'Lost', 'Won', 'Expired', 'Error']);
export type PcSubstatus = z.infer<typeof PcSubstatusSchema>;

/**
 * "Status & Substatus transition states" from Microsoft's referral resources page: which substatuses belong to
 * which status, and which status a referral in a given status may move to. The sandbox enforces it on PATCH; the
 * sync can use it to build only changes Partner Center accepts.
 */
export const PC_SUBSTATUSES_OF: Readonly<Record<Exclude<PcStatus, 'None'>, readonly PcSubstatus[]>> = {
  New: ['Pending', 'Received'],
  Active: ['Accepted', 'Engaged'],
  Closed: ['Won', 'Lost', 'Declined', 'Expired'],
};
export const PC_STATUS_TRANSITIONS: Readonly<Record<Exclude<PcStatus, 'None'>, readonly PcStatus[]>> = {
  New: ['New', 'Active', 'Closed'],
  Active: ['Active', 'Closed'],
  Closed: ['Closed'],
};

/** ReferralType: documented values; anything newer reads as its string. */
export const PcReferralTypeSchema = z.union([z.enum(['Independent', 'Shared']), z.string()]);
/** ReferralQualification: None, Direct, MarketingQualified, SalesQualified (newer values read as their string). */
export const PcQualificationSchema = z.union([z.enum(['None', 'Direct', 'MarketingQualified', 'SalesQualified']), z.string()]);

/** Member: a person on the partner's team or the customer's. */
export const PcMemberSchema = z
  .object({
    firstName: text,
    lastName: text,
    email: text,
    phoneNumber: text,
    title: text,
    contactPreference: z.object({ locale: text, disableNotifications: flag }).loose().nullish(),
  })
  .loose();
export type PcMember = z.infer<typeof PcMemberSchema>;

export const PcAddressSchema = z
  .object({
    addressLine1: text,
    addressLine2: text,
    city: text,
    state: text,
    postalCode: text,
    /** ISO country code. */
    country: text,
    region: text,
  })
  .loose();

/**
 * CustomerProfile.ids. The documentation describes an object (`{ Duns, External }`, and CRM connectors write
 * `CRMID`); the API returns a list of `{ profileType, id }`. Both are read; `customerIdsOf` gives one map.
 */
export const PcCustomerIdsSchema = z.union([
  z.array(z.object({ profileType: z.string(), id: text }).loose()),
  z.record(z.string(), z.string().nullable()),
]);

export const PcCustomerProfileSchema = z
  .object({
    id: text,
    name: text,
    address: PcAddressSchema.nullish(),
    size: text,
    team: z.array(PcMemberSchema).nullish(),
    ids: PcCustomerIdsSchema.nullish(),
  })
  .loose();

export const PcConsentSchema = z
  .object({
    /** Spelled with the double "To" by Partner Center. */
    consentToToShareInfoWithOthers: flag,
    consentToShareInfoWithOthers: flag,
    consentToContact: flag,
    consentToShareReferralWithMicrosoftSellers: flag,
    consentToMicrosoftToContactSpecificPartners: flag,
  })
  .loose();

const PcTagSchema = z.object({ id: z.string() }).loose();

export const PcSolutionSchema = z
  .object({
    id: z.string(),
    name: text,
    /** SolutionType (None, Category, Name) — the API calls it `type` in responses, `solutionType` in the docs. */
    type: text,
    solutionType: text,
    price: amount.nullish(),
    quantity: z.number().nullish(),
    currency: text,
    publisherName: text,
    closingDateTime: PcDateTime.nullish(),
  })
  .loose();

export const PcRequirementsSchema = z
  .object({
    industries: z.array(PcTagSchema).nullish(),
    products: z.array(PcTagSchema).nullish(),
    services: z.array(PcTagSchema).nullish(),
    solutions: z.array(PcSolutionSchema).nullish(),
    offers: z.array(z.unknown()).nullish(),
    salesPlays: z.array(z.unknown()).nullish(),
    additionalRequirements: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export const PcDetailsSchema = z
  .object({
    notes: text,
    dealValue: amount.nullish(),
    /** ISO 4217 */
    currency: text,
    closingDateTime: PcDateTime.nullish(),
    customerRequestedContact: flag,
    requirements: PcRequirementsSchema.nullish(),
  })
  .loose();

export const PcInviteContextSchema = z
  .object({
    notes: text,
    assistanceRequestCode: text,
    invitedMpnId: text,
    invitedBy: z
      .object({ name: text, email: text, organizationId: text, organizationName: text, type: text })
      .loose()
      .nullish(),
  })
  .loose();

/** ReferralTarget: `BusinessProfileLocation` (a location of the partner's business profile) or `SolutionProfile`. */
export const PcTargetSchema = z.object({ type: z.string(), id: z.string() }).loose();

export const PcReferralSchema = z
  .object({
    id: z.string().min(1),
    engagementId: text,
    name: text,
    status: PcStatusSchema,
    substatus: PcSubstatusSchema,
    /** A descriptive message about the status, e.g. why it was lost or declined. */
    statusReason: text,
    type: PcReferralTypeSchema.nullish(),
    qualification: PcQualificationSchema.nullish(),
    /** Incoming (received) or Outgoing (created by the partner). */
    direction: text,
    /** Partner Center's sales stage; real responses carry a percentage as a string ("100"). */
    salesStage: z.union([z.string(), z.number()]).nullish(),
    target: z.array(PcTargetSchema).nullish(),
    customerProfile: PcCustomerProfileSchema.nullish(),
    consent: PcConsentSchema.nullish(),
    details: PcDetailsSchema.nullish(),
    team: z.array(PcMemberSchema).nullish(),
    inviteContext: PcInviteContextSchema.nullish(),
    externalReferenceId: text,
    campaignId: text,
    expirationDateTime: PcDateTime.nullish(),
    createdDateTime: PcDateTime,
    updatedDateTime: PcDateTime,
    acceptedDateTime: PcDateTime.nullish(),
    closedDateTime: PcDateTime.nullish(),
    /** Concurrency token: send it back as If-Match. Some responses carry it only as the ETag header (the client fills it in). */
    eTag: text,
    registrationStatus: text,
    registrations: z.array(z.record(z.string(), z.unknown())).nullish(),
  })
  .loose();

export type PcReferral = z.infer<typeof PcReferralSchema>;

/** A page of the list operation. */
export const PcReferralPageSchema = z
  .object({
    value: z.array(z.unknown()),
    '@odata.nextLink': z.string().nullish(),
  })
  .loose();

/**
 * What the sync sends when it creates a referral (POST): a deal created in Teams. Partner Center assigns id,
 * engagementId, status/substatus (Active/Accepted for an outgoing deal), dates and eTag.
 */
export const PcReferralCreateSchema = z
  .object({
    name: z.string().min(1),
    type: PcReferralTypeSchema.optional(),
    qualification: PcQualificationSchema.optional(),
    externalReferenceId: z.string().nullish(),
    campaignId: z.string().nullish(),
    status: PcStatusSchema.optional(),
    substatus: PcSubstatusSchema.optional(),
    target: z.array(PcTargetSchema).optional(),
    customerProfile: PcCustomerProfileSchema,
    consent: PcConsentSchema.optional(),
    details: PcDetailsSchema,
    team: z.array(PcMemberSchema).optional(),
    inviteContext: PcInviteContextSchema.optional(),
  })
  .loose();
export type PcReferralCreate = z.input<typeof PcReferralCreateSchema>;

/**
 * The subset of a referral the sync changes with PATCH. Microsoft's "Update a referral" takes a JSON Patch document
 * (RFC 6902) and supports only `replace` and `add`; the documented examples replace `/status`, `/substatus`,
 * `/details/dealValue`, `/details/notes` and add to `/team/-`. `toJsonPatch` turns this object into those
 * operations (one `replace` per field given, `add /team/-` per member in `teamAdd`); a field left out is not touched.
 * status and substatus must pair as in PC_SUBSTATUSES_OF.
 */
export const PcReferralPatchSchema = z
  .object({
    status: PcStatusSchema.exclude(['None']),
    substatus: PcSubstatusSchema.exclude(['None']),
    statusReason: z.string().nullable(),
    name: z.string().min(1),
    externalReferenceId: z.string().nullable(),
    details: z
      .object({
        dealValue: z.number().nonnegative(),
        currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
        closingDateTime: PcDateTime,
        notes: z.string().nullable(),
      })
      .partial()
      .strict(),
    /** Replaces the whole partner team. */
    team: z.array(PcMemberSchema),
    /** Adds members to the partner team (`add /team/-`, Microsoft's documented form). */
    teamAdd: z.array(PcMemberSchema),
    customerProfile: z.object({ team: z.array(PcMemberSchema) }).partial().strict(),
  })
  .partial()
  .strict()
  .superRefine((p, ctx) => {
    if (p.substatus && !p.status) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'substatus needs its status' });
    } else if (p.status && p.substatus && !PC_SUBSTATUSES_OF[p.status].includes(p.substatus)) {
      ctx.addIssue({ code: 'custom', path: ['substatus'], message: `${p.substatus} is not a substatus of ${p.status}` });
    }
  });
export type PcReferralPatch = z.infer<typeof PcReferralPatchSchema>;

export interface JsonPatchOperation {
  op: 'replace' | 'add';
  path: string;
  value: unknown;
}

/** The JSON Patch document for a PcReferralPatch, in a stable order (status before substatus, as Microsoft's sample). */
export function toJsonPatch(patch: PcReferralPatch): JsonPatchOperation[] {
  const p = PcReferralPatchSchema.parse(patch);
  const ops: JsonPatchOperation[] = [];
  const replace = (path: string, value: unknown) => {
    if (value !== undefined) ops.push({ op: 'replace', path, value });
  };
  replace('/name', p.name);
  replace('/externalReferenceId', p.externalReferenceId);
  replace('/status', p.status);
  replace('/substatus', p.substatus);
  replace('/statusReason', p.statusReason);
  if (p.details) {
    replace('/details/dealValue', p.details.dealValue);
    replace('/details/currency', p.details.currency);
    replace('/details/closingDateTime', p.details.closingDateTime);
    replace('/details/notes', p.details.notes);
  }
  replace('/team', p.team);
  for (const member of p.teamAdd ?? []) ops.push({ op: 'add', path: '/team/-', value: member });
  replace('/customerProfile/team', p.customerProfile?.team);
  return ops;
}

/** CustomerProfile.ids as one map, whichever of its two shapes Partner Center sent (`{ Duns: '…', External: '…' }`). */
export function customerIdsOf(referral: Pick<PcReferral, 'customerProfile'>): Record<string, string> {
  const ids = referral.customerProfile?.ids;
  const out: Record<string, string> = {};
  if (!ids) return out;
  if (Array.isArray(ids)) {
    for (const entry of ids) if (entry.id) out[entry.profileType] = entry.id;
  } else {
    for (const [k, v] of Object.entries(ids)) if (v) out[k] = v;
  }
  return out;
}

/**
 * The Partner Center business-profile location a referral is addressed to (its `BusinessProfileLocation` target),
 * or null when it has none.
 */
export function targetLocationOf(referral: Pick<PcReferral, 'target'>): string | null {
  return referral.target?.find((t) => t.type === 'BusinessProfileLocation')?.id ?? null;
}
