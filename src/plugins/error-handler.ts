import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ApiError, Errors } from "../errors.js";
import type { ErrorFormat } from "../http/error-format.js";
import { logAnswered, toApiError, unsupportedMediaType } from "../http/error-mapping.js";

/**
 * How long a 503 asks the caller to wait: the pool replaces a lost connection on the next request, and a database
 * that is down is probed again cheaply, so retrying this soon costs little; much sooner would only add load.
 */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;

/**
 * Answers every error, and every unknown route: maps it to an ApiError, logs it, sets the status and writes Kibo's
 * error body, or the body of the route's own `errorFormat` (the loyalty API's envelope). Every response carries its
 * correlation id, so a caller can quote the one of a failure and an operator find its log lines.
 */
export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.addHook("onSend", async (request, reply) => {
      reply.header("x-vol-correlation", request.id);
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const format: ErrorFormat | undefined = request.routeOptions.config.errorFormat;
      const apiError = mapError(error, request, format);
      logAnswered(request.log, error, apiError);
      reply.status(apiError.statusCode);
      if (apiError.statusCode === 503) reply.header("retry-after", String(RETRY_AFTER_UNAVAILABLE_SECONDS));
      return format ? format.send(reply, apiError, request) : reply.send(apiError.toBody());
    });

    // Every method any route answers, to tell an unknown path (404) from a known one asked with the wrong method (405).
    const methods = new Set<string>();
    app.addHook("onRoute", (route) => {
      for (const method of [route.method].flat()) methods.add(method);
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split("?")[0] ?? "/";
      const allowed = [...methods].filter((method) => request.server.findRoute({ method, url: path }) !== null);
      if (allowed.length > 0) {
        const notAllowed = new ApiError(
          "MISSING_OR_INVALID_PARAMETER",
          `${request.method} is not allowed on ${path}; it answers ${allowed.join(", ")}.`,
          [
            { name: "method", value: request.method },
            { name: "allowed", value: allowed.join(", ") },
          ],
          405,
        );
        return reply.status(405).header("allow", allowed.join(", ")).send(notAllowed.toBody());
      }
      const notFound: ApiError = Errors.notFound(`No route matches ${request.method} ${path}.`);
      return reply.status(404).send(notFound.toBody());
    });
  },
  { name: "error-handler" },
);

function mapError(error: FastifyError, request: FastifyRequest, format: ErrorFormat | undefined): ApiError {
  if (error.validation && format?.validationError) return format.validationError(error.validation, request);
  const parseError = format?.parseError?.(error, request);
  if (parseError) return parseError;
  if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    const consumes = (request.routeOptions.schema as { consumes?: readonly string[] } | undefined)?.consumes;
    return unsupportedMediaType(request.headers["content-type"], consumes ?? ["application/json"]);
  }
  return toApiError(error);
}
