-- Referral senders (issue 15): each referral records the authenticated sender that posted it. Referrals stored
-- before this came through the one shared REFERRALS_API_TOKEN, now the sender named "legacy".

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN "senderAccount" TEXT;

UPDATE "Deal" SET "senderAccount" = 'legacy' WHERE "senderKey" IS NOT NULL;

-- CreateIndex
CREATE INDEX "Deal_senderAccount_idx" ON "Deal"("senderAccount");
