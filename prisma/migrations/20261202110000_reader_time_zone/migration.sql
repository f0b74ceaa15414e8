-- Dates and times for the reader (issue 14, section 2): each person's time zone and locale as Teams last sent
-- them, and a location's own time zone (NULL = Asia/Tokyo for JP locations, UTC otherwise).

-- AlterTable
ALTER TABLE "User" ADD COLUMN "timeZone" TEXT,
ADD COLUMN "locale" TEXT;

-- AlterTable
ALTER TABLE "Location" ADD COLUMN "timeZone" TEXT;
