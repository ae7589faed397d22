import type { FastifyRequest } from "fastify";
import Type from "typebox";
import { actorName } from "../auth/caller.js";
import type { IdempotencyRequest } from "./idempotency.js";
import { requireCaller } from "./caller.js";

declare module "fastify" {
  interface FastifyInstance {
    /** IDEMPOTENCY_KEY_TTL_HOURS, for the routes that take an Idempotency-Key. */
    idempotencyKeyTtlHours: number;
  }
}

/**
 * The `Idempotency-Key` request header, described as the route applies it. No `examples`: Swagger UI's "Try it out"
 * would send the example key with every request, so a second try with another body would be refused as a reused key.
 */
export function idempotencyHeaders(description: string) {
  return Type.Object({
    "idempotency-key": Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description:
          `${description} A refusal is an answer too: a 4xx the operation gives (409 for a debit larger than the ` +
          "balance, 404 for a credit that does not exist) is replayed for the key even once the request would " +
          "succeed, so a new attempt needs a new key; a 429 or 5xx is not stored, and a retry with the key runs the " +
          "request. A key is remembered for 24 hours unless the deployment sets IDEMPOTENCY_KEY_TTL_HOURS; a " +
          "retry after that is a new request and applies again. Any unique string, e.g. a UUID.",
      }),
    ),
  });
}

/** For a route whose schema documents no Idempotency-Key: a key sent anyway is ignored. */
export const NO_IDEMPOTENCY_KEY = "no-key";

/**
 * Whether a route takes an Idempotency-Key and, if so, which parts of a request besides params and body a retry with
 * the same key must repeat.
 */
export type IdempotencyScope =
  | {
      /** Include the query string: needed when it shapes the stored answer (responseFields). */
      query: boolean;
    }
  | typeof NO_IDEMPOTENCY_KEY;

/** What identifies a request for Idempotency-Key purposes: who sent it, to which route, with what. */
export function idempotencyRequest(request: FastifyRequest, scope: IdempotencyScope): IdempotencyRequest {
  const key = scope === NO_IDEMPOTENCY_KEY ? undefined : request.headers["idempotency-key"];
  const { params, query, body } = request;
  const caller = requireCaller(request);
  return {
    tenantId: caller.tenantId,
    actor: actorName(caller),
    key: typeof key === "string" ? key : undefined,
    operation: `${request.method} ${request.routeOptions.url ?? request.url}`,
    request: scope !== NO_IDEMPOTENCY_KEY && scope.query ? { params, query, body } : { params, body },
    ttlHours: request.server.idempotencyKeyTtlHours,
  };
}
