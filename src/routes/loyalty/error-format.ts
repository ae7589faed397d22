import type { FastifyRequest } from "fastify";
import { Errors } from "../../errors.js";
import type { ErrorFormat } from "../../http/error-format.js";
import { ThrottledError } from "../../auth/sign-in-throttle.js";
import { readFormat, validationMessage } from "./params.js";
import { reportWriter } from "./writers.js";

/** The parameters as they came, valid or not: the query string of a GET, the form of a POST. */
function rawParams(request: FastifyRequest): unknown {
  return request.method === "GET" ? request.query : request.body;
}

/** busboy's words for a multipart body it cannot read, and what the caller is told instead. */
const UNREADABLE_MULTIPART: readonly [RegExp, string][] = [
  [/^Multipart: Boundary not found$/, "The multipart/form-data Content-Type names no boundary."],
  [/unexpected end of multipart data$/i, "The multipart/form-data body ends before its closing boundary."],
];

/**
 * The loyalty API's error envelope, in the format the request asked for (XML, JSON or JSONP), with its own
 * wording for parameter mistakes and unreadable forms, and Retry-After on a throttled sign-in.
 */
export const LOYALTY_ERROR_FORMAT: ErrorFormat = {
  validationError: (issues, request) => Errors.invalidParameter(validationMessage(issues[0], rawParams(request))),
  parseError(error, request) {
    if (!request.isMultipart()) return undefined;
    const known = UNREADABLE_MULTIPART.find(([pattern]) => pattern.test(error.message));
    return known && Errors.invalidParameter(known[1]);
  },
  send(reply, apiError, request) {
    if (apiError instanceof ThrottledError) reply.header("retry-after", String(apiError.retryAfterSeconds));
    const writer = reportWriter(readFormat(rawParams(request)).format);
    return reply.type(writer.contentType).send(writer.error(apiError.message));
  },
};
