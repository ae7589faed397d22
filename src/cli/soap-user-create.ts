import { parseArgs } from "node:util";
import { createApiUser, isValidUsername, MAGENTO_API_RESOURCES, unknownResources, UsernameTakenError } from "../auth/magento-api.js";
import { ConfigError, loadConfig } from "../config.js";
import { openCliDatabase } from "./database.js";

const USAGE = `Usage: npm run soap-user:create -- --tenant <id> --username <name> --resources <list> [--json]
  --username   1 to 100 characters, unique across Tally (Magento's login names no tenant); case-sensitive
  --resources  comma-separated Magento ACL resources, from: ${MAGENTO_API_RESOURCES.join(", ")}
               (a resource grants the ones below it: sales/order/creditmemo grants sales/order/creditmemo/info)`;

/** `npm run soap-user:create`: creates a Magento SOAP API user and prints its API key, once. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: "string" },
      username: { type: "string" },
      resources: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const tenantId = Number(values.tenant);
  const { username } = values;
  if (!Number.isSafeInteger(tenantId) || tenantId <= 0 || username === undefined || !values.resources) {
    throw new UsageError(USAGE);
  }
  if (!isValidUsername(username)) throw new UsageError(`Invalid user name ${JSON.stringify(username)}.\n${USAGE}`);
  const resources = values.resources
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (resources.length === 0) throw new UsageError(USAGE);
  const unknown = unknownResources(resources);
  if (unknown.length > 0) throw new UsageError(`Unknown resource(s): ${unknown.join(", ")}\n${USAGE}`);

  const database = await openCliDatabase(loadConfig(process.env), "soap-user:create");
  let created: { apiKey: string; tenantName: string };
  try {
    const tenant = await database.prisma.tenant.findUnique({ where: { id: tenantId } });
    if (!tenant) throw new UsageError(`Tenant ${tenantId} does not exist.`);
    const { apiKey } = await createApiUser(database.prisma, { tenantId, username, resources });
    created = { apiKey, tenantName: tenant.name };
  } finally {
    await database.close();
  }
  // Printed only once the database is closed: an embedded directory has then written the row to disk, so the key
  // shown is never one of a write that could still be lost.
  if (values.json) {
    console.log(JSON.stringify({ username, apiKey: created.apiKey }));
  } else {
    console.log(`Created Magento API user ${username} for tenant ${tenantId} (${created.tenantName}) with ${resources.join(", ")}.`);
    console.log(`username: ${username}`);
    console.log(`API key:  ${created.apiKey}`);
    console.log("The key is shown only now and cannot be shown again; Tally keeps only its hash.");
  }
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof UsageError || error instanceof UsernameTakenError;
  console.error(known ? error.message : `soap-user:create failed: ${(error as Error).message}`);
  process.exit(1);
});
