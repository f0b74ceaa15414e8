-- Issue 16: the list's name search (`q=`, `deals <text>`) matched every deal with ILIKE '%…%' and joined its customer
-- row by row — a scan of all deals (250 ms at 100,000) for a rare name. Trigram indexes answer `ILIKE '%…%'` of
-- three characters or more (Japanese included) from the index; pg_trgm ships with PostgreSQL and with PGlite.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Deal_name_trgm_idx" ON "Deal" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_name_trgm_idx" ON "Customer" USING GIN ("name" gin_trgm_ops);
