import type { FastifyBaseLogger } from "fastify";
import { ApiError, Errors } from "../errors.js";
import { QueryError, queryErrorToApiError } from "../query/index.js";

/** Fields of the errors Fastify, Ajv, Prisma and drivers throw that decide how they are answered. */
interface ThrownError {
  name?: string;
  code?: string | number;
  statusCode?: number;
  message?: string;
  validation?: { instancePath?: string; params?: Record<string, unknown>; message?: string }[];
  validationContext?: string;
  cause?: unknown;
  kind?: unknown;
  meta?: Record<string, unknown>;
}

// Prisma's codes for "the database could not be reached or dropped the connection", the pool timing out, and an
// interactive transaction that could not start in time (every connection busy).
const PRISMA_UNAVAILABLE = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
// Driver adapter error kinds (Prisma 7) that mean the same.
const ADAPTER_UNAVAILABLE = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionAlreadyClosed",
]);
// Node socket errors and PostgreSQL SQLSTATEs: 08xxx connection exceptions, 57P0x shutdown/cannot connect now.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN"]);
// A database too slow to answer: lock_timeout (55P03) and statement_timeout (57014) are retryable, and nothing of the
// transaction was written, so they are answered like an outage (503, Retry-After) rather than as a fault (500).
const BUSY_SQLSTATES = new Set(["55P03", "57014"]);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused|Can't reach database server|Query read timeout/i;

/**
 * Maps anything thrown while handling a request to the ApiError that answers it. A 5xx made here keeps the thrown
 * error as its cause, so the log shows what the caller's masked message stands for.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof QueryError) return queryErrorToApiError(error);
  const thrown = (error ?? {}) as ThrownError;
  if (thrown.validation) return fromValidation(thrown);
  if (isUnavailable(thrown)) return Errors.maintenance(undefined, { cause: error });
  const prismaCode = typeof thrown.code === "string" && /^P\d{4}$/.test(thrown.code) ? thrown.code : undefined;
  if (prismaCode === "P2002") return Errors.alreadyExists("An item with the same unique value already exists.");
  if (prismaCode === "P2025") return Errors.notFound("The requested item was not found.");
  if (prismaCode === "P2003") return Errors.conflict("The request refers to an item that does not exist.");
  // Only a caller's number reaches a column out of its range (an id or site past 32 bits): what Tally computes is bounded.
  if (prismaCode === "P2020") return Errors.invalidParameter("A number in the request is out of range.");
  // PostgreSQL text cannot hold NUL (SQLSTATE 22021): only a caller's text carries one, and no stored value matches it.
  if (hasSqlState(thrown, "22021")) return Errors.invalidParameter("The request contains a NUL character, which no value can hold.");
  if (typeof thrown.statusCode === "number" && thrown.statusCode >= 400 && thrown.statusCode < 500) {
    return fromClientError(thrown.statusCode, thrown.message);
  }
  return Errors.unexpected({ cause: error });
}

function fromValidation(thrown: ThrownError): ApiError {
  const first = thrown.validation?.[0];
  const where = thrown.validationContext ?? "request";
  const missing = first?.params?.["missingProperty"];
  const path = [first?.instancePath?.replace(/^\//, "").replace(/\//g, "."), missing].filter(Boolean).join(".");
  const parameter = path || where;
  const message = missing
    ? `Missing required ${where === "body" ? "field" : "parameter"} '${parameter}' in ${where}.`
    : `Invalid ${where === "body" ? "field" : "parameter"} '${parameter}' in ${where}: ${first?.message ?? "invalid value"}.`;
  return Errors.invalidParameter(message, { parameter, location: where });
}

function fromClientError(statusCode: number, message: string | undefined): ApiError {
  if (statusCode === 401) return Errors.unauthorized(message);
  if (statusCode === 403) return Errors.forbidden(message ?? "Forbidden.");
  if (statusCode === 404) return Errors.notFound(message ?? "Not found.");
  if (statusCode === 429) return Errors.tooManyRequests(message ?? "Too many requests; slow down.");
  // Fastify's own 4xx messages (bad JSON, body too large, unsupported media type) are written for callers.
  return new ApiError("MISSING_OR_INVALID_PARAMETER", message ?? "Invalid request.", [], statusCode);
}

/**
 * Whether `test` holds for the error or an error inside it: a model query's adapter error (its `cause`), or a raw
 * query's failure (P2010, e.g. the ledger's SELECT … FOR UPDATE), which carries the adapter's error in its meta.
 */
function inChain(thrown: ThrownError, test: (error: ThrownError) => boolean, depth = 0): boolean {
  if (depth > 5 || typeof thrown !== "object" || thrown === null) return false;
  if (test(thrown)) return true;
  return [thrown.cause, thrown.meta?.["driverAdapterError"]].some(
    (inner) => inner !== undefined && inChain(inner as ThrownError, test, depth + 1),
  );
}

function hasSqlState(thrown: ThrownError, sqlState: string): boolean {
  return inChain(thrown, (error) => error.code === sqlState || (error as { originalCode?: unknown }).originalCode === sqlState);
}

function isUnavailable(thrown: ThrownError): boolean {
  return inChain(thrown, unavailableHere);
}

/** Whether this error itself, not one inside it, says the database is unreachable, gone or too busy. */
function unavailableHere(thrown: ThrownError): boolean {
  if (thrown.name === "PrismaClientInitializationError") return true;
  if (typeof thrown.code === "string") {
    if (PRISMA_UNAVAILABLE.has(thrown.code) || SOCKET_CODES.has(thrown.code) || BUSY_SQLSTATES.has(thrown.code)) return true;
    if (/^(08|57P0)/.test(thrown.code) && thrown.code.length === 5) return true;
  }
  const kind = thrown.kind ?? thrown.meta?.["kind"];
  if (typeof kind === "string" && ADAPTER_UNAVAILABLE.has(kind)) return true;
  return thrown.message !== undefined && UNAVAILABLE_MESSAGES.test(thrown.message);
}

/** A body of a media type the route does not read (or none named), answered naming the ones it does read. */
export function unsupportedMediaType(contentType: string | undefined, accepted: readonly string[]): ApiError {
  const mediaType = contentType?.split(";")[0]?.trim();
  const problem = mediaType ? `A body of type ${mediaType} is not accepted here` : "The body has no Content-Type";
  return new ApiError(
    "MISSING_OR_INVALID_PARAMETER",
    `${problem}; send ${accepted.join(" or ")}.`,
    [
      { name: "parameter", value: "Content-Type" },
      { name: "accepted", value: accepted.join(", ") },
    ],
    415,
  );
}

/** Logs a failure as it is answered: a 5xx with the error and its causes (the caller saw a masked message), a 4xx as a rejection. */
export function logAnswered(log: FastifyBaseLogger, error: unknown, apiError: ApiError): void {
  if (apiError.statusCode >= 500) log.error({ err: error, errorCode: apiError.errorCode }, "request failed");
  else log.info({ errorCode: apiError.errorCode, message: apiError.message }, "request rejected");
}
