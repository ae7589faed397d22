import type { FastifyInstance } from "fastify";
import request from "supertest";
import { renderOpenApi } from "../../src/openapi.js";
import { buildTestApp } from "../helpers/app.js";
import { appAuth } from "../helpers/auth.js";
import { useTestDatabase } from "../helpers/harness.js";

const harness = useTestDatabase({ reset: false });
const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function appWith(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await buildTestApp(harness.database, env);
  apps.push(app);
  await app.ready();
  return app;
}

test("/docs serves Swagger UI and its assets from Tally itself, without a token", async () => {
  const app = await appWith();
  const page = await request(app.server).get("/docs");
  expect(page.status).toBe(200);
  expect(page.headers["content-type"]).toMatch(/^text\/html/);
  expect(page.text).toContain("swagger-ui-bundle.js");
  // Nothing from a CDN: every script and stylesheet is a path on this server.
  const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? "");
  expect(assets.length).toBeGreaterThan(0);
  for (const asset of assets) expect(asset).toMatch(/^\/docs\/static\//);
  const bundle = await request(app.server).get("/docs/static/swagger-ui-bundle.js");
  expect(bundle.status).toBe(200);
  expect(bundle.headers["content-type"]).toMatch(/javascript/);
  expect(page.headers["content-security-policy"]).toContain("connect-src 'self'");
});

test("/docs/json is the same document as openapi/openapi.json, and the docs routes are not in it", async () => {
  const app = await appWith();
  const response = await request(app.server).get("/docs/json");
  expect(response.status).toBe(200);
  expect(response.body).toEqual(JSON.parse(renderOpenApi(app)));
  expect(Object.keys(response.body.paths).filter((path) => path.startsWith("/docs"))).toEqual([]);
});

test("the docs do not count against the API rate limit", async () => {
  const app = await appWith({ RATE_LIMIT_PER_MINUTE: "1" });
  for (let i = 0; i < 3; i += 1) {
    const response = await request(app.server).get("/docs/json");
    expect(response.status).toBe(200);
    expect(response.headers["x-ratelimit-limit"]).toBeUndefined();
  }
  // The API itself is still limited.
  const api = await request(app.server).get("/api/commerce/customer/credits").set(await appAuth(app, 26507));
  expect(api.status).toBe(200);
  expect(api.headers["x-ratelimit-limit"]).toBe("1");
});

test.each([
  ["DOCS_ENABLED=false", { DOCS_ENABLED: "false" }],
  ["production by default", { NODE_ENV: "production" }],
])("/docs is not served with %s", async (_label, env) => {
  const app = await appWith(env);
  for (const path of ["/docs", "/docs/json", "/docs/static/swagger-ui-bundle.js"]) {
    expect((await request(app.server).get(path)).status).toBe(404);
  }
});

test("production serves /docs when DOCS_ENABLED=true", async () => {
  const app = await appWith({ NODE_ENV: "production", DOCS_ENABLED: "true" });
  expect((await request(app.server).get("/docs")).status).toBe(200);
});
