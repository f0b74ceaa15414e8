import type { PrismaClient } from '@prisma/client';
import { EXPIRY, SYSTEM } from '../domain';

/**
 * R17 for many referrals at once. The rule (which deals are due, what they become) is the domain's EXPIRY; this
 * applies it set-wise: one batch is one transaction that claims due rows with FOR UPDATE SKIP LOCKED (so several
 * instances sweeping together never take the same deal), closes them with a version bump, and writes their sender
 * notifications (R28 outbox) and audit events. A referral answered in the meantime is no longer New and is skipped.
 */
export async function expireDueBatch(prisma: PrismaClient, now: Date, limit: number): Promise<string[]> {
  // One statement: claim, close, and write the outbox rows and audit events of the whole batch. The notification
  // payload is the shape senderNotification() builds for a single decline or expiry (tests/store/expiry.test.ts
  // compares the two paths field by field).
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH due AS (
      SELECT id FROM "Deal"
      WHERE status = ${EXPIRY.dueStatus}::"DealStatus" AND "expiresAt" <= ${now}
      ORDER BY "expiresAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), expired AS (
      UPDATE "Deal" AS d
      SET status = ${EXPIRY.expired.status}::"DealStatus", substatus = ${EXPIRY.expired.substatus}::"DealSubstatus",
          "closedAt" = ${now}, "closedById" = NULL, "closedByName" = ${SYSTEM.name},
          version = d.version + 1, "updatedAt" = ${now}
      FROM due
      WHERE d.id = due.id
      RETURNING d.id, d.name, d."senderReferralId", d."senderCallbackUrl", d."expiresAt"
    ), notified AS (
      INSERT INTO "Notification" (id, "dealId", kind, url, status, "nextAttemptAt", payload, "createdAt")
      SELECT gen_random_uuid()::text, e.id, ${EXPIRY.notify}, e."senderCallbackUrl",
        (CASE WHEN e."senderCallbackUrl" IS NULL THEN 'noEndpoint' ELSE 'pending' END)::"NotificationStatus", ${now},
        jsonb_build_object(
          'event', ${'referral.' + EXPIRY.notify}::text, 'referralId', e."senderReferralId", 'dealId', e.id,
          'name', e.name, 'status', ${EXPIRY.expired.status}::text, 'substatus', ${EXPIRY.expired.substatus}::text,
          'reason', NULL, 'message', NULL, 'closedBy', ${SYSTEM.name}::text, 'occurredDateTime', ${now.toISOString()}::text),
        ${now}
      FROM expired e
      ON CONFLICT ("dealId", kind) DO NOTHING
    ), audited AS (
      INSERT INTO "AuditEvent" ("dealId", "actorId", "actorName", type, data, "createdAt")
      SELECT e.id, NULL, ${SYSTEM.name}, ${EXPIRY.event},
        jsonb_build_object('expiresAt', to_char(e."expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), ${now}
      FROM expired e
    )
    SELECT id FROM expired`;
  return rows.map((r) => r.id);
}
