import Type from "typebox";
import type { FastifyInstance } from "fastify";
import request from "supertest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { Errors } from "../../src/errors.js";
import { buildTestApp } from "../helpers/app.js";
import { openTestDatabase, resetDatabase } from "../helpers/database.js";
import { postgresOnly } from "../helpers/postgres-only.js";
import { openDatabaseThroughProxy } from "../helpers/tcp-proxy.js";

/** Routes that fail on purpose, to exercise the one error handler every real route relies on. */
async function appWithFailingRoutes(database: Database): Promise<FastifyInstance> {
  const app = await buildTestApp(database);
  app.get("/test/conflict", async () => {
    throw Errors.conflict("Credit GC-1 has only 5.00 left.", { code: "GC-1" });
  });
  app.get("/test/crash", async () => {
    throw new Error('relation "secret_table" does not exist: SELECT * FROM secret_table');
  });
  app.get(
    "/test/validated",
    { schema: { querystring: Type.Object({ pageSize: Type.Integer({ minimum: 1 }) }) } },
    async () => ({ ok: true }),
  );
  app.post(
    "/test/body",
    { schema: { body: Type.Object({ name: Type.String() }) } },
    async () => ({ ok: true }),
  );
  app.post("/test/duplicate-tenant", async () => {
    await app.db.prisma.tenant.create({ data: { id: 1, name: "a", domain: "a" } });
    await app.db.prisma.tenant.create({ data: { id: 1, name: "b", domain: "b" } });
    return { ok: true };
  });
  app.get("/test/tenants", async () => ({ tenants: await app.db.prisma.tenant.count() }));
  await app.ready();
  return app;
}

const kiboError = (errorCode: string, message: unknown = expect.any(String)) => ({
  message,
  errorCode,
  applicationName: "Tally",
  additionalErrorData: expect.any(Array),
  items: [],
});

describe("with a working database", () => {
  let database: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await appWithFailingRoutes(database);
  });
  beforeEach(() => resetDatabase(database));
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  test("a service's typed error becomes its status and Kibo body", async () => {
    const response = await request(app.server).get("/test/conflict");
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      message: "Credit GC-1 has only 5.00 left.",
      errorCode: "VALIDATION_CONFLICT",
      applicationName: "Tally",
      additionalErrorData: [{ name: "code", value: "GC-1" }],
      items: [],
    });
  });

  test("an unexpected error is a masked 500: no stack, no SQL, no internal message", async () => {
    const response = await request(app.server).get("/test/crash");
    expect(response.status).toBe(500);
    expect(response.body).toEqual(kiboError("UNEXPECTED_ERROR", "An unexpected error occurred."));
    expect(response.text).not.toMatch(/secret_table|SELECT|at .*\.ts/);
  });

  test("a query parameter of the wrong type is a 400 naming the parameter", async () => {
    const response = await request(app.server).get("/test/validated?pageSize=lots");
    expect(response.status).toBe(400);
    expect(response.body).toEqual(kiboError("MISSING_OR_INVALID_PARAMETER"));
    expect(response.body.message).toMatch(/pageSize/);
    expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: "pageSize" });
  });

  test("a missing body field is a 400 naming the field", async () => {
    const response = await request(app.server).post("/test/body").send({});
    expect(response.status).toBe(400);
    expect(response.body.message).toBe("Missing required field 'name' in body.");
  });

  test("malformed JSON is a 400 in the same shape", async () => {
    const response = await request(app.server).post("/test/body").set("content-type", "application/json").send("{nope");
    expect(response.status).toBe(400);
    expect(response.body).toEqual(kiboError("MISSING_OR_INVALID_PARAMETER"));
  });

  test("a unique violation from the database is a 409 ITEM_ALREADY_EXISTS, and nothing of the request was kept", async () => {
    const response = await request(app.server).post("/test/duplicate-tenant");
    expect(response.status).toBe(409);
    expect(response.body).toEqual(kiboError("ITEM_ALREADY_EXISTS"));
    expect(response.text).not.toMatch(/tenants_pkey|Unique constraint/);
  });
});

test("with the database unreachable, /ready and data requests answer 503 SYSTEM_MAINTENANCE", async () => {
  // Port 1 on loopback refuses connections: PostgreSQL "down" without touching the real server.
  const database = await openDatabase({ url: "postgresql://postgres@127.0.0.1:1/none", poolSize: 1, connectTimeoutMs: 500, dataDir: "" });
  const app = await appWithFailingRoutes(database);
  try {
    const ready = await request(app.server).get("/ready");
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual(kiboError("SYSTEM_MAINTENANCE"));
    const data = await request(app.server).get("/test/tenants");
    expect(data.status).toBe(503);
    expect(data.body).toEqual(kiboError("SYSTEM_MAINTENANCE"));
    expect((await request(app.server).get("/health")).status).toBe(200);
  } finally {
    await app.close();
    await database.close();
  }
});

const onPostgres = postgresOnly("it cuts a TCP connection to the database server, and PGlite runs in-process");

onPostgres.test("when PostgreSQL goes away and comes back, Tally answers 503 meanwhile and recovers without a restart", async () => {
  const { proxy, database } = await openDatabaseThroughProxy();
  const app = await appWithFailingRoutes(database);
  try {
    expect((await request(app.server).get("/test/tenants")).status).toBe(200);
    await proxy.stop();
    expect((await request(app.server).get("/ready")).status).toBe(503);
    const during = await request(app.server).get("/test/tenants");
    expect(during.status).toBe(503);
    expect(during.body.errorCode).toBe("SYSTEM_MAINTENANCE");
    await proxy.start();
    expect((await request(app.server).get("/ready")).status).toBe(200);
    expect((await request(app.server).get("/test/tenants")).status).toBe(200);
  } finally {
    await app.close();
    await database.close();
    await proxy.stop();
  }
});
