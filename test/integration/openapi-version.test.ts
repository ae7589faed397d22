import { readFileSync } from "node:fs";
import request from "supertest";
import { useTestApp } from "../helpers/harness.js";

const packageVersion = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;
const harness = useTestApp({ reset: false });

test("the OpenAPI document and /docs carry package.json's version", async () => {
  const committed = JSON.parse(readFileSync("openapi/openapi.json", "utf8")) as { info: { version: string } };
  expect(committed.info.version).toBe(packageVersion);
  const served = await request(harness.app.server).get("/docs/json");
  expect(served.status).toBe(200);
  expect(served.body.info.version).toBe(packageVersion);
});
