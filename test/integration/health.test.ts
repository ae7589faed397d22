import type { FastifyInstance } from "fastify";
import request from "supertest";
import type { Database } from "../../src/db/database.js";
import { buildTestApp } from "../helpers/app.js";
import { openTestDatabase } from "../helpers/database.js";

let database: Database;
let app: FastifyInstance;

beforeAll(async () => {
  database = await openTestDatabase();
  app = await buildTestApp(database);
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await database.close();
});

test("GET /health answers 200 while the process runs", async () => {
  const response = await request(app.server).get("/health");
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: "ok" });
});

test("GET /ready answers 200 and names the database kind when the database answers", async () => {
  const response = await request(app.server).get("/ready");
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: "ok", database: database.kind });
});

test("every response carries a correlation id, generated when the caller sends none", async () => {
  const response = await request(app.server).get("/health");
  expect(response.headers["x-vol-correlation"]).toMatch(/^[0-9a-f]{32}$/);
});

test("a caller's correlation id is echoed back", async () => {
  const response = await request(app.server).get("/health").set("x-vol-correlation", "order-flow-42");
  expect(response.headers["x-vol-correlation"]).toBe("order-flow-42");
});

test("a correlation id that could forge log fields is replaced", async () => {
  const response = await request(app.server).get("/health").set("x-vol-correlation", 'x" injected="1');
  expect(response.headers["x-vol-correlation"]).toMatch(/^[0-9a-f]{32}$/);
});

test("an unknown route answers 404 in Kibo's error shape with a correlation id", async () => {
  const response = await request(app.server).get("/api/commerce/nothing-here?x=1");
  expect(response.status).toBe(404);
  expect(response.headers["x-vol-correlation"]).toBeDefined();
  expect(response.body).toEqual({
    message: "No route matches GET /api/commerce/nothing-here.",
    errorCode: "ITEM_NOT_FOUND",
    applicationName: "Tally",
    additionalErrorData: [],
    items: [],
  });
});
