import { parseArgs } from "node:util";
import { BEHAVIORS, type Behavior } from "../auth/caller.js";
import { withDevelopmentKeys } from "../auth/keys.js";
import { ConfigError, loadConfig } from "../config.js";
import { signingKeySealer } from "../auth/secret-box.js";
import { registerApplication } from "../routes/platform/service.js";
import { openCliDatabase } from "./database.js";

const USAGE = `Usage: npm run app:create -- --tenant <id> --behaviors <list|all> [--name <name>] [--json]
  --behaviors  comma-separated, from: ${BEHAVIORS.join(", ")}`;

/** `npm run app:create`: registers an application and prints its client id and secret, once. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: "string" },
      behaviors: { type: "string" },
      name: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const tenantId = Number(values.tenant);
  if (!Number.isSafeInteger(tenantId) || tenantId <= 0 || !values.behaviors) throw new UsageError(USAGE);
  const requested = values.behaviors === "all" ? [...BEHAVIORS] : values.behaviors.split(",").map((b) => b.trim());
  const unknown = requested.filter((b) => !(BEHAVIORS as readonly string[]).includes(b));
  if (unknown.length > 0) throw new UsageError(`Unknown behavior(s): ${unknown.join(", ")}\n${USAGE}`);

  // The server's keys (outside production its per-installation file): the push-signing key is sealed with them.
  const config = withDevelopmentKeys(loadConfig(process.env));
  const database = await openCliDatabase(config, "app:create");
  let registered: { clientId: string; clientSecret: string; tenantName: string };
  try {
    const tenant = await database.prisma.tenant.findUnique({ where: { id: tenantId } });
    if (!tenant) throw new UsageError(`Tenant ${tenantId} does not exist.`);
    const credentials = await registerApplication(database.prisma, {
      tenantId,
      name: values.name ?? `Application for ${tenant.name}`,
      behaviors: requested as Behavior[],
      sealer: signingKeySealer(config),
    });
    registered = { ...credentials, tenantName: tenant.name };
  } finally {
    await database.close();
  }
  // Printed only once the database is closed: an embedded directory has then written the row to disk, so the
  // secret shown is never one of a write that could still be lost.
  const { clientId, clientSecret, tenantName } = registered;
  if (values.json) {
    console.log(JSON.stringify({ clientId, clientSecret }));
  } else {
    console.log(`Registered an application for tenant ${tenantId} (${tenantName}) with ${requested.join(", ")}.`);
    console.log(`client id:     ${clientId}`);
    console.log(`shared secret: ${clientSecret}`);
    console.log("The secret is shown only now; Tally keeps only its hash, and encrypted the key derived from it that signs push deliveries.");
  }
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof UsageError ? error.message : `app:create failed: ${(error as Error).message}`);
  process.exit(1);
});
