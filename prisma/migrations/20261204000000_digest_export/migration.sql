-- Issue 17: the daily digest's record of each location's day (exactly once across instances and restarts), and
-- export requests (delivered by file consent or a signed link; each delivery is audited).

-- CreateTable
CREATE TABLE "DigestRun" (
    "locationId" TEXT NOT NULL,
    "day" VARCHAR(10) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "postedAt" TIMESTAMP(3),

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("locationId","day")
);

-- CreateTable
CREATE TABLE "DealExport" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "userName" TEXT NOT NULL,
    "filter" JSONB NOT NULL DEFAULT '{}',
    "filterText" TEXT NOT NULL DEFAULT '',
    "locale" VARCHAR(5) NOT NULL DEFAULT 'en',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DealExport_pkey" PRIMARY KEY ("id")
);


-- CreateIndex
CREATE INDEX "DealExport_userId_createdAt_idx" ON "DealExport"("userId", "createdAt");
