import { Prisma, type PrismaClient } from '@prisma/client';
import { EXPIRY, SYSTEM } from '../domain';
import { senderNotification } from './dealStore';

/**
 * R17 for many referrals at once. The rule (which deals are due, what they become) is the domain's EXPIRY; this
 * applies it set-wise: one batch is one transaction that claims due rows with FOR UPDATE SKIP LOCKED (so several
 * instances sweeping together never take the same deal), closes them with a version bump, and writes their sender
 * notifications (R28 outbox) and audit events. A referral answered in the meantime is no longer New and is skipped.
 */
interface ExpiredRow {
  id: string;
  name: string;
  senderReferralId: string | null;
  senderCallbackUrl: string | null;
  expiresAt: Date;
}

export async function expireDueBatch(prisma: PrismaClient, now: Date, limit: number): Promise<string[]> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<ExpiredRow[]>`
      UPDATE "Deal" AS d
      SET status = ${EXPIRY.expired.status}::"DealStatus", substatus = ${EXPIRY.expired.substatus}::"DealSubstatus",
          "closedAt" = ${now}, "closedById" = NULL, "closedByName" = ${SYSTEM.name},
          version = d.version + 1, "updatedAt" = ${now}
      FROM (
        SELECT id FROM "Deal"
        WHERE status = ${EXPIRY.dueStatus}::"DealStatus" AND "expiresAt" <= ${now}
        ORDER BY "expiresAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ) AS due
      WHERE d.id = due.id
      RETURNING d.id, d.name, d."senderReferralId", d."senderCallbackUrl", d."expiresAt"`;
    if (!rows.length) return [];
    await tx.notification.createMany({
      data: rows.map((r) => ({
        dealId: r.id,
        kind: EXPIRY.notify,
        url: r.senderCallbackUrl,
        status: r.senderCallbackUrl ? ('pending' as const) : ('noEndpoint' as const),
        nextAttemptAt: now,
        payload: senderNotification(
          r,
          { name: r.name, ...EXPIRY.expired, closeReason: null, closeMessage: null, closedByName: SYSTEM.name },
          EXPIRY.notify,
          now,
        ) as Prisma.InputJsonValue,
      })),
      skipDuplicates: true,
    });
    await tx.auditEvent.createMany({
      data: rows.map((r) => ({
        dealId: r.id,
        actorId: null,
        actorName: SYSTEM.name,
        type: EXPIRY.event,
        data: { expiresAt: r.expiresAt.toISOString() },
        createdAt: now,
      })),
    });
    return rows.map((r) => r.id);
  });
}
