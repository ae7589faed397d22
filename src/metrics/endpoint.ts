import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest, RouteOptions } from "fastify";
import type { Registry } from "prom-client";
import { bearerTokenOf } from "../auth/tokens.js";
import { Errors } from "../errors.js";

export const METRICS_PATH = "/metrics";

/** GET /metrics in Prometheus' text format from `registry`; with a token, only for `Authorization: Bearer <token>`. */
export function metricsRoute(registry: Registry, token: string | undefined): RouteOptions {
  const expected = token === undefined ? undefined : sha256(token);
  return {
    method: "GET",
    url: METRICS_PATH,
    exposeHeadRoute: false,
    // Not part of the API: no OpenAPI entry, no request metrics of its own, no share of any caller's rate limit.
    schema: { hide: true },
    config: { disableMetrics: true, rateLimit: false },
    ...(expected === undefined ? {} : { onRequest: async (request: FastifyRequest) => requireToken(request, expected) }),
    handler: async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  };
}

function requireToken(request: FastifyRequest, expected: Buffer): void {
  const offered = bearerTokenOf(request.headers.authorization);
  // Digests have one length whatever was sent, so the comparison takes the same time and reveals not even a length.
  if (offered === undefined || !timingSafeEqual(sha256(offered), expected)) {
    throw Errors.unauthorized("Metrics require the configured bearer token (METRICS_TOKEN).");
  }
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
