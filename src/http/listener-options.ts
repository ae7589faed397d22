import { randomUUID } from "node:crypto";
import http from "node:http";
import type { Socket } from "node:net";
import {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { ApiError, Errors } from "../errors.js";
import { logAnswered, toApiError } from "./error-mapping.js";

// Correlation ids a caller may choose: short, printable, no separators that could forge log fields.
const CALLER_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const newCorrelationId = () => randomUUID().replaceAll("-", "");

/**
 * One log line per request, when it has been answered: method and URL (credentials redacted by the logger's `req`
 * serializer), status and time, with the request id every line of the request carries. Fastify's own pair of lines
 * (`incoming request`, then `request completed`) cost a fast request twice the logging (measured with npm run
 * bench); the incoming line stays, at debug level, for following a request that does not finish.
 */
class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (request.log.level === "debug" || request.log.level === "trace") request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}

type ListenerOptions = Pick<FastifyServerOptions, "logController" | "genReqId" | "frameworkErrors" | "clientErrorHandler">;

/**
 * The options every port Tally listens on is built with: correlation ids, one log label for them, and Kibo's error
 * body with a correlation id for what the HTTP parser and the router refuse before any route or error handler runs.
 */
export function listenerOptions(): ListenerOptions {
  return {
    logController: new AccessLog({ requestIdLogLabel: "requestId" }),
    genReqId(request) {
      const offered = request.headers["x-vol-correlation"];
      return typeof offered === "string" && CALLER_CORRELATION_ID.test(offered) ? offered : newCorrelationId();
    },
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
  };
}

/** The router's refusals (a path that is not UTF-8 once decoded, an over-long path parameter). */
function answerRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = routerError(error);
  logAnswered(request.log, error, apiError);
  // This reply has no route, so no hook sets the correlation header.
  void reply.status(apiError.statusCode).header("x-vol-correlation", request.id).send(apiError.toBody());
}

function routerError(error: FastifyError): ApiError {
  // Fastify's own messages repeat the whole path, kilobytes of it for a long parameter: these name the problem only.
  if (error.code === "FST_ERR_BAD_URL") {
    return Errors.invalidParameter("The request path is not a valid URL: a percent-escape in it does not decode to UTF-8 text.", {
      location: "path",
    });
  }
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    const message = "A segment of the request path is too long to be a path parameter.";
    return new ApiError("MISSING_OR_INVALID_PARAMETER", message, [{ name: "location", value: "path" }], 414);
  }
  return toApiError(error);
}

/**
 * Requests Node's HTTP parser refuses never become a request: the answer is written to the socket by hand, in
 * Kibo's body, with a fresh correlation id that the log line shares. The connection closes, as Node's own does.
 */
function answerClientError(this: FastifyInstance, error: Error & { code?: string; reason?: string }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const apiError = parserError(error);
  const id = newCorrelationId();
  this.log.info({ requestId: id, errorCode: apiError.errorCode, message: apiError.message, parserCode: error.code }, "request rejected");
  if (socket.writable) {
    const body = JSON.stringify(apiError.toBody());
    socket.write(
      `HTTP/1.1 ${apiError.statusCode} ${http.STATUS_CODES[apiError.statusCode] ?? ""}\r\n` +
        "content-type: application/json; charset=utf-8\r\n" +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        "connection: close\r\n" +
        `x-vol-correlation: ${id}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function parserError(error: Error & { code?: string; reason?: string }): ApiError {
  if (error.code === "HPE_HEADER_OVERFLOW") {
    return new ApiError(
      "MISSING_OR_INVALID_PARAMETER",
      `The request line and headers exceed ${http.maxHeaderSize / 1024} KB together; shorten the URL (a long filter) or the headers.`,
      [],
      431,
    );
  }
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return new ApiError("MISSING_OR_INVALID_PARAMETER", "The request did not arrive completely in time.", [], 408);
  }
  const reason = error.reason ? `: ${error.reason.replace(/\.$/, "")}` : "";
  return Errors.invalidParameter(`The request is not valid HTTP/1.1${reason}.`);
}
