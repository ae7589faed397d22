import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../config.js";

/** Who a request counts against: the authenticated caller when there is one, else the client address. */
function callerKey(request: FastifyRequest): string {
  const caller = request.caller;
  if (!caller) return `ip:${request.ip}`;
  return caller.kind === "application"
    ? `app:${caller.tenantId}:${caller.clientId}`
    : `shopper:${caller.tenantId}:${caller.customerId}`;
}

/**
 * Per-caller request limits, answered with 429 TOO_MANY_REQUESTS and Retry-After. Counted after
 * authentication (preHandler) so each application and shopper has its own budget. Counters are in memory:
 * with several replicas each enforces the limit separately (see README).
 */
export default fp<{ config: Pick<Config, "RATE_LIMIT_PER_MINUTE"> }>(
  async function rateLimitPlugin(app: FastifyInstance, { config }) {
    const enabled = config.RATE_LIMIT_PER_MINUTE > 0;
    await app.register(rateLimit, {
      global: enabled,
      hook: "preHandler",
      max: config.RATE_LIMIT_PER_MINUTE || 1,
      timeWindow: 60_000,
      keyGenerator: callerKey,
      errorResponseBuilder: (_request, context) => {
        const error = new Error(`Too many requests; retry in ${Math.ceil(context.ttl / 1000)} seconds.`) as Error & {
          statusCode: number;
        };
        error.statusCode = 429;
        return error;
      },
    });
  },
  { name: "rate-limit", dependencies: ["auth"] },
);
