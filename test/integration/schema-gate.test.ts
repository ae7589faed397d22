import net from "node:net";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import request from "supertest";
import { buildApp } from "../../src/app.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { createTenant } from "../../src/demo/factories.js";
import { registerApplication } from "../../src/routes/platform/service.js";
import { buildTestApp, testConfig } from "../helpers/app.js";
import { appAuth } from "../helpers/auth.js";
import { type EmptyTestDatabase, openEmptyTestDatabase } from "../helpers/database.js";
import { asText, bodyOf, parseXml } from "./loyalty/report-helpers.js";

const TOKEN = "/api/platform/applications/authtickets/oauth";
const shipped = readMigrations().map((migration) => migration.name);

function tokenRequest(app: FastifyInstance, clientId = "nobody", secret = "nothing") {
  return request(app.server).post(TOKEN).send({ client_id: clientId, client_secret: secret, grant_type: "client_credentials" });
}

function expectMigrationsNamed(message: string) {
  for (const name of shipped) expect(message).toContain(name);
  expect(message).toContain("npm run db:migrate");
}

describe("a database the shipped migrations were not applied to", () => {
  let target: EmptyTestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    target = await openEmptyTestDatabase();
    app = await buildTestApp(target.database);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await target.drop();
  });

  test("is refused: /ready, tokens, Kibo and loyalty requests answer 503 naming the pending migrations; /health stays 200", async () => {
    const ready = await request(app.server).get("/ready");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ errorCode: "SYSTEM_MAINTENANCE" });
    expectMigrationsNamed(ready.body.message);

    const token = await tokenRequest(app);
    expect(token.status).toBe(503);
    expect(token.body.errorCode).toBe("SYSTEM_MAINTENANCE");
    expectMigrationsNamed(token.body.message);

    const credits = await request(app.server).get("/api/commerce/customer/credits").set(await appAuth(app, 1));
    expect(credits.status).toBe(503);
    expect(credits.headers["x-vol-correlation"]).toBeDefined();
    expectMigrationsNamed(credits.body.message);

    const loyalty = await request(app.server).get("/api.php?user_password=k&method=customers_balances").buffer(true).parse(asText);
    expect(loyalty.status).toBe(503);
    expectMigrationsNamed(String(parseXml(bodyOf(loyalty)).error));

    expect((await request(app.server).get("/health")).status).toBe(200);
    // Nothing was created by the refused requests: the database is as empty as before.
    const tables = await target.database.withSession((sql) =>
      sql.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_tables WHERE schemaname = 'public'"),
    );
    expect(tables[0]?.n).toBe("0");
  });

  test("is served once migrated, without a restart: data requests within the re-check interval, /ready at once", async () => {
    await target.database.withSession((sql) => applyMigrations(sql, readMigrations()));
    // No /ready call in between: the gate's own periodic re-check opens it.
    const deadline = Date.now() + 8_000;
    let token = await tokenRequest(app);
    while (token.status === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      token = await tokenRequest(app);
    }
    expect(token.status).toBe(401);
    const tenant = await createTenant(target.database.prisma);
    const { clientId, clientSecret } = await registerApplication(target.database.prisma, {
      tenantId: tenant.id,
      name: "after migrate",
      behaviors: ["CreditRead"],
    });
    const issued = await tokenRequest(app, clientId, clientSecret);
    expect(issued.status).toBe(200);
    expect(issued.body.access_token).toEqual(expect.any(String));
    const ready = await request(app.server).get("/ready");
    expect(ready.status).toBe(200);
  }, 15_000);
});

test("an unreachable DATABASE_URL at start-up is a warning naming the host, not a crash, and /ready answers 503", async () => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const { port } = closed.address() as net.AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const url = `postgresql://tally:hunter2secret@127.0.0.1:${port}/tally`;
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const database = await openDatabase({ url, poolSize: 2, connectTimeoutMs: 1_000, dataDir: "" });
  const app = await buildApp(testConfig({ LOG_LEVEL: "warn" }), { database, logger: { level: "warn", stream } });
  try {
    await app.ready();
    const ready = await request(app.server).get("/ready");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ errorCode: "SYSTEM_MAINTENANCE", message: "The database is not reachable." });
    const warning = lines.find((line) => String(line["msg"]).includes("is not reachable"));
    expect(warning?.["msg"]).toContain(`PostgreSQL at 127.0.0.1:${port}/tally is not reachable: connect ECONNREFUSED`);
    expect(JSON.stringify(lines)).not.toContain("hunter2secret");
  } finally {
    await app.close();
    await database.close();
  }
});

test("the embedded database an app opens itself migrates itself, so it is ready at once", async () => {
  const app = await buildApp(testConfig({ EMBEDDED_DATA_DIR: "memory://", EMBEDDED_SOCKET_PORT: "0" }), { logger: false });
  try {
    await app.ready();
    const ready = await request(app.server).get("/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ok", database: "embedded" });
  } finally {
    await app.close();
  }
}, 60_000);
