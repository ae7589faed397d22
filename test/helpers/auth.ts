import type { FastifyInstance } from "fastify";
import { BEHAVIORS, type Behavior } from "../../src/auth/caller.js";
import { signShopperToken } from "../../src/auth/tokens.js";

/** Keys the test configuration signs and verifies tokens with. */
export const TEST_KEYS = {
  AUTH_SIGNING_KEYS: `test-1:${"k".repeat(40)}`,
  SHOPPER_TOKEN_SECRET: "s".repeat(40),
  EVENT_SECRET_KEYS: `test-1:${Buffer.alloc(32, 7).toString("base64")}`,
} as const;

/** An `Authorization` header for an application of `tenantId` (all behaviors unless narrowed). */
export async function appAuth(
  app: FastifyInstance,
  tenantId: number,
  behaviors: readonly Behavior[] = BEHAVIORS,
  clientId = "test-app",
): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await app.accessTokens.sign({ tenantId, clientId, behaviors })}` };
}

/** An `Authorization` header for a shopper, signed as the storefront would. */
export async function shopperAuth(tenantId: number, customerId: number): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await signShopperToken(TEST_KEYS.SHOPPER_TOKEN_SECRET, { tenantId, customerId })}` };
}
