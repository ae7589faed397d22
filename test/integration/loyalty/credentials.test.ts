import type { FastifyInstance } from "fastify";
import request from "supertest";
import { createLoyaltyAccount, createLoyaltyApiUser } from "../../../src/demo/factories.js";
import { buildLoggedApp, buildTestApp } from "../../helpers/app.js";
import { appAuth } from "../../helpers/auth.js";
import { EXAMPLE, JANE_DOE_LINE, asText, bodyOf, createExample, exampleParams, parseXml } from "./report-helpers.js";
import { useTestApp } from "../../helpers/harness.js";

const harness = useTestApp();

function post(params: Record<string, string>, headers: Record<string, string> = {}, target: FastifyInstance = harness.app) {
  return request(target.server).post("/api.php").type("form").set(headers).send(params).buffer(true).parse(asText);
}

const INVALID = "The user, API key or account is not valid.";

describe("the api_access_key header", () => {
  test("carries the key instead of user_password", async () => {
    await createExample(harness.database.prisma);
    const { user_password: _key, ...params } = exampleParams();
    const response = await post(params, { api_access_key: EXAMPLE.key });
    expect(response.status).toBe(200);
    expect(parseXml(bodyOf(response)).customer).toEqual([JANE_DOE_LINE]);
  });

  test("wins over the body: a right header opens despite a wrong body key…", async () => {
    await createExample(harness.database.prisma);
    const response = await post(exampleParams({ user_password: "wrong" }), { api_access_key: EXAMPLE.key });
    expect(response.status).toBe(200);
  });

  test("…and a wrong header fails despite a right body key", async () => {
    await createExample(harness.database.prisma);
    const response = await post(exampleParams(), { api_access_key: "wrong" });
    expect(response.status).toBe(401);
    expect(parseXml(bodyOf(response)).error).toBe(INVALID);
  });
});

describe("wrong credentials", () => {
  test("a wrong user, key or account, or no key at all, get the very same 401", async () => {
    const { account } = await createExample(harness.database.prisma);
    // A real user of another account, with the example's key: credentials do not cross accounts.
    const other = await createLoyaltyAccount(harness.database.prisma, { tenantId: account.tenantId });
    await createLoyaltyApiUser(harness.database.prisma, { accountId: other.id, userId: "mary1980", key: EXAMPLE.key });
    const { user_password: _key, ...withoutKey } = exampleParams();
    const attempts = [
      exampleParams({ user_id: "john1971" }),
      exampleParams({ user_password: `${EXAMPLE.key}0` }),
      exampleParams({ account_id: "greatgadgets" }),
      exampleParams({ account_id: other.accountCode }),
      exampleParams({ user_id: "mary1980" }),
      withoutKey,
      // PostgreSQL text cannot hold NUL: such a user or account cannot exist, and must not reach the database.
      exampleParams({ user_id: `${EXAMPLE.userId}\u0000` }),
      exampleParams({ account_id: `\u0000${EXAMPLE.accountCode}` }),
    ];
    for (const params of attempts) {
      const response = await post({ ...params, output: "JSON" });
      expect({ status: response.status, body: bodyOf(response) }).toEqual({
        status: 401,
        body: JSON.stringify({ status: "error", error: INVALID }, null, 2),
      });
    }
  });

  test("a revoked user is refused like a wrong one", async () => {
    const { user } = await createExample(harness.database.prisma);
    await harness.database.prisma.loyaltyApiUser.update({ where: { id: user.id }, data: { revokedAt: new Date() } });
    const response = await post(exampleParams());
    expect(response.status).toBe(401);
    expect(parseXml(bodyOf(response)).error).toBe(INVALID);
  });

  test("Tally's bearer tokens do not open the endpoint: it has its own credentials", async () => {
    const { account } = await createExample(harness.database.prisma);
    const { user_password: _key, ...params } = exampleParams();
    const response = await post(params, await appAuth(harness.app, account.tenantId, ["LoyaltyReportRead"]));
    expect(response.status).toBe(401);
  });
});

describe("guessing is throttled", () => {
  async function withFreshApp(run: (fresh: FastifyInstance) => Promise<void>): Promise<void> {
    // Failure counters belong to the harness.app instance; a fresh one keeps other tests' failures out of the count.
    const fresh = await buildTestApp(harness.database);
    await fresh.ready();
    try {
      await run(fresh);
    } finally {
      await fresh.close();
    }
  }

  test("after 10 failures for one user, even the right key gets 429 with Retry-After, in the requested format", async () => {
    await createExample(harness.database.prisma);
    await withFreshApp(async (fresh) => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 10; attempt += 1) {
        statuses.push((await post(exampleParams({ user_password: `guess-${attempt}` }), {}, fresh)).status);
      }
      expect(statuses).toEqual(Array(10).fill(401));
      const throttled = await post(exampleParams({ output: "JSON", condensed: "yes" }), {}, fresh);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers["retry-after"])).toBeGreaterThan(0);
      expect(Number(throttled.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(JSON.parse(bodyOf(throttled))).toEqual({
        status: "error",
        error: expect.stringMatching(/^Too many failed sign-ins; retry in \d+ seconds\.$/),
      });
      const asXml = await post(exampleParams(), {}, fresh);
      expect(asXml.status).toBe(429);
      expect(parseXml(bodyOf(asXml)).error).toMatch(/^Too many failed sign-ins/);
    });
  });

  test("another user of the account is not locked out by someone guessing john1970's key", async () => {
    const { account } = await createExample(harness.database.prisma);
    const colleague = await createLoyaltyApiUser(harness.database.prisma, { accountId: account.id, userId: "mary1980" });
    await withFreshApp(async (fresh) => {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        await post(exampleParams({ user_password: `guess-${attempt}` }), {}, fresh);
      }
      const response = await post(exampleParams({ user_id: colleague.userId, user_password: colleague.key }), {}, fresh);
      expect(response.status).toBe(200);
    });
  });

  test("30 failures from one address throttle it whatever user it tries next", async () => {
    await createExample(harness.database.prisma);
    await withFreshApp(async (fresh) => {
      for (let attempt = 0; attempt < 30; attempt += 1) {
        expect((await post(exampleParams({ user_id: `user${attempt}` }), {}, fresh)).status).toBe(401);
      }
      const response = await post(exampleParams(), {}, fresh);
      expect(response.status).toBe(429);
      expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
    });
  });
});

test("keys reach neither the log nor the database", async () => {
  await createExample(harness.database.prisma);
  const lines: Record<string, unknown>[] = [];
  const logged = await buildLoggedApp(harness.database, lines);
  await logged.ready();
  try {
    const headerKey = "header-key-4e1b9c";
    await request(logged.server).get("/api.php").query(exampleParams()).buffer(true).parse(asText);
    await request(logged.server)
      .get("/api.php")
      .query(exampleParams({ user_password: "wrong-key-77aa" }))
      .set("api_access_key", headerKey)
      .buffer(true)
      .parse(asText);
    await post(exampleParams({ user_password: "posted-key-0c0c" }), {}, logged);
    const text = JSON.stringify(lines);
    for (const secret of [EXAMPLE.key, headerKey, "wrong-key-77aa", "posted-key-0c0c"]) expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
  } finally {
    await logged.close();
  }
  const stored = await harness.database.prisma.loyaltyApiUser.findMany();
  expect(stored.map((user) => user.keyHash)).toEqual([expect.stringMatching(/^scrypt\$/)]);
  expect(JSON.stringify(stored)).not.toContain(EXAMPLE.key);
});
