import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import request from "supertest";
import { buildLoggedApp, buildTestApp } from "../helpers/app.js";
import { appAuth } from "../helpers/auth.js";
import { useTestDatabase } from "../helpers/harness.js";
import { asText, bodyOf, createExample, exampleParams } from "./loyalty/report-helpers.js";

// Needs the Redis server CI and development machines run (it keeps nothing on disk); each test has keys of its own.
const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
// Nothing listens on port 1: connecting fails at once, as when Redis is down.
const UNREACHABLE = "redis://127.0.0.1:1";
const OAUTH = "/api/platform/applications/authtickets/oauth";
const LIMITED = "/api/test/limited";

const harness = useTestDatabase();
// Building an app takes seconds on a busy machine; each describe builds its apps once.
const BUILD_TIMEOUT_MS = 120_000;
const opened: FastifyInstance[] = [];

/** Closes the apps a describe opened, before the file's database closes. */
function closeReplicasAfterAll(): void {
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((app) => app.close()));
  });
}

/** `count` apps on the test database, as replicas would be; REDIS_URL and one key prefix unless `env` says otherwise. */
async function replicas(count: number, env: Record<string, string>, lines?: Record<string, unknown>[]): Promise<FastifyInstance[]> {
  const shared = { REDIS_URL, REDIS_KEY_PREFIX: `tally-test:${randomUUID()}:`, ...env };
  const apps: FastifyInstance[] = [];
  for (let i = 0; i < count; i += 1) {
    const app = lines ? await buildLoggedApp(harness.database, lines, shared) : await buildTestApp(harness.database, shared);
    opened.push(app);
    app.get(LIMITED, { config: { auth: { behaviors: [] } } }, async () => ({ ok: true }));
    await app.ready();
    apps.push(app);
  }
  return apps;
}

function signIn(app: FastifyInstance, params: Record<string, string>) {
  return request(app.server).post("/api.php").type("form").send(params).buffer(true).parse(asText);
}

function tokenAttempt(app: FastifyInstance, clientId: string, secret: string) {
  return request(app.server).post(OAUTH).send({ client_id: clientId, client_secret: secret, grant_type: "client_credentials" });
}

// Each test below counts against keys of its own (a caller, a client id, a loyalty user), so they share the replicas.
describe("with REDIS_URL, replicas share one budget", () => {
  closeReplicasAfterAll();
  const LIMIT = 20;
  let first: FastifyInstance;
  let second: FastifyInstance;
  beforeAll(async () => {
    [first, second] = (await replicas(2, { RATE_LIMIT_PER_MINUTE: String(LIMIT), TOKEN_RATE_LIMIT_PER_MINUTE: "2" })) as [
      FastifyInstance,
      FastifyInstance,
    ];
  }, BUILD_TIMEOUT_MS);

  test("the per-caller limit: the 21st request of a caller is refused whichever replica it reaches", async () => {
    const caller = await appAuth(first, 1, [], "client-one");
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i += 1) statuses.push((await request((i % 2 ? second : first).server).get(LIMITED).set(caller)).status);
    expect(statuses).toEqual(Array(LIMIT).fill(200));
    for (const app of [first, second]) {
      const refused = await request(app.server).get(LIMITED).set(caller);
      expect(refused.status).toBe(429);
      expect(refused.body.errorCode).toBe("TOO_MANY_REQUESTS");
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
    }
    // Still one budget per caller.
    expect((await request(first.server).get(LIMITED).set(await appAuth(first, 1, [], "client-two"))).status).toBe(200);
  });

  test("replicas under another key prefix count apart", async () => {
    const [other] = await replicas(1, { RATE_LIMIT_PER_MINUTE: "1" });
    const caller = await appAuth(first, 1, [], "client-three");
    expect((await request(first.server).get(LIMITED).set(caller)).status).toBe(200);
    expect((await request(other!.server).get(LIMITED).set(caller)).status).toBe(200);
    expect((await request(other!.server).get(LIMITED).set(caller)).status).toBe(429);
    expect((await request(second.server).get(LIMITED).set(caller)).status).toBe(200);
  }, BUILD_TIMEOUT_MS);

  test("the token endpoint's limit: the 3rd attempt for a client id is refused on the other replica", async () => {
    expect((await tokenAttempt(first, "guessed-app", "guess-1")).status).toBe(401);
    expect((await tokenAttempt(second, "guessed-app", "guess-2")).status).toBe(401);
    const refused = await tokenAttempt(first, "guessed-app", "guess-3");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect((await tokenAttempt(second, "another-app", "guess-1")).status).toBe(401);
  });

  test("the sign-in throttle: 10 failures spread over replicas lock the user out on both", async () => {
    await createExample(harness.database.prisma);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      statuses.push((await signIn(attempt % 2 ? second : first, exampleParams({ user_password: `guess-${attempt}` }))).status);
    }
    expect(statuses).toEqual(Array(10).fill(401));
    for (const app of [first, second]) {
      const throttled = await signIn(app, exampleParams({ output: "JSON" }));
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers["retry-after"])).toBeGreaterThan(0);
      expect(Number(throttled.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(JSON.parse(bodyOf(throttled)).error).toMatch(/^Too many failed sign-ins/);
    }
  });
});

describe("while Redis is unreachable", () => {
  closeReplicasAfterAll();
  const lines: Record<string, unknown>[] = [];
  let app: FastifyInstance;
  beforeAll(async () => {
    [app] = (await replicas(1, { REDIS_URL: UNREACHABLE, RATE_LIMIT_PER_MINUTE: "2" }, lines)) as [FastifyInstance];
  }, BUILD_TIMEOUT_MS);

  test("requests are served uncounted, without waiting for Redis", async () => {
    const caller = await appAuth(app, 1, [], "client-one");
    let slowestMs = 0;
    for (let i = 0; i < 5; i += 1) {
      const before = performance.now();
      expect((await request(app.server).get(LIMITED).set(caller)).status).toBe(200);
      slowestMs = Math.max(slowestMs, performance.now() - before);
    }
    expect(slowestMs).toBeLessThan(2_000);
    // The token endpoint's limit fails open too: every attempt reaches the secret check.
    for (let i = 0; i < 3; i += 1) expect((await tokenAttempt(app, "guessed-app", `guess-${i}`)).status).toBe(401);
  });

  test("the outage is logged once, without the URL, though the client keeps retrying", () => {
    const warnings = lines.filter((line) => String(line["msg"]).startsWith("Redis unreachable"));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).not.toContain("redis://");
  });

  test("the sign-in throttle counts in process instead: 10 failures still lock the user out", async () => {
    await createExample(harness.database.prisma);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await signIn(app, exampleParams({ user_password: `guess-${attempt}` }))).status).toBe(401);
    }
    const throttled = await signIn(app, exampleParams());
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers["retry-after"])).toBeGreaterThan(0);
  });
});
