-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'user');

-- CreateEnum
CREATE TYPE "Direction" AS ENUM ('inbound', 'outbound');

-- CreateEnum
CREATE TYPE "DealType" AS ENUM ('solutionAssessment', 'coSell');

-- CreateEnum
CREATE TYPE "DealStatus" AS ENUM ('New', 'Active', 'Closed');

-- CreateEnum
CREATE TYPE "DealSubstatus" AS ENUM ('Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired');

-- CreateEnum
CREATE TYPE "SalesStage" AS ENUM ('created', 'accepted', 'secureCustomerLoe', 'collectData', 'prepareAssessmentReport', 'presentToCustomer', 'qualified', 'developed', 'proposed', 'negotiated', 'won', 'lost');

-- CreateEnum
CREATE TYPE "RegistrationStatus" AS ENUM ('PendingReview', 'Approved', 'Rejected', 'ActionRequired');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('pending', 'delivered', 'failed', 'noEndpoint');

-- CreateTable
CREATE TABLE "Location" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "country" CHAR(2),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Location_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "aadObjectId" TEXT,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "role" "Role",
    "globalScope" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserLocation" (
    "userId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,

    CONSTRAINT "UserLocation_pkey" PRIMARY KEY ("userId","locationId")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "searchName" TEXT NOT NULL,
    "addressLine1" TEXT,
    "city" TEXT,
    "state" TEXT,
    "postalCode" TEXT,
    "country" CHAR(2) NOT NULL,
    "duns" VARCHAR(9),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deal" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "direction" "Direction" NOT NULL,
    "type" "DealType" NOT NULL,
    "status" "DealStatus" NOT NULL,
    "substatus" "DealSubstatus" NOT NULL,
    "stage" "SalesStage" NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "value" DECIMAL(18,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "closeDate" DATE NOT NULL,
    "crmId" VARCHAR(100),
    "campaignId" VARCHAR(100),
    "locationId" TEXT NOT NULL,
    "assessmentType" TEXT,
    "assessmentLocation" TEXT,
    "solutions" JSONB NOT NULL DEFAULT '[]',
    "customerId" TEXT NOT NULL,
    "contactName" TEXT,
    "contactPhone" TEXT,
    "contactEmail" TEXT,
    "contactConsent" BOOLEAN NOT NULL DEFAULT false,
    "specialistNote" TEXT,
    "consentToShareInfoWithOthers" BOOLEAN NOT NULL DEFAULT false,
    "consentToContact" BOOLEAN NOT NULL DEFAULT false,
    "senderType" TEXT,
    "senderName" TEXT,
    "senderEmail" TEXT,
    "senderOrgId" TEXT,
    "senderOrgName" TEXT,
    "senderKey" TEXT,
    "senderReferralId" TEXT,
    "senderCallbackUrl" TEXT,
    "inviteNotes" TEXT,
    "createdById" TEXT,
    "createdByName" TEXT,
    "acceptedById" TEXT,
    "acceptedByName" TEXT,
    "closedById" TEXT,
    "closedByName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "receivedAt" TIMESTAMP(3),
    "acceptedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closeReason" TEXT,
    "closeMessage" TEXT,
    "remindersSent" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Deal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DealTeamMember" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "userId" TEXT,
    "name" TEXT NOT NULL,
    "phone" TEXT,
    "email" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DealTeamMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DealNote" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "authorId" TEXT,
    "authorName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DealNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StageCompletion" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "stage" "SalesStage" NOT NULL,
    "completedById" TEXT,
    "completedByName" TEXT NOT NULL,
    "completedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StageCompletion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Registration" (
    "dealId" TEXT NOT NULL,
    "status" "RegistrationStatus" NOT NULL,
    "contractValue" DECIMAL(18,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "contractSignedDate" DATE NOT NULL,
    "contractStartDate" DATE NOT NULL,
    "contractEndDate" DATE NOT NULL,
    "deployedOnAzure" BOOLEAN NOT NULL,
    "marketplaceTransaction" BOOLEAN NOT NULL,
    "notes" TEXT,
    "submittedById" TEXT,
    "submittedByName" TEXT NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reviewNote" TEXT,
    "reviewedByName" TEXT,
    "reviewedAt" TIMESTAMP(3),

    CONSTRAINT "Registration_pkey" PRIMARY KEY ("dealId")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "dealId" TEXT,
    "actorId" TEXT,
    "actorName" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationRef" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "tenantId" TEXT,
    "userAadObjectId" TEXT,
    "reference" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationRef_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LocationRoute" (
    "locationId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "linkedById" TEXT,
    "linkedByName" TEXT,
    "broken" BOOLEAN NOT NULL DEFAULT false,
    "brokenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LocationRoute_pkey" PRIMARY KEY ("locationId")
);

-- CreateTable
CREATE TABLE "CardPost" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "activityId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CardPost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT,
    "payload" JSONB NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BotState" (
    "id" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "etag" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BotState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_aadObjectId_key" ON "User"("aadObjectId");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_role_idx" ON "User"("role");

-- CreateIndex
CREATE INDEX "UserLocation_locationId_idx" ON "UserLocation"("locationId");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_duns_key" ON "Customer"("duns");

-- CreateIndex
CREATE INDEX "Customer_country_city_idx" ON "Customer"("country", "city");

-- CreateIndex
CREATE INDEX "Customer_searchName_idx" ON "Customer"("searchName");

-- CreateIndex
CREATE UNIQUE INDEX "Deal_number_key" ON "Deal"("number");

-- CreateIndex
CREATE INDEX "Deal_status_expiresAt_idx" ON "Deal"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Deal_locationId_status_idx" ON "Deal"("locationId", "status");

-- CreateIndex
CREATE INDEX "Deal_direction_type_status_stage_idx" ON "Deal"("direction", "type", "status", "stage");

-- CreateIndex
CREATE INDEX "Deal_updatedAt_id_idx" ON "Deal"("updatedAt", "id");

-- CreateIndex
CREATE INDEX "Deal_createdAt_id_idx" ON "Deal"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Deal_customerId_idx" ON "Deal"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Deal_senderKey_senderReferralId_key" ON "Deal"("senderKey", "senderReferralId");

-- CreateIndex
CREATE INDEX "DealTeamMember_dealId_idx" ON "DealTeamMember"("dealId");

-- CreateIndex
CREATE INDEX "DealTeamMember_email_idx" ON "DealTeamMember"("email");

-- CreateIndex
CREATE INDEX "DealTeamMember_userId_idx" ON "DealTeamMember"("userId");

-- CreateIndex
CREATE INDEX "DealNote_dealId_createdAt_idx" ON "DealNote"("dealId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "StageCompletion_dealId_stage_key" ON "StageCompletion"("dealId", "stage");

-- CreateIndex
CREATE INDEX "AuditEvent_dealId_id_idx" ON "AuditEvent"("dealId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_type_createdAt_idx" ON "AuditEvent"("type", "createdAt");

-- CreateIndex
CREATE INDEX "ConversationRef_userAadObjectId_idx" ON "ConversationRef"("userAadObjectId");

-- CreateIndex
CREATE INDEX "CardPost_dealId_idx" ON "CardPost"("dealId");

-- CreateIndex
CREATE UNIQUE INDEX "CardPost_conversationId_activityId_key" ON "CardPost"("conversationId", "activityId");

-- CreateIndex
CREATE INDEX "Notification_status_nextAttemptAt_idx" ON "Notification"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_dealId_kind_key" ON "Notification"("dealId", "kind");

-- AddForeignKey
ALTER TABLE "UserLocation" ADD CONSTRAINT "UserLocation_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserLocation" ADD CONSTRAINT "UserLocation_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deal" ADD CONSTRAINT "Deal_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deal" ADD CONSTRAINT "Deal_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DealTeamMember" ADD CONSTRAINT "DealTeamMember_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DealNote" ADD CONSTRAINT "DealNote_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageCompletion" ADD CONSTRAINT "StageCompletion_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Registration" ADD CONSTRAINT "Registration_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LocationRoute" ADD CONSTRAINT "LocationRoute_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LocationRoute" ADD CONSTRAINT "LocationRoute_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "ConversationRef"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CardPost" ADD CONSTRAINT "CardPost_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

