import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaClient } from '@prisma/client';
import { EXPIRY, SYSTEM } from '../domain';
import { writeJobs, type JobSpec } from './jobs';

/** The follow-up job an expired referral gets when its card is posted somewhere (`{id}` in the key is the deal id). */
export interface ExpiredFollowUp {
  kind: string;
  orderKeyTemplate: string;
}

/**
 * R17 for many referrals at once. The rule (which deals are due, what they become) is the domain's EXPIRY; this
 * applies it set-wise: one batch is one transaction that claims due rows with FOR UPDATE SKIP LOCKED (so several
 * instances sweeping together never take the same deal), closes them with a version bump, and writes their sender
 * notifications (R28 outbox), audit events and — for deals whose card is posted somewhere — the follow-up job that
 * updates those cards. A referral answered in the meantime is no longer New and is skipped.
 */
export async function expireDueBatch(prisma: PrismaClient, now: Date, limit: number, followUp?: ExpiredFollowUp): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>(expireDueStatement(now, limit, followUp));
  return rows.map((r) => r.id);
}

/** The statement of one batch, also for EXPLAIN (bench/sweepOnly.ts). */
export function expireDueStatement(now: Date, limit: number, followUp?: ExpiredFollowUp): Prisma.Sql {
  // One statement: claim, close, and write the outbox rows and audit events of the whole batch. The notification
  // payload is the shape senderNotification() builds for a single decline or expiry (tests/store/expiry.test.ts
  // compares the two paths field by field). The notification ids are random UUIDs made here, paired with the expired
  // rows by position: PostgreSQL's gen_random_uuid() cost ~8 µs a call on the issue 16 machine (~0.8 s a sweep of
  // 100,000), Node's randomUUID() well under 1 µs.
  const ids = Array.from({ length: limit }, () => randomUUID());
  return Prisma.sql`
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
      RETURNING d.id, d.name, d."senderReferralId", d."senderCallbackUrl", d."expiresAt", d.version
    ), numbered AS (
      SELECT e.*, row_number() OVER () AS n FROM expired e
    ), followed AS (
      INSERT INTO "Job" (kind, "dealId", "orderKey", payload)
      SELECT ${followUp?.kind ?? ''}::text, e.id, replace(${followUp?.orderKeyTemplate ?? ''}::text, '{id}', e.id), jsonb_build_object('version', e.version)
      FROM expired e
      WHERE ${!!followUp}::boolean AND EXISTS (SELECT 1 FROM "CardPost" AS c WHERE c."dealId" = e.id)
    ), notified AS (
      INSERT INTO "Notification" (id, "dealId", kind, url, status, "nextAttemptAt", payload, "createdAt")
      SELECT u.id, e.id, ${EXPIRY.notify}, e."senderCallbackUrl",
        (CASE WHEN e."senderCallbackUrl" IS NULL THEN 'noEndpoint' ELSE 'pending' END)::"NotificationStatus", ${now},
        jsonb_build_object(
          'event', ${'referral.' + EXPIRY.notify}::text, 'referralId', e."senderReferralId", 'dealId', e.id,
          'name', e.name, 'status', ${EXPIRY.expired.status}::text, 'substatus', ${EXPIRY.expired.substatus}::text,
          'reason', NULL, 'message', NULL, 'closedBy', ${SYSTEM.name}::text, 'occurredDateTime', ${now.toISOString()}::text),
        ${now}
      FROM numbered e JOIN unnest(${ids}::text[]) WITH ORDINALITY AS u(id, n) ON u.n = e.n
      ON CONFLICT ("dealId", kind) DO NOTHING
    ), audited AS (
      INSERT INTO "AuditEvent" ("dealId", "actorId", "actorName", type, data, "createdAt")
      SELECT e.id, NULL, ${SYSTEM.name}, ${EXPIRY.event},
        jsonb_build_object('expiresAt', to_char(e."expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), ${now}
      FROM expired e
    )
    SELECT id FROM expired`;
}

/**
 * R17's reminders: open referrals whose reminder days have come, and the claim of one reminder (a conditional update
 * of `remindersSent`, in one transaction with the job that posts it, so each reminder is posted once).
 */
export class ExpiryStore {
  constructor(private readonly prisma: PrismaClient) {}

  expireDue(now: Date, limit: number, followUp: ExpiredFollowUp): Promise<string[]> {
    return expireDueBatch(this.prisma, now, limit, followUp);
  }

  /** New referrals expiring after `now` and by `horizon`, soonest first. */
  async open(now: Date, horizon: Date): Promise<{ id: string; expiresAt: Date; remindersSent: number[] }[]> {
    const rows = await this.prisma.deal.findMany({
      where: { status: EXPIRY.dueStatus, expiresAt: { gt: now, lte: horizon } },
      select: { id: true, expiresAt: true, remindersSent: true },
      orderBy: { expiresAt: 'asc' },
    });
    return rows.map((r) => ({ id: r.id, expiresAt: r.expiresAt as Date, remindersSent: r.remindersSent }));
  }

  /** Marks the reminders `days` as sent unless `daysBefore` already was, writing `job` with it. False when taken. */
  async claimReminder(dealId: string, daysBefore: number, days: number[], job: JobSpec): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const claimed = await tx.deal.updateMany({
        where: { id: dealId, status: EXPIRY.dueStatus, NOT: { remindersSent: { has: daysBefore } } },
        data: { remindersSent: { push: days } },
      });
      if (claimed.count !== 1) return false;
      await writeJobs(tx, [job]);
      return true;
    });
  }
}
