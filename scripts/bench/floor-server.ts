/**
 * The floor of `npm run bench`, in a process of its own: a bare Fastify route per case running the same SQL Tally
 * should send, through node-postgres, answering what Tally answers. No auth, no validation, no ORM, no logging —
 * the fastest hand-written equivalent, the yardstick Tally's numbers are divided by.
 *
 *   DATABASE_URL=… PORT=… DATABASE_POOL_SIZE=10 BENCH_CUSTOMERS=50000 node --import tsx scripts/bench/floor-server.ts
 *
 * GET /floor/<case index> answers a case; GET /ready answers 200 once the pool reaches the database.
 */
import Fastify from "fastify";
import pg from "pg";
import { benchCases, PAGE_SIZE, TENANT_ID } from "./credits-cases.js";

const CASES = benchCases(Number(process.env["BENCH_CUSTOMERS"]));

const CREDIT_COLUMNS = `code, credit_type, custom_credit_type, currency_code, initial_balance, current_balance, activation_date,
  expiration_date, customer_id, created_by, created_at, updated_by, updated_at`;

interface CreditRow {
  code: string;
  credit_type: string;
  custom_credit_type: string | null;
  currency_code: string;
  initial_balance: string;
  current_balance: string;
  activation_date: Date | null;
  expiration_date: Date | null;
  customer_id: number | null;
  created_by: string | null;
  created_at: Date;
  updated_by: string | null;
  updated_at: Date;
}

const TYPE_IDS: Record<string, number> = { StoreCredit: 1, GiftCard: 2, Custom: 3 };

const pool = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: Number(process.env["DATABASE_POOL_SIZE"] ?? 10) });
pool.on("error", (error) => console.error(`floor pool: ${error.message}`));

const app = Fastify({ logger: false });

app.get("/ready", async () => {
  await pool.query("SELECT 1");
  return { ready: true };
});

/** One page query (and a count when the page is full) per request. */
app.get<{ Params: { index: string } }>("/floor/:index", async (request) => {
  const benchCase = CASES[Number(request.params.index)];
  if (!benchCase) throw new Error("no such case");
  const where = `tenant_id = $1 AND deleted_at IS NULL AND ${benchCase.where}`;
  const params = [TENANT_ID, ...benchCase.params];
  const page = await pool.query<CreditRow>(
    `SELECT ${CREDIT_COLUMNS} FROM credits WHERE ${where} ORDER BY ${benchCase.orderBy} LIMIT ${PAGE_SIZE} OFFSET 0`,
    params,
  );
  // The same shortcut Tally takes: a short first page already tells the total.
  const totalCount =
    page.rows.length < PAGE_SIZE
      ? page.rows.length
      : ((await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM credits WHERE ${where}`, params)).rows[0]?.n ?? 0);
  return {
    startIndex: 0,
    pageSize: PAGE_SIZE,
    pageCount: Math.ceil(totalCount / PAGE_SIZE),
    totalCount,
    items: page.rows.map((row) => ({
      code: row.code,
      creditType: row.credit_type,
      creditTypeId: TYPE_IDS[row.credit_type],
      customCreditType: row.custom_credit_type,
      currencyCode: row.currency_code,
      initialBalance: Number(row.initial_balance),
      currentBalance: Number(row.current_balance),
      activationDate: row.activation_date?.toISOString() ?? null,
      expirationDate: row.expiration_date?.toISOString() ?? null,
      customerId: row.customer_id,
      auditInfo: {
        createBy: row.created_by,
        createDate: row.created_at.toISOString(),
        updateBy: row.updated_by,
        updateDate: row.updated_at.toISOString(),
      },
    })),
  };
});

const close = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once("SIGTERM", () => void close());
process.once("SIGINT", () => void close());

await app.listen({ port: Number(process.env["PORT"]), host: "127.0.0.1" });
