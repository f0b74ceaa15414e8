-- Issue 16, the expiry sweep: every expired referral is a non-HOT update of its Deal row (status, closedAt and
-- updatedAt are indexed), so it writes an entry into each index the new row belongs in: 15 of them before this.
-- Indexes no query reads go; those whose queries only ever look for rows that have a value become partial, so rows
-- without it are not written into them. BENCHMARKS.md ("Expiry sweep") lists the query that reads each kept index.
-- Prisma 6 cannot declare a partial index: schema.prisma keeps the same names and columns, with a note.

-- No query reads deals by creation time (lists page by number); no query reads deals by customer, and customers are
-- never deleted (the only other reader would be the foreign key's check on delete).
DROP INDEX "Deal_createdAt_id_idx";
DROP INDEX "Deal_customerId_idx";

-- The due scan of the sweep, R17's reminders and the digest's waiting referrals all ask for status 'New': an expired
-- (or accepted, declined) referral leaves this index instead of getting a new entry in it.
DROP INDEX "Deal_status_expiresAt_idx";
CREATE INDEX "Deal_new_expiresAt_idx" ON "Deal"("expiresAt") WHERE "status" = 'New';

-- Looked up only by a value (a Partner Center referral id or state, a sender, a time in the insights window).
DROP INDEX "Deal_pcReferralId_key";
CREATE UNIQUE INDEX "Deal_pcReferralId_key" ON "Deal"("pcReferralId") WHERE "pcReferralId" IS NOT NULL;
DROP INDEX "Deal_pcState_idx";
CREATE INDEX "Deal_pcState_idx" ON "Deal"("pcState") WHERE "pcState" IS NOT NULL;
DROP INDEX "Deal_senderAccount_idx";
CREATE INDEX "Deal_senderAccount_idx" ON "Deal"("senderAccount") WHERE "senderAccount" IS NOT NULL;
DROP INDEX "Deal_receivedAt_idx";
CREATE INDEX "Deal_receivedAt_idx" ON "Deal"("receivedAt") WHERE "receivedAt" IS NOT NULL;
DROP INDEX "Deal_acceptedAt_idx";
CREATE INDEX "Deal_acceptedAt_idx" ON "Deal"("acceptedAt") WHERE "acceptedAt" IS NOT NULL;
DROP INDEX "Deal_closedAt_idx";
CREATE INDEX "Deal_closedAt_idx" ON "Deal"("closedAt") WHERE "closedAt" IS NOT NULL;

-- Events are read by type only among the events of no deal (role history, bootstrap, exports), which the
-- ("dealId", id) index already finds (dealId IS NULL) in id order; a deal's events are read by deal.
DROP INDEX "AuditEvent_type_createdAt_idx";

-- The outbox's dispatch reads pending notifications oldest first, by (nextAttemptAt, id): with id in the index it
-- stops after one page instead of sorting every pending row (a sweep queues 100,000).
DROP INDEX "Notification_status_nextAttemptAt_idx";
CREATE INDEX "Notification_status_nextAttemptAt_id_idx" ON "Notification"("status", "nextAttemptAt", "id");
