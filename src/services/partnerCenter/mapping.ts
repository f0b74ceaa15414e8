import {
  CLOSE_REASON_LABEL,
  STAGE_LABEL,
  stagePercent,
  type DealRecord,
  type DomainConfig,
  type IncomingReferral,
  type Status,
  type Substatus,
  type SyncedFields,
} from '../../domain';
import { customerIdsOf, targetLocationOf, type PcMember, type PcReferral, type PcReferralCreate, type PcReferralPatch } from './referral';

/**
 * Partner Center's referral ⇄ our deal, in one place (issue 13): the fields both sides keep (`SyncedFields`, the
 * merge's common language), a new incoming referral as our intake's `IncomingReferral`, and our changes as a
 * Referrals API PATCH or POST.
 */

/** The sender key of referrals that came from Partner Center (idempotency: one deal per referral id). */
export const PARTNER_CENTER_SENDER = 'partner-center';

const isoDate = (s: string | null | undefined): string | null => (s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : null);
const dayOf = (s: string | null | undefined): string => isoDate(s)?.slice(0, 10) ?? '';

function statusOf(r: Pick<PcReferral, 'status' | 'substatus'>): { status: Status; substatus: Substatus } {
  const status: Status = r.status === 'None' ? 'New' : r.status;
  switch (r.substatus) {
    case 'Engaged':
      return { status, substatus: 'Accepted' };
    case 'None':
    case 'Error':
      return { status, substatus: status === 'New' ? 'Received' : status === 'Active' ? 'Accepted' : 'Lost' };
    default:
      return { status, substatus: r.substatus };
  }
}

const nameOf = (m: PcMember) => [m.firstName, m.lastName].filter(Boolean).join(' ').trim();

const teamOf = (members: readonly PcMember[] | null | undefined) =>
  (members ?? []).filter((m) => m.email).map((m) => ({ name: nameOf(m) || m.email!, email: m.email!, phone: m.phoneNumber ?? null }));

/**
 * The customer's contact Partner Center gets (customerProfile.team): only with the customer's consent (R7), and only
 * with an email, which Partner Center needs to reach them; a contact without a name goes by its email.
 */
function sharedContactOf(deal: Pick<DealRecord, 'contact'>): SyncedFields['contact'] {
  const c = deal.contact;
  return c.consent && c.email ? { name: c.name ?? c.email, email: c.email, phone: c.phone } : null;
}

/** customerProfile.team as we send it: the shared contact, or nobody. */
const customerTeamOf = (contact: SyncedFields['contact']): PcMember[] => (contact ? [memberOf(contact)] : []);

/** Partner Center's referral in our words; `locationOf` maps its business-profile location to ours. */
export function theirsOf(r: PcReferral, locationOf: (pcLocationId: string) => string | null): SyncedFields {
  const target = targetLocationOf(r);
  return {
    ...statusOf(r),
    name: r.name ?? '',
    value: r.details?.dealValue ?? 0,
    currency: r.details?.currency ?? '',
    closeDate: dayOf(r.details?.closingDateTime),
    expiresAt: isoDate(r.expirationDateTime),
    notes: r.details?.notes ?? '',
    team: teamOf(r.team),
    contact: teamOf(r.customerProfile?.team)[0] ?? null,
    locationId: target ? locationOf(target) : null,
  };
}

/**
 * The notes we show Partner Center: the latest note of the history, and where the deal stands in our sales stages
 * (the Referrals API has no field for them; the Microsoft seller reads them here).
 */
export function notesOf(deal: Pick<DealRecord, 'latestNote' | 'status' | 'stage'>): string {
  const note = deal.latestNote?.text ?? '';
  if (deal.status !== 'Active') return note;
  const label = STAGE_LABEL[deal.stage];
  const line = `Sales stage / 販売ステージ: ${label.en} / ${label.ja} (${stagePercent(deal.stage)}%)`;
  return note ? `${note}\n\n${line}` : line;
}

/** Our deal in the same words. */
export function oursOf(deal: DealRecord): SyncedFields {
  return {
    status: deal.status,
    substatus: deal.substatus,
    name: deal.name,
    value: deal.value,
    currency: deal.currency,
    closeDate: deal.closeDate,
    expiresAt: deal.expiresAt?.toISOString() ?? null,
    notes: notesOf(deal),
    team: deal.team.map((m) => ({ name: m.name, email: m.email, phone: m.phone })),
    contact: sharedContactOf(deal),
    locationId: deal.locationId,
  };
}

function memberOf(m: { name: string; email: string; phone: string | null }): PcMember {
  const [first, ...rest] = m.name.trim().split(/\s+/);
  return { firstName: first ?? m.name, lastName: rest.join(' ') || null, email: m.email, phoneNumber: m.phone };
}

const reasonOf = (deal: Pick<DealRecord, 'closeReason' | 'closeMessage'>): string | null => {
  const reason = deal.closeReason ? CLOSE_REASON_LABEL[deal.closeReason].en : null;
  return [reason, deal.closeMessage].filter(Boolean).join(': ') || null;
};

/** The PATCH for the fields we changed (`pending`), with our values. */
export function patchOf(pending: readonly (keyof SyncedFields)[], ours: SyncedFields, deal: DealRecord): PcReferralPatch {
  const patch: PcReferralPatch = {};
  const has = (k: keyof SyncedFields) => pending.includes(k);
  if ((has('status') || has('substatus')) && ours.status !== 'New') {
    patch.status = ours.status;
    patch.substatus = ours.substatus;
    if (ours.status === 'Closed') patch.statusReason = reasonOf(deal);
  }
  if (has('name')) patch.name = ours.name;
  const details: NonNullable<PcReferralPatch['details']> = {};
  if (has('value')) details.dealValue = ours.value;
  if (has('currency')) details.currency = ours.currency;
  if (has('closeDate')) details.closingDateTime = `${ours.closeDate}T00:00:00Z`;
  if (has('notes')) details.notes = ours.notes;
  if (Object.keys(details).length) patch.details = details;
  if (has('team')) patch.team = ours.team.map(memberOf);
  // Issue 14 §3: a contact changed on Edit (or its consent withdrawn: nobody) replaces the customer's team.
  if (has('contact')) patch.customerProfile = { team: customerTeamOf(ours.contact) };
  return patch;
}

/** A deal made in Teams, as the referral Partner Center creates for it (POST). */
export function createOf(deal: DealRecord, pcLocationId: string | null): PcReferralCreate {
  const c = deal.customer;
  const solutions =
    deal.type === 'solutionAssessment' && deal.assessmentType
      ? [{ id: deal.assessmentType, name: `Solution Assessment: ${deal.assessmentType}` }]
      : deal.solutions.map((s) => ({ id: s.id, name: s.name }));
  return {
    name: deal.name,
    type: 'Independent',
    qualification: 'SalesQualified',
    // Our deal id: a POST whose answer was lost is found again by it instead of creating a second referral.
    externalReferenceId: deal.id,
    campaignId: deal.campaignId,
    status: deal.status === 'Closed' ? 'Closed' : 'Active',
    substatus: deal.status === 'Closed' ? deal.substatus : 'Accepted',
    ...(pcLocationId ? { target: [{ type: 'BusinessProfileLocation', id: pcLocationId }] } : {}),
    customerProfile: {
      name: c.name,
      address: { addressLine1: c.addressLine1, city: c.city, state: c.state, postalCode: c.postalCode, country: c.country },
      team: customerTeamOf(sharedContactOf(deal)),
      ...(c.duns ? { ids: { Duns: c.duns } } : {}),
    },
    consent: {
      consentToShareReferralWithMicrosoftSellers: deal.contact.consent,
      consentToContact: deal.contact.consent,
    },
    details: {
      dealValue: deal.value,
      currency: deal.currency,
      closingDateTime: `${deal.closeDate}T00:00:00Z`,
      notes: notesOf(deal),
      requirements: { solutions },
    },
    team: deal.team.map(memberOf),
  };
}

/** Solution assessment or co-sell: a referral naming one of our assessment types is an assessment (R10). */
function dealTypeOf(r: PcReferral, config: DomainConfig): { dealType: 'solutionAssessment' | 'coSell'; assessmentType?: string } {
  const names = (r.details?.requirements?.solutions ?? []).flatMap((s) => [s.name ?? '', s.id]);
  const lower = names.map((n) => n.toLowerCase());
  const assessment = config.assessmentTypes.find((t) => lower.some((n) => n.includes(t.toLowerCase())));
  return assessment ? { dealType: 'solutionAssessment', assessmentType: assessment } : { dealType: 'coSell' };
}

/** A new incoming referral from Partner Center as our intake takes it (R14), addressed to our `locationId`. */
export function incomingOf(r: PcReferral, locationId: string, base: { theirs: SyncedFields }, config: DomainConfig, fallbackCountry: string): IncomingReferral {
  const type = dealTypeOf(r, config);
  const address = r.customerProfile?.address;
  const contact = r.customerProfile?.team?.[0];
  const consentToShare = r.consent?.consentToToShareInfoWithOthers ?? r.consent?.consentToShareInfoWithOthers ?? false;
  const invitedBy = r.inviteContext?.invitedBy;
  const partner = (invitedBy?.type ?? '').toLowerCase() === 'partner';
  return {
    deal: {
      dealType: type.dealType,
      name: r.name ?? '',
      locationId,
      value: r.details?.dealValue ?? 0,
      currency: r.details?.currency ?? '',
      closeDate: dayOf(r.details?.closingDateTime),
      assessmentType: type.assessmentType,
      solutions: type.dealType === 'coSell' ? (r.details?.requirements?.solutions ?? []).map((s) => ({ id: s.id, name: s.name ?? s.id })) : [],
      createdAt: new Date(r.createdDateTime),
      ...(r.expirationDateTime ? { expiresAt: new Date(r.expirationDateTime) } : {}),
    },
    customer: {
      name: r.customerProfile?.name ?? '',
      addressLine1: address?.addressLine1 ?? null,
      city: address?.city ?? null,
      state: address?.state ?? null,
      postalCode: address?.postalCode ?? null,
      country: address?.country || fallbackCountry,
      duns: customerIdsOf(r).Duns ?? customerIdsOf(r).duns ?? null,
    },
    // R7: the customer's contact is kept only with their consent to share it.
    contact: contact && consentToShare ? { name: nameOf(contact) || null, phone: contact.phoneNumber ?? null, email: contact.email ?? null } : null,
    consent: { consentToShareInfoWithOthers: consentToShare, consentToContact: r.consent?.consentToContact ?? false },
    notes: r.details?.notes || null,
    inviteNotes: r.inviteContext?.notes ?? null,
    sender: {
      key: PARTNER_CENTER_SENDER,
      // Not a REFERRAL_SENDERS account (that name is reserved): no sender token lists these notifications.
      account: PARTNER_CENTER_SENDER,
      referralId: r.id,
      type: partner ? 'partner' : 'microsoft',
      name: invitedBy?.name || invitedBy?.organizationName || 'Microsoft',
      email: invitedBy?.email ?? null,
      organizationId: invitedBy?.organizationId ?? null,
      organizationName: invitedBy?.organizationName ?? null,
      callbackUrl: null,
    },
    partnerCenter: {
      referralId: r.id,
      engagementId: r.engagementId ?? null,
      eTag: r.eTag ?? null,
      updatedAt: new Date(r.updatedDateTime),
      // What we have is what they sent: nothing of ours is waiting yet (their contact is ours only with consent, R7).
      base: { theirs: base.theirs, ours: { ...base.theirs, team: [], contact: consentToShare ? base.theirs.contact : null } },
    },
  };
}
