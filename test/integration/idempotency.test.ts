import type { Database } from "../../src/db/database.js";
import { forTenant, type TenantDb } from "../../src/db/tenant-scope.js";
import { createTenant } from "../../src/demo/factories.js";
import { ApiError, Errors } from "../../src/errors.js";
import { hashRequest, type IdempotencyRequest, type TenantTx, withIdempotency } from "../../src/http/idempotency.js";
import { openTestDatabase, resetDatabase } from "../helpers/database.js";

let database: Database;
let db: TenantDb;
let tenantId: number;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 10 });
});
beforeEach(async () => {
  await resetDatabase(database);
  tenantId = (await createTenant(database.prisma)).id;
  db = forTenant(database.prisma, tenantId);
});
afterAll(() => database.close());

/** An effect with a visible trace: one outbox row per run. */
function effect(payload: Record<string, unknown>) {
  return async (tx: TenantTx) => {
    const row = await tx.notificationOutbox.create({ data: { tenantId, topic: "test.effect", entityId: "e-1", payload: payload as never } });
    return { statusCode: 201, body: { id: Number(row.id), payload } };
  };
}

function requestWith(key: string | undefined, body: unknown = { amount: 5 }, actor = "app-1"): IdempotencyRequest {
  return { tenantId, actor, key, operation: "POST /test", request: { body } };
}

const runs = () => db.notificationOutbox.count({ where: { topic: "test.effect" } });

test("without a key the effect runs every time", async () => {
  await withIdempotency(db, requestWith(undefined), effect({ n: 1 }));
  await withIdempotency(db, requestWith(undefined), effect({ n: 1 }));
  expect(await runs()).toBe(2);
});

test("a retry with the same key and request gets the first response, and the effect runs once", async () => {
  const first = await withIdempotency(db, requestWith("k-1"), effect({ n: 1 }));
  const retry = await withIdempotency(db, requestWith("k-1"), effect({ n: 2 }));
  expect(first).toEqual({ statusCode: 201, body: { id: expect.any(Number), payload: { n: 1 } }, replayed: false });
  expect(retry).toEqual({ ...first, replayed: true });
  expect(await runs()).toBe(1);
});

test("the same key with a different request is a 409, also on another operation", async () => {
  await withIdempotency(db, requestWith("k-2", { amount: 5 }), effect({}));
  const differentBody = withIdempotency(db, requestWith("k-2", { amount: 6 }), effect({}));
  await expect(differentBody).rejects.toMatchObject({
    statusCode: 409,
    errorCode: "VALIDATION_CONFLICT",
    message: "Idempotency-Key 'k-2' was already used for a different request (POST /test); use a new key for a new request.",
  });
  const otherOperation = withIdempotency(db, { ...requestWith("k-2"), operation: "POST /other" }, effect({}));
  await expect(otherOperation).rejects.toBeInstanceOf(ApiError);
  expect(await runs()).toBe(1);
});

test("keys belong to their actor and their tenant", async () => {
  await withIdempotency(db, requestWith("shared", {}, "app-1"), effect({}));
  await withIdempotency(db, requestWith("shared", {}, "app-2"), effect({}));
  const otherTenant = (await createTenant(database.prisma)).id;
  const otherDb = forTenant(database.prisma, otherTenant);
  const replayed = await withIdempotency(otherDb, { ...requestWith("shared", {}, "app-1"), tenantId: otherTenant }, async (tx) => {
    await tx.notificationOutbox.create({ data: { tenantId: otherTenant, topic: "test.effect", entityId: "e", payload: {} } });
    return { statusCode: 200, body: {} };
  });
  expect(replayed.replayed).toBe(false);
  expect(await runs()).toBe(2);
});

test("a failed effect stores nothing and rolls back, so a retry runs it", async () => {
  const failing = async (tx: TenantTx) => {
    await tx.notificationOutbox.create({ data: { tenantId, topic: "test.effect", entityId: "e", payload: {} } });
    throw Errors.conflict("not now");
  };
  await expect(withIdempotency(db, requestWith("k-3"), failing)).rejects.toMatchObject({ message: "not now" });
  expect(await runs()).toBe(0);
  expect(await db.idempotencyKey.count()).toBe(0);
  const retry = await withIdempotency(db, requestWith("k-3"), effect({ n: 3 }));
  expect(retry.replayed).toBe(false);
  expect(await runs()).toBe(1);
});

test("concurrent twins with one key apply the effect once and all answer the same", async () => {
  const results = await Promise.all(Array.from({ length: 12 }, () => withIdempotency(db, requestWith("k-race"), effect({ n: 4 }))));
  expect(await runs()).toBe(1);
  const bodies = new Set(results.map((result) => JSON.stringify([result.statusCode, result.body])));
  expect(bodies.size).toBe(1);
  expect(results.filter((result) => !result.replayed)).toHaveLength(1);
});

test("request hashes ignore property order but not values", () => {
  expect(hashRequest("op", { a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(hashRequest("op", { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
  expect(hashRequest("op", { a: 1 })).not.toBe(hashRequest("op", { a: 2 }));
  expect(hashRequest("op", { a: 1 })).not.toBe(hashRequest("op2", { a: 1 }));
  expect(hashRequest("op", { a: 1, b: undefined })).toBe(hashRequest("op", { a: 1 }));
});
