-- Indexes for credit memos and their store-credit refunds. Partial and lookup-only, so they live only here (the
-- schema-drift test checks only what schema.prisma declares).

-- Cancelling a credit memo finds the ledger rows its refund wrote (credit_transactions.creditmemo_id); only refund
-- and reversal rows carry a memo, so the index holds just those.
CREATE INDEX "credit_transactions_creditmemo_id_idx" ON "credit_transactions" ("creditmemo_id")
  WHERE "creditmemo_id" IS NOT NULL;

-- The credit memo list filters by customer (`customer_id eq 4`) through the memo's order.
CREATE INDEX "orders_tenant_id_customer_id_idx" ON "orders" ("tenant_id", "customer_id");
