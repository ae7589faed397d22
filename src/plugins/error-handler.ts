import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { type ApiError, Errors } from "../errors.js";
import { toApiError } from "../http/error-mapping.js";

/** Renders every error, and every unknown route, as Kibo's error body with the right status. */
export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const apiError = toApiError(error);
      if (apiError.statusCode >= 500) {
        // The caller gets a masked message; the log keeps the real cause, tied to the request id.
        request.log.error({ err: error, errorCode: apiError.errorCode }, "request failed");
      } else {
        request.log.info({ errorCode: apiError.errorCode, message: apiError.message }, "request rejected");
      }
      return reply.status(apiError.statusCode).send(apiError.toBody());
    });

    app.setNotFoundHandler((request, reply) => {
      const notFound: ApiError = Errors.notFound(`No route matches ${request.method} ${request.url.split("?")[0]}.`);
      return reply.status(404).send(notFound.toBody());
    });
  },
  { name: "error-handler" },
);
