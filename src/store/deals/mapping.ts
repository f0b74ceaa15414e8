import type { Prisma } from '@prisma/client';
import type { CloseReason, DealRecord, DealState, NoteEntry, RegistrationState, Solution, SyncNotice, SyncState } from '../../domain';
import { defaultZoneFor } from '../../domain';

/** Row ⇄ domain-state mapping for deals. The only place that knows both shapes. */

export const dealInclude = {
  team: { orderBy: { position: 'asc' } },
  completions: { orderBy: { completedAt: 'asc' } },
  registration: true,
} as const satisfies Prisma.DealInclude;

export type DealRow = Prisma.DealGetPayload<{ include: typeof dealInclude }>;

/** What a deal card or an API answer needs, in one read: the state, the customer, the location's name, the latest note. */
export const recordInclude = {
  ...dealInclude,
  customer: true,
  location: { select: { name: true, country: true, timeZone: true } },
  notes: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1 },
} as const satisfies Prisma.DealInclude;
export type RecordRow = Prisma.DealGetPayload<{ include: typeof recordInclude }>;

export const toDateOnly = (d: Date): string => d.toISOString().slice(0, 10);
export const fromDateOnly = (s: string): Date => new Date(`${s}T00:00:00.000Z`);

export function toDealState(row: DealRow): DealState {
  return {
    id: row.id,
    direction: row.direction,
    type: row.type,
    status: row.status,
    substatus: row.substatus,
    stage: row.stage,
    name: row.name,
    value: Number(row.value),
    currency: row.currency,
    closeDate: toDateOnly(row.closeDate),
    crmId: row.crmId,
    campaignId: row.campaignId,
    locationId: row.locationId,
    assessmentType: row.assessmentType,
    assessmentLocation: row.assessmentLocation,
    solutions: Array.isArray(row.solutions) ? (row.solutions as unknown as Solution[]) : [],
    contact: { name: row.contactName, phone: row.contactPhone, email: row.contactEmail, consent: row.contactConsent, askMicrosoftHelp: row.askMicrosoftHelp },
    specialistNote: row.specialistNote,
    team: row.team.map((m) => ({ name: m.name, email: m.email, phone: m.phone, userId: m.userId })),
    completions: row.completions.map((c) => ({
      stage: c.stage,
      byId: c.completedById,
      byName: c.completedByName,
      at: c.completedAt,
    })),
    registration: row.registration ? toRegistrationState(row.registration) : null,
    createdById: row.createdById,
    acceptedById: row.acceptedById,
    acceptedByName: row.acceptedByName,
    closedById: row.closedById,
    closedByName: row.closedByName,
    expiresAt: row.expiresAt,
    closedAt: row.closedAt,
    closeReason: row.closeReason as CloseReason | null,
    closeMessage: row.closeMessage,
    version: row.version,
  };
}

function toRegistrationState(r: NonNullable<DealRow['registration']>): RegistrationState {
  return {
    status: r.status,
    contractValue: Number(r.contractValue),
    currency: r.currency,
    contractSignedDate: toDateOnly(r.contractSignedDate),
    contractStartDate: toDateOnly(r.contractStartDate),
    contractEndDate: toDateOnly(r.contractEndDate),
    deployedOnAzure: r.deployedOnAzure,
    marketplaceTransaction: r.marketplaceTransaction,
    notes: r.notes,
    submittedById: r.submittedById,
    submittedByName: r.submittedByName,
    submittedAt: r.submittedAt,
    reviewNote: r.reviewNote,
    reviewedByName: r.reviewedByName,
    reviewedAt: r.reviewedAt,
  };
}

/** The columns the decided state holds that commands may change (everything else is fixed at creation). */
function stateColumns(deal: DealState) {
  return {
    status: deal.status,
    substatus: deal.substatus,
    stage: deal.stage,
    name: deal.name,
    value: deal.value,
    currency: deal.currency,
    closeDate: fromDateOnly(deal.closeDate),
    crmId: deal.crmId,
    campaignId: deal.campaignId,
    contactName: deal.contact.name,
    contactPhone: deal.contact.phone,
    contactEmail: deal.contact.email,
    contactConsent: deal.contact.consent,
    specialistNote: deal.specialistNote,
    acceptedById: deal.acceptedById,
    acceptedByName: deal.acceptedByName,
    closedById: deal.closedById,
    closedByName: deal.closedByName,
    closedAt: deal.closedAt,
    closeReason: deal.closeReason,
    closeMessage: deal.closeMessage,
    expiresAt: deal.expiresAt,
    version: deal.version,
  };
}

/** What a command writes to the deal's own row. */
export function mutableColumns(deal: DealState, now: Date): Prisma.DealUncheckedUpdateManyInput {
  return { ...stateColumns(deal), updatedAt: now };
}

/** The columns of a new deal that come from its decided state (creation and intake add their own). */
export function newDealColumns(deal: DealState) {
  return {
    ...stateColumns(deal),
    direction: deal.direction,
    type: deal.type,
    locationId: deal.locationId,
    assessmentType: deal.assessmentType,
    assessmentLocation: deal.assessmentLocation,
    solutions: deal.solutions as unknown as Prisma.InputJsonValue,
    askMicrosoftHelp: deal.contact.askMicrosoftHelp,
    createdById: deal.createdById,
  } satisfies Partial<Prisma.DealUncheckedCreateInput>;
}

export function registrationColumns(r: RegistrationState) {
  return {
    status: r.status,
    contractValue: r.contractValue,
    currency: r.currency,
    contractSignedDate: fromDateOnly(r.contractSignedDate),
    contractStartDate: fromDateOnly(r.contractStartDate),
    contractEndDate: fromDateOnly(r.contractEndDate),
    deployedOnAzure: r.deployedOnAzure,
    marketplaceTransaction: r.marketplaceTransaction,
    notes: r.notes,
    submittedById: r.submittedById,
    submittedByName: r.submittedByName,
    submittedAt: r.submittedAt,
    reviewNote: r.reviewNote,
    reviewedByName: r.reviewedByName,
    reviewedAt: r.reviewedAt,
  };
}

export function toNoteEntry(n: { id: string; text: string; authorId: string | null; authorName: string; createdAt: Date }): NoteEntry {
  return { id: n.id, text: n.text, authorId: n.authorId, authorName: n.authorName, createdAt: n.createdAt };
}

export function toRecord(row: RecordRow): DealRecord {
  const latest = row.notes[0];
  return {
    ...toDealState(row),
    number: row.number,
    locationName: row.location.name,
    locationTimeZone: row.location.timeZone ?? defaultZoneFor(row.location.country),
    customer: {
      id: row.customer.id,
      name: row.customer.name,
      addressLine1: row.customer.addressLine1,
      city: row.customer.city,
      state: row.customer.state,
      postalCode: row.customer.postalCode,
      country: row.customer.country,
      duns: row.customer.duns,
    },
    consent: { consentToShareInfoWithOthers: row.consentToShareInfoWithOthers, consentToContact: row.consentToContact },
    sender:
      row.direction === 'inbound'
        ? {
            type: row.senderType,
            name: row.senderName,
            email: row.senderEmail,
            organizationName: row.senderOrgName,
            referralId: row.senderReferralId,
            callbackUrl: row.senderCallbackUrl,
          }
        : null,
    inviteNotes: row.inviteNotes,
    latestNote: latest ? toNoteEntry(latest) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    receivedAt: row.receivedAt,
    remindersSent: row.remindersSent,
    partnerCenter:
      row.pcReferralId || row.pcState
        ? {
            referralId: row.pcReferralId,
            engagementId: row.pcEngagementId,
            state: (row.pcState as SyncState | null) ?? null,
            notice: (row.pcNotice as unknown as SyncNotice | null) ?? null,
          }
        : null,
  };
}
