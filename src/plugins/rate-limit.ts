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
 * authentication (preHandler) so each application and shopper has its own budget. With REDIS_URL the counters are in
 * Redis and every replica enforces one limit (routes with a limit of their own, like the token endpoint, too);
 * without it they are in memory and each replica enforces the limit separately.
 *
 * When Redis cannot be reached the limits fail open: requests are served uncounted (the outage is logged once, by
 * the Redis plugin; commands fail at once or after 500 ms, so nothing waits longer). Refusing them instead would turn
 * an outage of the limiter's store into an outage of Tally. The token endpoint's limit fails open too: application
 * secrets are 256 random bits, so its limit is a second line against guessing. The sign-in throttle, a guard against
 * guessing rather than load, does not fail open: it counts in process meanwhile (src/auth/failure-limiter.ts).
 */
export default fp<{ config: Pick<Config, "RATE_LIMIT_PER_MINUTE"> }>(
  async function rateLimitPlugin(app: FastifyInstance, { config }) {
    const enabled = config.RATE_LIMIT_PER_MINUTE > 0;
    await app.register(rateLimit, {
      global: enabled,
      hook: "preHandler",
      max: config.RATE_LIMIT_PER_MINUTE || 1,
      timeWindow: 60_000,
      ...(app.redis ? { redis: app.redis, nameSpace: "rl:", skipOnError: true } : {}),
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
  { name: "rate-limit", dependencies: ["auth", "redis"] },
);
