-- Partner Center sync (issue 13): location mapping, the referral link on deals, the sync's state, unmapped referrals.

-- AlterTable
ALTER TABLE "Location" ADD COLUMN "partnerCenterId" TEXT;

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN "pcReferralId" TEXT,
ADD COLUMN "pcEngagementId" TEXT,
ADD COLUMN "pcETag" TEXT,
ADD COLUMN "pcUpdatedAt" TIMESTAMP(3),
ADD COLUMN "pcBase" JSONB,
ADD COLUMN "pcState" TEXT,
ADD COLUMN "pcNotice" JSONB;

-- CreateTable
CREATE TABLE "PartnerCenterSync" (
    "id" TEXT NOT NULL,
    "highWater" TIMESTAMP(3),
    "lastPollAt" TIMESTAMP(3),
    "lastPollError" TEXT,
    "lastWebhookAt" TIMESTAMP(3),
    "lastWebhookEvent" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PartnerCenterSync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartnerCenterUnmapped" (
    "id" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "referral" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PartnerCenterUnmapped_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Location_partnerCenterId_key" ON "Location"("partnerCenterId");

-- CreateIndex
CREATE UNIQUE INDEX "Deal_pcReferralId_key" ON "Deal"("pcReferralId");

-- CreateIndex
CREATE INDEX "Deal_pcState_idx" ON "Deal"("pcState");

-- CreateIndex
CREATE INDEX "PartnerCenterUnmapped_targetId_idx" ON "PartnerCenterUnmapped"("targetId");
