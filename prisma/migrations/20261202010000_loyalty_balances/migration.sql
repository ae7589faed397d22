-- Each customer's totals per loyalty campaign, so the customers_balances report reads one row per customer and
-- campaign instead of summing the ledger on every request. Derived data: only the triggers below write it, in the
-- transaction of the ledger statement itself, so it always agrees with the ledger that transaction sees.
-- Points and money are summed apart, as the ledger keeps them (an entry carries one or the other).
CREATE TABLE "loyalty_balances" (
    "campaign_id" BIGINT NOT NULL,
    "customer_ref" INTEGER NOT NULL,
    "earned_points" BIGINT NOT NULL DEFAULT 0,
    "redeemed_points" BIGINT NOT NULL DEFAULT 0,
    "points" BIGINT NOT NULL DEFAULT 0,
    "earned_amount" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "redeemed_amount" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "amount" DECIMAL(19,4) NOT NULL DEFAULT 0,
    -- How many ledger entries the row sums: once they are all deleted the row goes, as the report lists only
    -- customers with entries in the campaign.
    "entries" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "loyalty_balances_pkey" PRIMARY KEY ("campaign_id", "customer_ref")
);

ALTER TABLE "loyalty_balances" ADD CONSTRAINT "loyalty_balances_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "loyalty_campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "loyalty_balances" ADD CONSTRAINT "loyalty_balances_customer_ref_fkey" FOREIGN KEY ("customer_ref") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Statement-level, with transition tables: a bulk insert of a million entries costs one grouped upsert, not a
-- million row triggers. The upsert goes in key order, so two statements touching the same customers lock those
-- rows in the same order and cannot deadlock, and a concurrent writer of the same key waits for the row lock and
-- then adds to the committed totals (ON CONFLICT DO UPDATE), so no entry is lost. PostgreSQL allows transition
-- tables on single-event triggers only, hence one trigger per event, all running this function.
CREATE FUNCTION "loyalty_balances_track"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  -- Fixed text chosen by TG_OP, never input: the statement's entries, signed.
  delta TEXT := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT campaign_id, customer_ref, kind, points, amount, 1 AS sign FROM loyalty_new_entries'
    WHEN 'DELETE' THEN 'SELECT campaign_id, customer_ref, kind, points, amount, -1 AS sign FROM loyalty_old_entries'
    ELSE 'SELECT campaign_id, customer_ref, kind, points, amount, 1 AS sign FROM loyalty_new_entries
          UNION ALL SELECT campaign_id, customer_ref, kind, points, amount, -1 AS sign FROM loyalty_old_entries'
  END;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM loyalty_balances;
    RETURN NULL;
  END IF;
  EXECUTE format($upsert$
    INSERT INTO loyalty_balances AS b
      (campaign_id, customer_ref, earned_points, redeemed_points, points, earned_amount, redeemed_amount, amount, entries)
    SELECT d.campaign_id, d.customer_ref,
           COALESCE(sum(d.sign * d.points) FILTER (WHERE d.kind = 'Earn'), 0),
           COALESCE(sum(d.sign * d.points) FILTER (WHERE d.kind = 'Redeem'), 0),
           COALESCE(sum(d.sign * d.points), 0),
           COALESCE(sum(d.sign * d.amount) FILTER (WHERE d.kind = 'Earn'), 0),
           COALESCE(sum(d.sign * d.amount) FILTER (WHERE d.kind = 'Redeem'), 0),
           COALESCE(sum(d.sign * d.amount), 0),
           sum(d.sign)
    FROM (%s) AS d
    GROUP BY d.campaign_id, d.customer_ref
    ORDER BY d.campaign_id, d.customer_ref
    ON CONFLICT (campaign_id, customer_ref) DO UPDATE SET
      earned_points = b.earned_points + EXCLUDED.earned_points,
      redeemed_points = b.redeemed_points + EXCLUDED.redeemed_points,
      points = b.points + EXCLUDED.points,
      earned_amount = b.earned_amount + EXCLUDED.earned_amount,
      redeemed_amount = b.redeemed_amount + EXCLUDED.redeemed_amount,
      amount = b.amount + EXCLUDED.amount,
      entries = b.entries + EXCLUDED.entries
  $upsert$, delta);
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM loyalty_balances b USING loyalty_old_entries o
    WHERE b.campaign_id = o.campaign_id AND b.customer_ref = o.customer_ref AND b.entries = 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "loyalty_balances_insert" AFTER INSERT ON "loyalty_ledger_entries"
  REFERENCING NEW TABLE AS loyalty_new_entries FOR EACH STATEMENT EXECUTE FUNCTION "loyalty_balances_track"();
CREATE TRIGGER "loyalty_balances_update" AFTER UPDATE ON "loyalty_ledger_entries"
  REFERENCING OLD TABLE AS loyalty_old_entries NEW TABLE AS loyalty_new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION "loyalty_balances_track"();
CREATE TRIGGER "loyalty_balances_delete" AFTER DELETE ON "loyalty_ledger_entries"
  REFERENCING OLD TABLE AS loyalty_old_entries FOR EACH STATEMENT EXECUTE FUNCTION "loyalty_balances_track"();
CREATE TRIGGER "loyalty_balances_truncate" AFTER TRUNCATE ON "loyalty_ledger_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "loyalty_balances_track"();

-- The entries written before this migration.
INSERT INTO loyalty_balances
  (campaign_id, customer_ref, earned_points, redeemed_points, points, earned_amount, redeemed_amount, amount, entries)
SELECT e.campaign_id, e.customer_ref,
       COALESCE(sum(e.points) FILTER (WHERE e.kind = 'Earn'), 0),
       COALESCE(sum(e.points) FILTER (WHERE e.kind = 'Redeem'), 0),
       COALESCE(sum(e.points), 0),
       COALESCE(sum(e.amount) FILTER (WHERE e.kind = 'Earn'), 0),
       COALESCE(sum(e.amount) FILTER (WHERE e.kind = 'Redeem'), 0),
       COALESCE(sum(e.amount), 0),
       count(*)
FROM loyalty_ledger_entries e
GROUP BY e.campaign_id, e.customer_ref;
