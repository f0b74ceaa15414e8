-- Issue 16: the list's name search also finds deals by their customer's name (src/store/deals/listSql.ts: deals whose
-- customerId is among the matching customers), which reads deals by customer. 20261205300000_expiry_sweep dropped this
-- index as unread; it was written at the same time as the search.
-- CreateIndex
CREATE INDEX "Deal_customerId_idx" ON "Deal"("customerId");
