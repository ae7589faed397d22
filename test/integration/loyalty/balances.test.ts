import { createCustomer, createLoyaltyAccount, createLoyaltyCampaign, createLoyaltyEntry } from "../../../src/demo/factories.js";
import { applyMigrations, readMigrations } from "../../../src/db/migrate.js";
import { openEmptyTestDatabase } from "../../helpers/database.js";
import { useTestDatabase } from "../../helpers/harness.js";
import { postgresOnly } from "../../helpers/postgres-only.js";

// loyalty_balances is kept by triggers on loyalty_ledger_entries: whatever is written to the ledger, it must hold
// the ledger's sums per campaign and customer, and a row only for pairs that have entries.

const harness = useTestDatabase();

const TOTALS = `
  campaign_id::text, customer_ref, earned_points::text, redeemed_points::text, points::text,
  earned_amount::text, redeemed_amount::text, amount::text, entries::text`;

async function balances() {
  return harness.database.withSession((sql) => sql.query(`SELECT ${TOTALS} FROM loyalty_balances ORDER BY campaign_id, customer_ref`));
}

/** The ledger summed as the report once summed it on every request. */
async function ledgerSums() {
  return harness.database.withSession((sql) =>
    sql.query(`
      SELECT ${TOTALS} FROM (
        SELECT campaign_id, customer_ref,
               COALESCE(sum(points) FILTER (WHERE kind = 'Earn'), 0)::bigint AS earned_points,
               COALESCE(sum(points) FILTER (WHERE kind = 'Redeem'), 0)::bigint AS redeemed_points,
               COALESCE(sum(points), 0)::bigint AS points,
               COALESCE(sum(amount) FILTER (WHERE kind = 'Earn'), 0)::numeric(19,4) AS earned_amount,
               COALESCE(sum(amount) FILTER (WHERE kind = 'Redeem'), 0)::numeric(19,4) AS redeemed_amount,
               COALESCE(sum(amount), 0)::numeric(19,4) AS amount,
               count(*) AS entries
        FROM loyalty_ledger_entries GROUP BY campaign_id, customer_ref) AS sums
      ORDER BY campaign_id, customer_ref`),
  );
}

async function setUp() {
  const db = harness.database.prisma;
  const account = await createLoyaltyAccount(db);
  const points = await createLoyaltyCampaign(db, { accountId: account.id, kind: "Points" });
  const stored = await createLoyaltyCampaign(db, { accountId: account.id, kind: "StoredValue" });
  const jane = await createCustomer(db, { tenantId: account.tenantId });
  const john = await createCustomer(db, { tenantId: account.tenantId });
  return { points, stored, jane, john };
}

test("inserts, one at a time and many in one statement, are summed per campaign and customer", async () => {
  const { points, stored, jane, john } = await setUp();
  await createLoyaltyEntry(harness.database.prisma, { campaignId: points.id, customerRef: jane.id, points: 6021 });
  await createLoyaltyEntry(harness.database.prisma, { campaignId: points.id, customerRef: jane.id, kind: "Redeem", points: 21 });
  await createLoyaltyEntry(harness.database.prisma, { campaignId: stored.id, customerRef: jane.id, amount: "10.005" });
  await harness.database.withSession((sql) =>
    sql.query(
      `INSERT INTO loyalty_ledger_entries (campaign_id, customer_ref, kind, points)
       SELECT $1::bigint, $2::int, 'Earn', n FROM generate_series(1, 100) AS n`,
      [points.id, john.id],
    ),
  );
  const rows = await balances();
  expect(rows).toEqual(await ledgerSums());
  expect(rows.map((row) => [row["customer_ref"], row["points"], row["amount"], row["entries"]])).toEqual([
    [jane.id, "6000", "0.0000", "2"],
    [john.id, "5050", "0.0000", "100"],
    [jane.id, "0", "10.0050", "1"],
  ]);
});

test("updates and deletes move the sums, and a pair without entries left has no row", async () => {
  const { points, stored, jane, john } = await setUp();
  const db = harness.database.prisma;
  const earn = await createLoyaltyEntry(db, { campaignId: points.id, customerRef: jane.id, points: 100 });
  await createLoyaltyEntry(db, { campaignId: points.id, customerRef: jane.id, kind: "Redeem", points: 40 });
  const moved = await createLoyaltyEntry(db, { campaignId: points.id, customerRef: john.id, points: 7 });
  await createLoyaltyEntry(db, { campaignId: stored.id, customerRef: john.id, amount: "2.50" });

  await db.loyaltyLedgerEntry.update({ where: { id: earn.id }, data: { points: 250 } });
  expect(await balances()).toEqual(await ledgerSums());
  // To another customer: the old pair loses its only entry.
  await db.loyaltyLedgerEntry.update({ where: { id: moved.id }, data: { customerRef: jane.id } });
  expect(await balances()).toEqual(await ledgerSums());
  await db.loyaltyLedgerEntry.deleteMany({ where: { campaignId: stored.id } });
  const rows = await balances();
  expect(rows).toEqual(await ledgerSums());
  expect(rows.map((row) => [row["campaign_id"], row["customer_ref"], row["points"]])).toEqual([[String(points.id), jane.id, "217"]]);
});

test("emptying the ledger empties the balances", async () => {
  const { points, jane } = await setUp();
  await createLoyaltyEntry(harness.database.prisma, { campaignId: points.id, customerRef: jane.id });
  await harness.database.withSession((sql) => sql.exec("TRUNCATE loyalty_ledger_entries"));
  expect(await balances()).toEqual([]);
});

postgresOnly("PGlite is one session: there is no second transaction to race with").test("concurrent transactions adding to the same customer both count", async () => {
  const { points, jane } = await setUp();
  const insert = `INSERT INTO loyalty_ledger_entries (campaign_id, customer_ref, kind, points)
                  SELECT $1::bigint, $2::int, 'Earn', 1 FROM generate_series(1, 50)`;
  let releaseFirst: () => void = () => undefined;
  const firstInserted = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  let commitFirst: () => void = () => undefined;
  const firstMayCommit = new Promise<void>((resolve) => {
    commitFirst = resolve;
  });
  const first = harness.database.withSession(async (sql) => {
    await sql.exec("BEGIN");
    await sql.query(insert, [points.id, jane.id]);
    releaseFirst();
    await firstMayCommit;
    await sql.exec("COMMIT");
  });
  await firstInserted;
  const second = harness.database.withSession(async (sql) => {
    await sql.exec("BEGIN");
    // Waits on the first transaction's new balance row, then adds to it.
    const inserting = sql.query(insert, [points.id, jane.id]);
    setTimeout(commitFirst, 200);
    await inserting;
    await sql.exec("COMMIT");
  });
  await Promise.all([first, second]);
  const rows = await balances();
  expect(rows.map((row) => [row["points"], row["entries"]])).toEqual([["100", "100"]]);
  expect(rows).toEqual(await ledgerSums());
});

test("the migration backfills the balances of entries written before it", async () => {
  const migrations = readMigrations();
  const at = migrations.findIndex((migration) => migration.name.endsWith("_loyalty_balances"));
  expect(at).toBeGreaterThan(0);
  const empty = await openEmptyTestDatabase(2);
  try {
    await empty.database.withSession(async (sql) => {
      await applyMigrations(sql, migrations.slice(0, at));
      await sql.exec(`
        INSERT INTO tenants (id, name, domain) VALUES (1, 'Backfill', 'backfill.tally.localhost');
        INSERT INTO loyalty_accounts (id, tenant_id, account_code, name) VALUES (1, 1, 'backfill', 'Backfill');
        INSERT INTO loyalty_campaigns (id, account_id, name, kind, points_per_currency_unit, currency_code)
          VALUES (100000000001, 1, 'Points', 'Points', 1000, 'USD'), (100000000002, 1, 'Value', 'StoredValue', NULL, 'USD');
        INSERT INTO customers (id, tenant_id, customer_id, created_at, updated_at) VALUES (1, 1, 1, now(), now()), (2, 1, 2, now(), now());
        INSERT INTO loyalty_ledger_entries (campaign_id, customer_ref, kind, points, amount) VALUES
          (100000000001, 1, 'Earn', 6021, NULL), (100000000001, 1, 'Redeem', -21, NULL), (100000000001, 2, 'Earn', 5, NULL),
          (100000000002, 2, 'Earn', NULL, 10.5), (100000000002, 2, 'Redeem', NULL, -0.25);`);
      await applyMigrations(sql, migrations.slice(at));
      const rows = await sql.query(`SELECT ${TOTALS} FROM loyalty_balances ORDER BY campaign_id, customer_ref`);
      expect(rows.map((row) => [row["campaign_id"], row["customer_ref"], row["earned_points"], row["points"], row["earned_amount"], row["amount"], row["entries"]])).toEqual([
        ["100000000001", 1, "6021", "6000", "0.0000", "0.0000", "2"],
        ["100000000001", 2, "5", "5", "0.0000", "0.0000", "1"],
        ["100000000002", 2, "0", "0", "10.5000", "10.2500", "2"],
      ]);
    });
  } finally {
    await empty.drop();
  }
});
