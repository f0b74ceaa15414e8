import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '@prisma/client';
import {
  fail,
  fieldError,
  ok,
  receiveReferral,
  refuse,
  type CommandOutcome,
  type Context,
  type DealRecord,
  type DealState,
  type DomainEvent,
  type IncomingReferral,
  type Result,
} from '../../domain';
import { upsertCustomers } from '../customers';
import { bulkInsert } from '../bulkInsert';
import { jobRows, type JobSpec } from '../jobs';
import { newDealColumns, recordInclude, toRecord } from './mapping';
import { syncColumns } from './sync';

/**
 * R14 for many referrals at once: a page of Partner Center's poll (issue 13) is received in one transaction with one
 * statement per table — locations, customers, deals, notes, audit events, announce jobs — instead of ten statements
 * per referral. Each referral's outcome is the one `DealRepository.receive` would give it: refused when the domain
 * refuses it or its location is unknown, `created: false` (nothing written) when the sender's referral id is stored
 * already, else stored New / Received with its follow-up jobs.
 */

export type Received = { deal: DealRecord; created: boolean };

const noEffects = () => ({ newNotes: [], completion: null, teamChanged: false, registrationChanged: false, notifySender: null });

/** The deal row of an incoming referral (notes apart: they are rows of their own). */
export function referralColumns(referral: IncomingReferral, deal: DealState, customerId: string, now: Date) {
  return {
    ...newDealColumns(deal),
    customerId,
    contactName: referral.contact?.name ?? null,
    contactPhone: referral.contact?.phone ?? null,
    contactEmail: referral.contact?.email ?? null,
    contactConsent: referral.consent.consentToShareInfoWithOthers,
    consentToShareInfoWithOthers: referral.consent.consentToShareInfoWithOthers,
    consentToContact: referral.consent.consentToContact,
    senderType: referral.sender.type,
    senderName: referral.sender.name,
    senderEmail: referral.sender.email ?? null,
    senderOrgId: referral.sender.organizationId ?? null,
    senderOrgName: referral.sender.organizationName ?? null,
    senderKey: referral.sender.key,
    senderReferralId: referral.sender.referralId,
    senderCallbackUrl: referral.sender.callbackUrl ?? null,
    senderAccount: referral.sender.account,
    inviteNotes: referral.inviteNotes ?? null,
    ...(referral.partnerCenter ? syncColumns({ link: referral.partnerCenter, state: 'synced' }) : {}),
    createdAt: referral.deal.createdAt,
    receivedAt: now,
    updatedAt: now,
  } satisfies Prisma.DealUncheckedCreateInput;
}

const keyOf = (r: { senderKey: string | null; senderReferralId: string | null }) => `${r.senderKey}\u0000${r.senderReferralId}`;

/** The stored deals of these senders' referral ids, by sender key + referral id (one statement per sender key). */
async function storedOf(db: Prisma.TransactionClient | PrismaClient, referrals: readonly IncomingReferral[]): Promise<Map<string, DealRecord>> {
  const bySender = new Map<string, string[]>();
  for (const r of referrals) bySender.set(r.sender.key, [...(bySender.get(r.sender.key) ?? []), r.sender.referralId]);
  if (!bySender.size) return new Map();
  // Usually none is stored (a poll's page of new referrals): the full records are read only for those that are.
  const ids = await db.deal.findMany({
    where: { OR: [...bySender].map(([senderKey, ids]) => ({ senderKey, senderReferralId: { in: ids } })) },
    select: { id: true },
  });
  const rows = ids.length ? await db.deal.findMany({ where: { id: { in: ids.map((r) => r.id) } }, include: recordInclude }) : [];
  return new Map(rows.map((row) => [keyOf(row), toRecord(row)]));
}

export async function receiveMany(
  prisma: PrismaClient,
  referrals: readonly IncomingReferral[],
  ctx: Context,
  followUps: (outcome: CommandOutcome) => JobSpec[] = () => [],
): Promise<Result<Received>[]> {
  const results: (Result<Received> | undefined)[] = new Array(referrals.length);
  const decided = referrals.map((r) => receiveReferral(r.deal, ctx));
  decided.forEach((d, i) => {
    if (!d.ok) results[i] = d;
  });
  const stored = await storedOf(prisma, referrals.filter((_, i) => decided[i]!.ok));
  // A page may carry the same referral twice: the first is the one received.
  const taken = new Set<string>();
  const fresh: { i: number; referral: IncomingReferral; deal: DealState; events: DomainEvent[] }[] = [];
  referrals.forEach((referral, i) => {
    const d = decided[i]!;
    if (!d.ok) return;
    const key = keyOf({ senderKey: referral.sender.key, senderReferralId: referral.sender.referralId });
    const known = stored.get(key);
    if (known || taken.has(key)) {
      if (known) results[i] = ok({ deal: known, created: false });
      return;
    }
    taken.add(key);
    fresh.push({ i, referral, deal: d.value.deal, events: d.value.events });
  });

  if (fresh.length) {
    await prisma.$transaction(async (tx) => {
      const locations = new Set(
        (await tx.location.findMany({ where: { id: { in: [...new Set(fresh.map((f) => f.deal.locationId))] } }, select: { id: true } })).map((l) => l.id),
      );
      const writable = fresh.filter((f) => locations.has(f.deal.locationId));
      if (!writable.length) return;
      const customerIds = await upsertCustomers(tx, writable.map((f) => f.referral.customer));
      // ON CONFLICT DO NOTHING on (sender, referral id): a referral another instance stored meanwhile is not repeated.
      const rows = (await bulkInsert(
        tx,
        'Deal',
        writable.map((f, n) => ({ id: randomUUID(), ...referralColumns(f.referral, f.deal, customerIds[n]!, ctx.now) })),
        { skipConflicts: true, returning: ['id', 'senderKey', 'senderReferralId'] },
      )) as { id: string; senderKey: string; senderReferralId: string }[];
      const idOf = new Map(rows.map((r) => [keyOf(r), r.id]));
      const mine = writable.flatMap((f) => {
        const id = idOf.get(keyOf({ senderKey: f.referral.sender.key, senderReferralId: f.referral.sender.referralId }));
        return id ? [{ ...f, id }] : [];
      });
      await bulkInsert(
        tx,
        'DealNote',
        mine.filter((f) => f.referral.notes).map((f) => ({ id: randomUUID(), dealId: f.id, text: f.referral.notes, authorName: f.referral.sender.name, createdAt: ctx.now })),
      );
      await bulkInsert(
        tx,
        'AuditEvent',
        mine.flatMap((f) => f.events.map((e) => ({ dealId: f.id, actorId: null, actorName: f.referral.sender.name, type: e.type, data: e.data, createdAt: ctx.now }))),
      );
      const records = new Map((await tx.deal.findMany({ where: { id: { in: mine.map((f) => f.id) } }, include: recordInclude })).map((row) => [row.id, toRecord(row)]));
      const jobs: JobSpec[] = [];
      for (const f of mine) {
        const deal = records.get(f.id)!;
        jobs.push(...followUps({ deal, events: f.events, effects: noEffects() }));
        results[f.i] = ok({ deal, created: true });
      }
      await bulkInsert(tx, 'Job', jobRows(jobs));
    });
    // Stored by another instance between our read and our insert: theirs is the one. Unknown location: refused.
    const lost = fresh.filter((f) => !results[f.i]);
    const again = lost.length ? await storedOf(prisma, lost.map((f) => f.referral)) : new Map<string, DealRecord>();
    for (const f of lost) {
      const deal = again.get(keyOf({ senderKey: f.referral.sender.key, senderReferralId: f.referral.sender.referralId }));
      results[f.i] = deal ? ok({ deal, created: false }) : fail(refuse('INVALID_INPUT', {}, [fieldError('locationId', 'invalidChoice')]));
    }
  }
  return results.map((r) => r!);
}
