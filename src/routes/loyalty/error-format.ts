import type { FastifyRequest } from "fastify";
import { Errors } from "../../errors.js";
import type { ErrorFormat } from "../../http/error-format.js";
import { ThrottledError } from "./credentials.js";
import { readFormat, validationMessage } from "./params.js";
import { reportWriter } from "./writers.js";

/** The parameters as they came, valid or not: the query string of a GET, the form of a POST. */
function rawParams(request: FastifyRequest): unknown {
  return request.method === "GET" ? request.query : request.body;
}

/**
 * The loyalty API's error envelope, in the format the request asked for (XML, JSON or JSONP), with its own
 * wording for parameter mistakes and Retry-After on a throttled sign-in.
 */
export const LOYALTY_ERROR_FORMAT: ErrorFormat = {
  validationError: (issues, request) => Errors.invalidParameter(validationMessage(issues[0], rawParams(request))),
  send(reply, apiError, request) {
    if (apiError instanceof ThrottledError) reply.header("retry-after", String(apiError.retryAfterSeconds));
    const writer = reportWriter(readFormat(rawParams(request)).format);
    return reply.type(writer.contentType).send(writer.error(apiError.message));
  },
};
