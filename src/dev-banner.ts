import type { FastifyInstance } from "fastify";
import { signShopperToken } from "./auth/tokens.js";
import type { Config } from "./config.js";
import { DEMO_APPLICATION } from "./examples/index.js";

/**
 * Prints the access token of an auth ticket read from stdin, or the answer and exit status 1 when there is none
 * (a 429 or a wrong secret), so `TOKEN=$(…)` fails loudly instead of holding an empty or "undefined" token.
 * README's quick tour uses the same command.
 */
const PICK_TOKEN =
  `node -e 'const b = require("fs").readFileSync(0, "utf8"); const t = /"access_token":"([^"]+)"/.exec(b)?.[1]; ` +
  `if (!t) { process.stderr.write("no token: " + (b || "no answer") + "\\n"); process.exit(1); } process.stdout.write(t + "\\n")'`;

/**
 * What a developer needs after `npm start` on the demo data: a ready curl line for an application token and a
 * shopper token valid for a day. Written to stdout, not the log, because logs never carry credentials; shown
 * only outside production, on the embedded database, when the demo application exists.
 */
export async function developmentBanner(app: FastifyInstance, config: Config): Promise<string | undefined> {
  if (config.NODE_ENV === "production" || app.db.kind !== "embedded" || !config.SHOPPER_TOKEN_SECRET) return undefined;
  const demo = await app.db.prisma.application.findUnique({ where: { clientId: DEMO_APPLICATION.clientId } });
  if (!demo) return undefined;
  const base = `http://localhost:${config.PORT}`;
  const shopper = await signShopperToken(config.SHOPPER_TOKEN_SECRET, { tenantId: DEMO_APPLICATION.tenantId, customerId: DEMO_APPLICATION.shopperCustomerId });
  const body = JSON.stringify({ client_id: DEMO_APPLICATION.clientId, client_secret: DEMO_APPLICATION.clientSecret, grant_type: "client_credentials" });
  return [
    "",
    `Tally is serving the demo data set at ${base} (embedded database: ${config.EMBEDDED_DATA_DIR})`,
    "",
    `  Application token for tenant ${DEMO_APPLICATION.tenantId} (all behaviors):`,
    `    TOKEN=$(curl -sS --fail-with-body ${base}/api/platform/applications/authtickets/oauth -H 'content-type: application/json' \\`,
    `      -d '${body}' | ${PICK_TOKEN})`,
    `    curl -s '${base}/api/commerce/customer/credits?pageSize=5&filter=currentBalance%20gt%2010' -H "authorization: Bearer $TOKEN"`,
    "",
    `  Shopper token for customer ${DEMO_APPLICATION.shopperCustomerId} of tenant ${DEMO_APPLICATION.tenantId}, valid 24 hours:`,
    `    ${shopper}`,
    "",
  ].join("\n");
}
