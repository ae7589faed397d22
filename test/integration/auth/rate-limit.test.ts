import request from "supertest";
import { appAuth, shopperAuth } from "../../helpers/auth.js";
import { useTestApp } from "../../helpers/harness.js";

const harness = useTestApp({
  env: { RATE_LIMIT_PER_MINUTE: "3" },
  reset: false,
  beforeReady: (app) => app.get("/api/test/limited", { config: { auth: { behaviors: [], shoppers: true } } }, async () => ({ ok: true })),
});

test("each caller has its own per-minute budget; past it, 429 TOO_MANY_REQUESTS with Retry-After", async () => {
  const first = await appAuth(harness.app, 1, [], "client-one");
  const second = await appAuth(harness.app, 1, [], "client-two");
  const statuses = [];
  for (let i = 0; i < 4; i += 1) statuses.push((await request(harness.app.server).get("/api/test/limited").set(first)).status);
  expect(statuses).toEqual([200, 200, 200, 429]);
  const limited = await request(harness.app.server).get("/api/test/limited").set(first);
  expect(limited.body).toMatchObject({ errorCode: "TOO_MANY_REQUESTS", applicationName: "Tally" });
  expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
  expect((await request(harness.app.server).get("/api/test/limited").set(second)).status).toBe(200);
  expect((await request(harness.app.server).get("/api/test/limited").set(await shopperAuth(1, 5))).status).toBe(200);
});

test("health probes are never throttled", async () => {
  for (let i = 0; i < 6; i += 1) expect((await request(harness.app.server).get("/health")).status).toBe(200);
});
