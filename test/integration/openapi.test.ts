import { readFileSync } from "node:fs";
import { openTestDatabase } from "../helpers/database.js";
import { buildTestApp } from "../helpers/app.js";
import { renderOpenApi } from "../../src/openapi.js";

test("the committed OpenAPI document matches the routes (if not: run npm run openapi)", async () => {
  const database = await openTestDatabase();
  const app = await buildTestApp(database);
  try {
    await app.ready();
    const committed = readFileSync("openapi/openapi.json", "utf8");
    const fresh = renderOpenApi(app);
    if (committed !== fresh) {
      throw new Error("openapi/openapi.json is stale: run npm run openapi and commit the result");
    }
    const document = JSON.parse(fresh) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/health", "/ready"]));
  } finally {
    await app.close();
    await database.close();
  }
});
