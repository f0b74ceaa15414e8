-- Follow-up jobs of committed deal changes (issue "one command path").

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('pending', 'failed');

-- CreateTable
CREATE TABLE "Job" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "dealId" TEXT,
    "orderKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "status" "JobStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAfter" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Job_status_runAfter_idx" ON "Job"("status", "runAfter");

-- CreateIndex
CREATE INDEX "Job_orderKey_id_idx" ON "Job"("orderKey", "id");

-- CreateIndex
CREATE INDEX "Job_dealId_idx" ON "Job"("dealId");

-- AlterTable
ALTER TABLE "CardPost" ADD COLUMN "shownVersion" INTEGER NOT NULL DEFAULT 0;

-- Copies posted before this migration show whatever version was current when they were last updated: mark them
-- current, so the first refresh after a change updates them once.
UPDATE "CardPost" AS c SET "shownVersion" = d.version FROM "Deal" AS d WHERE d.id = c."dealId";

-- Referrals still waiting for their first card were re-announced by a lease in BotState; they become jobs.
INSERT INTO "Job" ("kind", "dealId", "orderKey", "payload")
SELECT 'referral.announce', d.id, 'deal:' || d.id || ':announce', '{}'
FROM "Deal" AS d
WHERE d.direction = 'inbound' AND d.status = 'New'
  AND NOT EXISTS (SELECT 1 FROM "CardPost" AS c WHERE c."dealId" = d.id);
DELETE FROM "BotState" WHERE id LIKE 'cosell/referral-announce/%';
