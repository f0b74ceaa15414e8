-- Issue 17, insights: the 90-day window of the insights card reads deals by when they were received, accepted and
-- closed; the card's charts wait in ChartImage (reader's words and numbers) until their signed links expire.

-- CreateIndex
CREATE INDEX "Deal_receivedAt_idx" ON "Deal"("receivedAt");

-- CreateIndex
CREATE INDEX "Deal_acceptedAt_idx" ON "Deal"("acceptedAt");

-- CreateIndex
CREATE INDEX "Deal_closedAt_idx" ON "Deal"("closedAt");

-- CreateTable
CREATE TABLE "ChartImage" (
    "id" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChartImage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChartImage_expiresAt_idx" ON "ChartImage"("expiresAt");

-- A referral's acceptance time was not recorded before (only its audit event): taken from the event, once.
UPDATE "Deal" AS d
SET "acceptedAt" = e."at"
FROM (SELECT "dealId", MIN("createdAt") AS "at" FROM "AuditEvent" WHERE "type" = 'ReferralAccepted' AND "dealId" IS NOT NULL GROUP BY "dealId") AS e
WHERE d."id" = e."dealId" AND d."acceptedAt" IS NULL;

-- R3 visibility compares team emails case-insensitively: a lower-cased copy, indexed, instead of ILIKE over the table.
ALTER TABLE "DealTeamMember" ADD COLUMN "emailKey" TEXT;
UPDATE "DealTeamMember" SET "emailKey" = lower("email");
ALTER TABLE "DealTeamMember" ALTER COLUMN "emailKey" SET NOT NULL;

-- CreateIndex
CREATE INDEX "DealTeamMember_emailKey_dealId_idx" ON "DealTeamMember"("emailKey", "dealId");
