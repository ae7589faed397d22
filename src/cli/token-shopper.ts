import { parseArgs } from "node:util";
import { withDevelopmentKeys } from "../auth/keys.js";
import { signShopperToken } from "../auth/tokens.js";
import { ConfigError, loadConfig } from "../config.js";

const USAGE = "Usage: npm run token:shopper -- --tenant <id> --customer <id> [--hours <n>]";

/**
 * `npm run token:shopper`: prints a shopper token signed with the configured SHOPPER_TOKEN_SECRET, as a
 * storefront would issue one. For development and tests; real shopper tokens come from the storefront.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tenant: { type: "string" }, customer: { type: "string" }, hours: { type: "string", default: "24" } } });
  const tenantId = Number(values.tenant);
  const customerId = Number(values.customer);
  const hours = Number(values.hours);
  if (![tenantId, customerId, hours].every((n) => Number.isSafeInteger(n) && n > 0)) throw new ConfigError([USAGE]);
  const config = withDevelopmentKeys(loadConfig(process.env));
  if (!config.SHOPPER_TOKEN_SECRET) {
    throw new ConfigError(["Shopper tokens are verified with a public key here, so only the storefront can sign them."]);
  }
  console.log(await signShopperToken(config.SHOPPER_TOKEN_SECRET, { tenantId, customerId }, hours * 3600));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.problems.join("\n") : `token:shopper failed: ${(error as Error).message}`);
  process.exit(1);
});
