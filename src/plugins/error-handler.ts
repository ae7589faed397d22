import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { type ApiError, Errors } from "../errors.js";
import type { ErrorFormat } from "../http/error-format.js";
import { toApiError } from "../http/error-mapping.js";

/**
 * Answers every error, and every unknown route: maps it to an ApiError, logs it, sets the status and writes Kibo's
 * error body, or the body of the route's own `errorFormat` (the loyalty API's envelope).
 */
export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const format: ErrorFormat | undefined = request.routeOptions.config.errorFormat;
      const apiError =
        error.validation && format?.validationError ? format.validationError(error.validation, request) : toApiError(error);
      if (apiError.statusCode >= 500) {
        // The caller gets a masked message; the log keeps the real error and its causes, tied to the request id.
        request.log.error({ err: error, errorCode: apiError.errorCode }, "request failed");
      } else {
        request.log.info({ errorCode: apiError.errorCode, message: apiError.message }, "request rejected");
      }
      reply.status(apiError.statusCode);
      return format ? format.send(reply, apiError, request) : reply.send(apiError.toBody());
    });

    app.setNotFoundHandler((request, reply) => {
      const notFound: ApiError = Errors.notFound(`No route matches ${request.method} ${request.url.split("?")[0]}.`);
      return reply.status(404).send(notFound.toBody());
    });
  },
  { name: "error-handler" },
);
