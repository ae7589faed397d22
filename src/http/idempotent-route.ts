import type { FastifyReply, FastifyRequest } from "fastify";
import Type from "typebox";
import { actorName } from "../auth/caller.js";
import type { IdempotencyRequest, IdempotentResult } from "./idempotency.js";

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
          `${description} A key is remembered for 24 hours unless the deployment sets IDEMPOTENCY_KEY_TTL_HOURS; a ` +
          "retry after that is a new request and applies again. Any unique string, e.g. a UUID.",
      }),
    ),
  });
}

/** Which parts of a request, besides params and body, a retry with the same Idempotency-Key must repeat. */
export interface IdempotencyScope {
  /** Include the query string: needed when it shapes the stored answer (responseFields). */
  query: boolean;
}

/** What identifies a request for Idempotency-Key purposes: who sent it, to which route, with what. */
export function idempotencyRequest(request: FastifyRequest, scope: IdempotencyScope): IdempotencyRequest {
  const key = request.headers["idempotency-key"];
  const { params, query, body } = request;
  return {
    tenantId: request.caller.tenantId,
    actor: actorName(request.caller),
    key: typeof key === "string" ? key : undefined,
    operation: `${request.method} ${request.routeOptions.url ?? request.url}`,
    request: scope.query ? { params, query, body } : { params, body },
    ttlHours: request.server.idempotencyKeyTtlHours,
  };
}

/** Sends an idempotent route's answer, marking a replayed one with `Idempotent-Replayed: true`. */
export function sendIdempotent(reply: FastifyReply, result: IdempotentResult) {
  if (result.replayed) reply.header("idempotent-replayed", "true");
  return reply.status(result.statusCode).send(result.body);
}
