import type { FastifyReply, FastifyRequest, FastifySchemaValidationError } from "fastify";
import type { ApiError } from "../errors.js";

/**
 * How a route answers errors when not with Kibo's error body (the loyalty API answers in its own envelope, in the
 * format the request asked for). The one error handler still maps, logs and sets the status; a format only words
 * schema failures and its own parsers' refusals its own way, and writes the body.
 */
export interface ErrorFormat {
  /** The ApiError for a failed schema check, worded for this API; without it, the Kibo wording. */
  validationError?(issues: readonly FastifySchemaValidationError[], request: FastifyRequest): ApiError;
  /** The ApiError for an error of this API's own body parsing (the loyalty API's multipart forms); else undefined. */
  parseError?(error: Error, request: FastifyRequest): ApiError | undefined;
  /** Writes the body, and any header of the format's own, on a reply whose status is already set. */
  send(reply: FastifyReply, apiError: ApiError, request: FastifyRequest): FastifyReply;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** How this route's errors are answered; Kibo's error body when absent. */
    errorFormat?: ErrorFormat;
  }
}
