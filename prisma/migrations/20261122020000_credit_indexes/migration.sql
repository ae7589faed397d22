-- Indexes for the Kibo credits list (GET /api/commerce/customer/credits), chosen from EXPLAIN ANALYZE on a
-- 1,000,000-credit tenant (see scripts/bench/credits.ts). Both are partial on live credits because every list query
-- carries "deleted_at IS NULL", and Prisma's schema language can express neither the predicate nor the operator class,
-- so they live only here (the schema-drift test checks only what schema.prisma declares).

-- `code sw X` compiles to code_key LIKE 'X%' (codeKey holds upper(code)). The unique (tenant_id, code_key) index uses
-- the database collation, which LIKE cannot range-scan unless the collation is C; text_pattern_ops can, in any
-- collation.
CREATE INDEX "credits_tenant_id_code_key_pattern_idx" ON "credits" ("tenant_id", "code_key" text_pattern_ops)
  WHERE "deleted_at" IS NULL;

-- Balance ranges within one credit type, sorted by balance (`currentBalance gt 10 and creditType eq GiftCard`,
-- `sortBy=currentBalance desc`): the page is the first rows of an index range, and totalCount is an index-only scan
-- of the same range instead of a scan of the table.
CREATE INDEX "credits_tenant_id_credit_type_current_balance_idx"
  ON "credits" ("tenant_id", "credit_type", "current_balance" DESC, "id")
  WHERE "deleted_at" IS NULL;
