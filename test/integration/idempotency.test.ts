import { forTenant, type TenantDb } from "../../src/db/tenant-scope.js";
import { createTenant } from "../../src/demo/factories.js";
import { ApiError, Errors } from "../../src/errors.js";
import type { TenantTx } from "../../src/db/transactions.js";
import { hashRequest, type IdempotencyRequest, withIdempotency } from "../../src/http/idempotency.js";
import { useTestDatabase } from "../helpers/harness.js";
import { postgresOnly } from "../helpers/postgres-only.js";

const onPostgres = postgresOnly("PGlite runs one transaction at a time, so concurrent requests cannot race on it");

const harness = useTestDatabase({ poolSize: 10 });
let db: TenantDb;
let tenantId: number;

beforeEach(async () => {
  tenantId = (await createTenant(harness.database.prisma)).id;
  db = forTenant(harness.database.prisma, tenantId);
});

/** An effect with a visible trace: one outbox row per run. */
function effect(payload: Record<string, unknown>) {
  return async (tx: TenantTx) => {
    const row = await tx.notificationOutbox.create({ data: { tenantId, topic: "test.effect", entityId: "e-1", payload: payload as never } });
    return { statusCode: 201, body: { id: Number(row.id), payload } };
  };
}

function requestWith(key: string | undefined, body: unknown = { amount: 5 }, actor = "app-1", ttlHours = 24): IdempotencyRequest {
  return { tenantId, actor, key, operation: "POST /test", request: { body }, ttlHours };
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
  const otherTenant = (await createTenant(harness.database.prisma)).id;
  const otherDb = forTenant(harness.database.prisma, otherTenant);
  const replayed = await withIdempotency(otherDb, { ...requestWith("shared", {}, "app-1"), tenantId: otherTenant }, async (tx) => {
    await tx.notificationOutbox.create({ data: { tenantId: otherTenant, topic: "test.effect", entityId: "e", payload: {} } });
    return { statusCode: 200, body: {} };
  });
  expect(replayed.replayed).toBe(false);
  expect(await runs()).toBe(2);
});

/** An effect that writes, then fails with `error`: its write must never be kept. */
function failingWith(error: Error) {
  return async (tx: TenantTx) => {
    await tx.notificationOutbox.create({ data: { tenantId, topic: "test.effect", entityId: "e", payload: {} } });
    throw error;
  };
}

test("a refusal is the key's answer: its writes roll back, and a retry replays it without running the effect", async () => {
  await expect(withIdempotency(db, requestWith("k-3"), failingWith(Errors.conflict("not now")))).rejects.toMatchObject({
    statusCode: 409,
    message: "not now",
  });
  expect(await runs()).toBe(0);
  const retry = await withIdempotency(db, requestWith("k-3"), effect({ n: 3 }));
  expect(retry).toEqual({
    statusCode: 409,
    body: { message: "not now", errorCode: "VALIDATION_CONFLICT", applicationName: "Tally", additionalErrorData: [], items: [] },
    replayed: true,
  });
  expect(await runs()).toBe(0);
});

test.each([
  ["a 503", Errors.maintenance()],
  ["a 429", Errors.tooManyRequests("slow down")],
  ["an error that is not an answer", new Error("connection reset")],
])("%s stores nothing and rolls back, so a retry runs the effect", async (_name, error) => {
  await expect(withIdempotency(db, requestWith("k-5"), failingWith(error))).rejects.toBe(error);
  expect(await runs()).toBe(0);
  expect(await db.idempotencyKey.count()).toBe(0);
  const retry = await withIdempotency(db, requestWith("k-5"), effect({ n: 3 }));
  expect(retry.replayed).toBe(false);
  expect(await runs()).toBe(1);
});

onPostgres.test("concurrent twins with one key apply the effect once and all answer the same", async () => {
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

describe("a key older than the request's TTL is forgotten", () => {
  const HOUR = 3_600_000;
  /** A request whose deployment remembers keys for 2 hours. */
  const expiring = (key: string, body?: unknown) => requestWith(key, body, "app-1", 2);

  /** Moves the key's creation `hours` into the past, as if it had been stored then. */
  async function age(key: string, hours: number) {
    await db.idempotencyKey.updateMany({ where: { key }, data: { createdAt: new Date(Date.now() - hours * HOUR) } });
  }

  test("a retry after the TTL runs the effect again, and the new answer is what later retries replay", async () => {
    const first = await withIdempotency(db, expiring("k-old"), effect({ n: 1 }));
    await age("k-old", 2.1);
    const late = await withIdempotency(db, expiring("k-old"), effect({ n: 2 }));
    expect(late).toEqual({ statusCode: 201, body: { id: expect.any(Number), payload: { n: 2 } }, replayed: false });
    expect(late.body).not.toEqual(first.body);
    expect(await runs()).toBe(2);
    const again = await withIdempotency(db, expiring("k-old"), effect({ n: 3 }));
    expect(again).toEqual({ ...late, replayed: true });
    expect(await db.idempotencyKey.count()).toBe(1);
  });

  test("a retry within the TTL still replays", async () => {
    const first = await withIdempotency(db, expiring("k-young"), effect({ n: 1 }));
    await age("k-young", 1.9);
    expect(await withIdempotency(db, expiring("k-young"), effect({ n: 2 }))).toEqual({ ...first, replayed: true });
    expect(await runs()).toBe(1);
  });

  test("the TTL is the request's: with 24 hours a key of 2.1 hours still replays", async () => {
    const first = await withIdempotency(db, requestWith("k-default"), effect({ n: 1 }));
    await age("k-default", 2.1);
    expect(await withIdempotency(db, requestWith("k-default"), effect({ n: 2 }))).toEqual({ ...first, replayed: true });
    await age("k-default", 24.1);
    expect((await withIdempotency(db, requestWith("k-default"), effect({ n: 3 }))).replayed).toBe(false);
    expect(await runs()).toBe(2);
  });

  test("an expired key with another request is a new request, not a 409", async () => {
    await withIdempotency(db, expiring("k-reused", { amount: 5 }), effect({ n: 1 }));
    await age("k-reused", 3);
    const reused = await withIdempotency(db, expiring("k-reused", { amount: 6 }), effect({ n: 2 }));
    expect(reused.replayed).toBe(false);
    expect(await runs()).toBe(2);
  });

  onPostgres.test("concurrent retries with an expired key apply the effect once more and all answer the same", async () => {
    await withIdempotency(db, expiring("k-old-race"), effect({ n: 1 }));
    await age("k-old-race", 3);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => withIdempotency(db, expiring("k-old-race"), effect({ n: 2 }))),
    );
    expect(await runs()).toBe(2);
    expect(new Set(results.map((result) => JSON.stringify(result.body))).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
  });
});
