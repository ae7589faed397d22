import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { forTenant } from "../db/tenant-scope.js";
import { TRANSACTION_OPTIONS } from "../db/transactions.js";
import { ApiError } from "../errors.js";
import { endpointPolicy } from "../events/push/endpoint-policy.js";
import { EVENT_TOPICS } from "../events/topics.js";
import type { EventSubscriptionJson } from "../routes/events/push-schemas.js";
import { serializeSubscription } from "../routes/events/push-serialize.js";
import { checkSubscriptionInput, createSubscription } from "../routes/events/subscriptions.js";
import { openCliDatabase } from "./database.js";

const USAGE = `Usage: npm run subscription:create -- --client-id <id> --endpoint <url> --topics <list|all> [--inactive] [--json]
  --client-id  the application that subscribes (its deliveries are signed with its shared secret)
  --topics     comma-separated, from: ${EVENT_TOPICS.join(", ")}`;

/**
 * `npm run subscription:create`: subscribes an application to push deliveries, checked exactly as
 * `POST /api/event/push/subscriptions` checks it (under this process's EVENT_ALLOW_HTTP and EVENT_ALLOWED_HOSTS).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "client-id": { type: "string" },
      endpoint: { type: "string" },
      topics: { type: "string" },
      inactive: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const clientId = values["client-id"];
  const { endpoint } = values;
  if (!clientId || !endpoint || !values.topics) throw new UsageError(USAGE);
  const topics = values.topics === "all" ? [...EVENT_TOPICS] : values.topics.split(",").map((topic) => topic.trim());
  const input = { endpoint, topics, isActive: !values.inactive };

  const config = loadConfig(process.env);
  await checkSubscriptionInput(input, endpointPolicy(config));
  const database = await openCliDatabase(config, "subscription:create");
  let created: { tenantId: number; subscription: EventSubscriptionJson };
  try {
    // The one lookup across tenants: the client id says whose application it is, as at the token endpoint.
    const application = await database.prisma.application.findUnique({ where: { clientId }, select: { tenantId: true } });
    if (!application) throw new UsageError(`Application ${clientId} does not exist.`);
    const db = forTenant(database.prisma, application.tenantId);
    const row = await db.$transaction((tx) => createSubscription(tx, clientId, input, new Date()), TRANSACTION_OPTIONS);
    created = { tenantId: application.tenantId, subscription: serializeSubscription(row) };
  } finally {
    await database.close();
  }
  // Printed only once the database is closed: an embedded directory has then written the row to disk.
  const { tenantId, subscription } = created;
  if (values.json) {
    console.log(JSON.stringify(subscription));
  } else {
    const state = subscription.isActive ? "active" : "inactive";
    console.log(`Subscribed ${clientId} (tenant ${tenantId}) to ${topics.join(", ")}, ${state}.`);
    console.log(`subscription id: ${subscription.id}`);
    console.log(`endpoint:        ${endpoint}`);
  }
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof UsageError || error instanceof ApiError;
  console.error(known ? error.message : `subscription:create failed: ${(error as Error).message}`);
  process.exit(1);
});
