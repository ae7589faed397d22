import { mkdirSync, writeFileSync } from "node:fs";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { renderOpenApi } from "../src/openapi.js";

/** `npm run openapi`: writes openapi/openapi.json from the routes' TypeBox schemas. */
const database = await openDatabase({ dataDir: "memory://", poolSize: 1, connectTimeoutMs: 5_000 });
// Throwaway keys: the document does not depend on them, and the script must not create key files.
const throwawayKey = "x".repeat(32);
// No delivery loop: the document is all this app is built for.
const config = loadConfig({
  LOG_LEVEL: "silent",
  AUTH_SIGNING_KEYS: `openapi:${throwawayKey}`,
  SHOPPER_TOKEN_SECRET: throwawayKey,
  EVENT_DELIVERY_CONCURRENCY: "0",
});
const app = await buildApp(config, { database, logger: false });
await app.ready();
mkdirSync("openapi", { recursive: true });
writeFileSync("openapi/openapi.json", renderOpenApi(app));
await app.close();
await database.close();
console.log("openapi/openapi.json written");
