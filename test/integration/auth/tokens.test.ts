import { SignJWT, base64url } from "jose";
import request from "supertest";
import { createTenant, createWebsite } from "../../../src/demo/factories.js";
import { registerApplication } from "../../../src/routes/platform/service.js";
import { buildLoggedApp } from "../../helpers/app.js";
import { TEST_KEYS, appAuth, shopperAuth } from "../../helpers/auth.js";
import { requireCaller } from "../../../src/http/caller.js";
import { useTestApp } from "../../helpers/harness.js";

const logLines: Record<string, unknown>[] = [];
const harness = useTestApp({
  logLines,
  env: { TOKEN_RATE_LIMIT_PER_MINUTE: "5" },
  beforeReady(app) {
    app.get("/api/test/needs-credit-read", { config: { auth: { behaviors: ["CreditRead"] } } }, async (req) => ({
      tenantId: requireCaller(req).tenantId,
      kind: requireCaller(req).kind,
    }));
    app.get("/api/test/shoppers-welcome", { config: { auth: { behaviors: ["CreditRead"], shoppers: true } } }, async (req) => {
      const caller = requireCaller(req);
      return { kind: caller.kind, customerId: caller.kind === "shopper" ? caller.customerId : null };
    });
  },
});
beforeEach(() => {
  logLines.length = 0;
});

const OAUTH = "/api/platform/applications/authtickets/oauth";

async function registeredApp(behaviors = ["CreditRead"] as const) {
  const tenant = await createTenant(harness.database.prisma);
  const credentials = await registerApplication(harness.database.prisma, { tenantId: tenant.id, name: "Test app", behaviors });
  return { tenant, ...credentials };
}

describe("client credentials", () => {
  test("a registered application gets a bearer token that opens its tenant's routes", async () => {
    const { tenant, clientId, clientSecret } = await registeredApp();
    const ticket = await request(harness.app.server)
      .post(OAUTH)
      .send({ client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" });
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "CreditRead" });
    const response = await request(harness.app.server)
      .get("/api/test/needs-credit-read")
      .set("authorization", `Bearer ${ticket.body.access_token}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ tenantId: tenant.id, kind: "application" });
  });

  test("a refresh token works exactly once", async () => {
    const { clientId, clientSecret } = await registeredApp();
    const body = { client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" };
    const first = await request(harness.app.server).post(OAUTH).send(body);
    const refreshed = await request(harness.app.server).post(OAUTH).send({ ...body, refresh_token: first.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    const replayed = await request(harness.app.server).post(OAUTH).send({ ...body, refresh_token: first.body.refresh_token });
    expect(replayed.status).toBe(401);
  });

  test("a revoked application gets no new token nor refresh; an access token it holds lasts until its exp (stateless, cached or not)", async () => {
    const { clientId, clientSecret } = await registeredApp();
    const body = { client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" };
    const ticket = await request(harness.app.server).post(OAUTH).send(body);
    const bearer = { authorization: `Bearer ${ticket.body.access_token}` };
    expect((await request(harness.app.server).get("/api/test/needs-credit-read").set(bearer)).status).toBe(200);

    await harness.database.prisma.application.update({ where: { clientId }, data: { revokedAt: new Date() } });
    expect((await request(harness.app.server).post(OAUTH).send(body)).status).toBe(401);
    const refreshed = await request(harness.app.server).post(OAUTH).send({ ...body, refresh_token: ticket.body.refresh_token });
    expect(refreshed.status).toBe(401);
    expect((await request(harness.app.server).get("/api/test/needs-credit-read").set(bearer)).status).toBe(200);
  });

  test("a wrong secret and an unknown client id get the same answer", async () => {
    const { clientId } = await registeredApp();
    const wrongSecret = await request(harness.app.server)
      .post(OAUTH)
      .send({ client_id: clientId, client_secret: "guess", grant_type: "client_credentials" });
    const unknownClient = await request(harness.app.server)
      .post(OAUTH)
      .send({ client_id: "nobody", client_secret: "guess", grant_type: "client_credentials" });
    expect(wrongSecret.status).toBe(401);
    expect(unknownClient.status).toBe(401);
    expect(wrongSecret.body).toEqual(unknownClient.body);
    expect(wrongSecret.body.errorCode).toBe("UNAUTHORIZED");
  });

  test("guessing a secret is throttled: 429 TOO_MANY_REQUESTS with Retry-After", async () => {
    const { clientId } = await registeredApp();
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let attempt = 0; attempt < 7; attempt += 1) {
      last = await request(harness.app.server)
        .post(OAUTH)
        .send({ client_id: clientId, client_secret: `guess-${attempt}`, grant_type: "client_credentials" });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(last?.body.errorCode).toBe("TOO_MANY_REQUESTS");
    expect(Number(last?.headers["retry-after"])).toBeGreaterThan(0);
  });

  test("neither the secret nor the tokens reach the log", async () => {
    const { clientId, clientSecret } = await registeredApp();
    const ticket = await request(harness.app.server)
      .post(OAUTH)
      .send({ client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" });
    await request(harness.app.server).get("/api/test/needs-credit-read").set("authorization", `Bearer ${ticket.body.access_token}`);
    const logged = JSON.stringify(logLines);
    expect(logged).not.toContain(clientSecret);
    expect(logged).not.toContain(ticket.body.access_token);
    expect(logged).not.toContain(ticket.body.refresh_token);
    const stored = await harness.database.prisma.application.findUniqueOrThrow({ where: { clientId } });
    expect(logged).not.toContain(stored.secretHash);
    expect(stored.secretHash).toMatch(/^scrypt\$/);
    expect(stored.secretHash).not.toContain(clientSecret);
  });
});

describe("bearer tokens", () => {
  const tenantId = 4242;
  const get = (headers: Record<string, string>) => request(harness.app.server).get("/api/test/needs-credit-read").set(headers);

  test("no token → 401", async () => {
    const response = await request(harness.app.server).get("/api/test/needs-credit-read");
    expect(response.status).toBe(401);
    expect(response.body.errorCode).toBe("UNAUTHORIZED");
  });

  test("a token signed with another key → 401", async () => {
    const forged = await new SignJWT({ tid: tenantId, beh: ["CreditRead"], typ: "app" })
      .setProtectedHeader({ alg: "HS256", kid: "test-1" })
      .setIssuer("tally")
      .setAudience("tally-api")
      .setSubject("forger")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("not-the-key-not-the-key-not-the-key!"));
    expect((await get({ authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  test("an expired token → 401 saying so", async () => {
    const [kid, secret] = TEST_KEYS.AUTH_SIGNING_KEYS.split(":") as [string, string];
    const expired = await new SignJWT({ tid: tenantId, beh: ["CreditRead"], typ: "app" })
      .setProtectedHeader({ alg: "HS256", kid })
      .setIssuer("tally")
      .setAudience("tally-api")
      .setSubject("old")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(secret));
    const response = await get({ authorization: `Bearer ${expired}` });
    expect(response.status).toBe(401);
    expect(response.body.message).toBe("The token has expired.");
  });

  test("alg: none is never accepted, for application or shopper tokens", async () => {
    const header = (kid?: string) => base64url.encode(JSON.stringify({ alg: "none", typ: "JWT", ...(kid ? { kid } : {}) }));
    const payload = base64url.encode(
      JSON.stringify({ tid: tenantId, beh: ["CreditRead"], typ: "app", sub: "x", iss: "tally", aud: "tally-api", exp: 9999999999 }),
    );
    for (const token of [`${header("test-1")}.${payload}.`, `${header()}.${payload}.`]) {
      expect((await get({ authorization: `Bearer ${token}` })).status).toBe(401);
    }
  });

  test("a shopper token signed with an algorithm outside the allow-list (HS512) → 401", async () => {
    const token = await new SignJWT({ tid: tenantId })
      .setProtectedHeader({ alg: "HS512" })
      .setSubject("7")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(TEST_KEYS.SHOPPER_TOKEN_SECRET));
    expect((await request(harness.app.server).get("/api/test/shoppers-welcome").set("authorization", `Bearer ${token}`)).status).toBe(401);
  });

  test("a valid token lacking the route's behavior → 403 naming it", async () => {
    const response = await get(await appAuth(harness.app, tenantId, ["BalanceRead"]));
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ errorCode: "FORBIDDEN", message: "The token lacks the required behavior CreditRead." });
  });

  test("an x-vol-tenant header that disagrees with the token → 403", async () => {
    const response = await get({ ...(await appAuth(harness.app, tenantId)), "x-vol-tenant": "26507" });
    expect(response.status).toBe(403);
    const agreeing = await get({ ...(await appAuth(harness.app, tenantId)), "x-vol-tenant": String(tenantId) });
    expect(agreeing.status).toBe(200);
  });

  test("x-vol-site must be one of the tenant's sites", async () => {
    const tenant = await createTenant(harness.database.prisma);
    const own = await createWebsite(harness.database.prisma, { tenantId: tenant.id });
    const foreign = await createWebsite(harness.database.prisma);
    const auth = await appAuth(harness.app, tenant.id);
    expect((await get({ ...auth, "x-vol-site": String(own.siteId) })).status).toBe(200);
    const response = await get({ ...auth, "x-vol-site": String(foreign.siteId) });
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/does not belong to tenant/);
  });

  test("shopper tokens reach only routes that admit shoppers", async () => {
    const shopper = await shopperAuth(tenantId, 77);
    expect((await get(shopper)).status).toBe(403);
    const welcome = await request(harness.app.server).get("/api/test/shoppers-welcome").set(shopper);
    expect(welcome.body).toEqual({ kind: "shopper", customerId: 77 });
  });

  test("a rotated-out key no longer verifies; a key still listed does", async () => {
    const oldKey = `old-1:${"o".repeat(40)}`;
    const rotating = await buildLoggedApp(harness.database, [], { AUTH_SIGNING_KEYS: `${TEST_KEYS.AUTH_SIGNING_KEYS},${oldKey}` });
    const signedWithOld = await buildLoggedApp(harness.database, [], { AUTH_SIGNING_KEYS: oldKey });
    for (const instance of [rotating, signedWithOld]) {
      instance.get("/api/test/needs-credit-read", { config: { auth: { behaviors: ["CreditRead"] } } }, async () => ({ ok: true }));
      await instance.ready();
    }
    try {
      const oldToken = await appAuth(signedWithOld, tenantId);
      expect((await request(rotating.server).get("/api/test/needs-credit-read").set(oldToken)).status).toBe(200);
      expect((await get(oldToken)).status).toBe(401);
    } finally {
      await rotating.close();
      await signedWithOld.close();
    }
  });
});

test("GET /api/platform/tenants/{id} returns the token's own tenant with its sites, and hides others", async () => {
  const tenant = await createTenant(harness.database.prisma, { domain: "t1.example.test" });
  const website = await createWebsite(harness.database.prisma, { tenantId: tenant.id, baseCurrencyCode: "CAD" });
  const other = await createTenant(harness.database.prisma);
  const auth = await appAuth(harness.app, tenant.id, []);
  const own = await request(harness.app.server).get(`/api/platform/tenants/${tenant.id}`).set(auth);
  expect(own.status).toBe(200);
  expect(own.body).toEqual({
    id: tenant.id,
    name: tenant.name,
    domain: "t1.example.test",
    sites: [{ id: website.siteId, siteId: website.siteId, tenantId: tenant.id, name: website.name, domain: "t1.example.test", currencyCode: "CAD" }],
  });
  expect((await request(harness.app.server).get(`/api/platform/tenants/${other.id}`).set(auth)).status).toBe(404);
});
