import pg from "pg";
import { preparedReads } from "../../src/db/prepared-reads.js";
import { testServerUrl, withDatabaseName, workerDatabaseName } from "../helpers/database.js";
import { postgresOnly } from "../helpers/postgres-only.js";

const onPostgres = postgresOnly("prepared statements are PostgreSQL sessions' state; PGlite's reads are unnamed");

// Distinct texts (each its own statement) answering what they were asked, so a read answered by the wrong statement shows.
const statement = (n: number) => `SELECT $1::int + ${n} AS "sum"`;

onPostgres.describe("the lists' raw reads run as prepared statements, a bounded number per connection", () => {
  // One connection, so the test's own queries see the session the reads prepared on.
  let pool: pg.Pool;
  beforeEach(() => {
    pool = new pg.Pool({ connectionString: withDatabaseName(testServerUrl() ?? "", workerDatabaseName()), max: 1 });
  });
  afterEach(() => pool.end());

  async function preparedOnTheConnection(): Promise<{ name: string; statement: string; runs: number }[]> {
    const { rows } = await pool.query<{ name: string; statement: string; runs: number }>(
      "SELECT name, statement, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements ORDER BY prepare_time",
    );
    return rows;
  }

  test("a statement read twice is parsed once, under a name derived from its text", async () => {
    const read = preparedReads(pool, { enabled: true, onRefused: () => {} });
    expect(await read(statement(1), [41])).toEqual([{ sum: 42 }]);
    expect(await read(statement(1), [1])).toEqual([{ sum: 2 }]);
    const prepared = await preparedOnTheConnection();
    expect(prepared).toEqual([{ name: expect.stringMatching(/^tally_[\w-]{27}$/), statement: statement(1), runs: 2 }]);

    // A second pool (another session) names the same text the same way.
    const other = new pg.Pool({ connectionString: withDatabaseName(testServerUrl() ?? "", workerDatabaseName()), max: 1 });
    try {
      await preparedReads(other, { enabled: true, onRefused: () => {} })(statement(1), [0]);
      const { rows } = await other.query<{ name: string }>("SELECT name FROM pg_prepared_statements");
      expect(rows).toEqual([{ name: prepared[0]!.name }]);
    } finally {
      await other.end();
    }
  });

  test("a connection prepares its first `perConnection` statements and runs later ones unnamed", async () => {
    const read = preparedReads(pool, { enabled: true, perConnection: 3, onRefused: () => {} });
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 5; n++) expect(await read(statement(n), [100])).toEqual([{ sum: 100 + n }]);
    }
    expect((await preparedOnTheConnection()).map((row) => [row.statement, row.runs])).toEqual([
      [statement(0), 2],
      [statement(1), 2],
      [statement(2), 2],
    ]);
  });

  test("off, nothing is prepared", async () => {
    const read = preparedReads(pool, { enabled: false, onRefused: () => {} });
    expect(await read(statement(7), [1])).toEqual([{ sum: 8 }]);
    expect(await preparedOnTheConnection()).toEqual([]);
  });

  test("a statement the session no longer holds (as a transaction pooler does) is read again unnamed, and so is every later read", async () => {
    const refusals: Error[] = [];
    const read = preparedReads(pool, { enabled: true, onRefused: (error) => refusals.push(error) });
    expect(await read(statement(1), [1])).toEqual([{ sum: 2 }]);
    // Behind the reader's back: node-postgres still believes statement(1) parsed on this connection.
    await pool.query("DEALLOCATE ALL");

    expect(await read(statement(1), [2])).toEqual([{ sum: 3 }]);
    expect(refusals.map((error) => (error as { code?: string }).code)).toEqual(["26000"]);
    expect(await read(statement(2), [2])).toEqual([{ sum: 4 }]);
    expect(await read(statement(1), [3])).toEqual([{ sum: 4 }]);
    expect(refusals).toHaveLength(1);
    expect(await preparedOnTheConnection()).toEqual([]);
  });

  test("a statement that fails is not read again, and its connection is not reused", async () => {
    const refusals: Error[] = [];
    const read = preparedReads(pool, { enabled: true, onRefused: (error) => refusals.push(error) });
    const { rows: before } = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await expect(read("SELECT 1 / $1::int AS quotient", [0])).rejects.toMatchObject({ code: "22012" });
    const { rows: after } = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    expect(after[0]!.pid).not.toBe(before[0]!.pid);
    expect(await read("SELECT 1 / $1::int AS quotient", [1])).toEqual([{ quotient: 1 }]);
    expect(refusals).toEqual([]);
  });
});
