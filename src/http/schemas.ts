import Type from "typebox";
import { ApiError, ERROR_STATUS, type ErrorCode, Errors } from "../errors.js";
import { unsupportedMediaType } from "./error-mapping.js";

/** Kibo's error body: every 4xx and 5xx answers with it. */
export const ErrorBodySchema = Type.Object(
  {
    message: Type.String({ description: "What went wrong, written for the caller." }),
    errorCode: Type.Enum(Object.keys(ERROR_STATUS) as ErrorCode[]),
    applicationName: Type.String(),
    additionalErrorData: Type.Array(
      Type.Object({
        name: Type.String(),
        value: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
      }),
      { description: "Details such as the offending parameter or the position of a filter error." },
    ),
    items: Type.Array(Type.Unknown()),
  },
  {
    $id: "ErrorBody",
    description: "Kibo's error body.",
  },
);

/** What each error status means, for the OpenAPI document. */
export const STATUS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: "Invalid parameter or body (MISSING_OR_INVALID_PARAMETER)",
  401: "Missing, invalid or expired token (UNAUTHORIZED)",
  403: "The token lacks a required behavior (FORBIDDEN)",
  404: "Not found (ITEM_NOT_FOUND)",
  409: "Conflict (ITEM_ALREADY_EXISTS or VALIDATION_CONFLICT)",
  413: "The request body is larger than the server accepts (MISSING_OR_INVALID_PARAMETER)",
  414: "A segment of the path is longer than any path parameter may be (MISSING_OR_INVALID_PARAMETER)",
  415: "The request body's content type is not supported (MISSING_OR_INVALID_PARAMETER)",
  429: "Rate limit exceeded (TOO_MANY_REQUESTS)",
  500: "Unexpected error (UNEXPECTED_ERROR)",
  503: "Database unavailable (SYSTEM_MAINTENANCE)",
};

// What each status looks like, built by the same factories the services throw with. Routes share these, so the
// 404 and 409 examples name a credit (the demo credit of the other examples) even on a credit memo route.
const DEMO_CREDIT = "SC-RRMXXTEMAMVDXQET";
const STATUS_EXAMPLES: Readonly<Record<number, ApiError>> = {
  400: Errors.invalidParameter("Expected a value at position 18, found the end of the filter", {
    parameter: "filter",
    position: 18,
    length: 0,
    reason: "UNEXPECTED_TOKEN",
  }),
  401: Errors.unauthorized(),
  403: Errors.forbidden("The token lacks the required behavior CreditRead."),
  404: Errors.notFound(`Credit ${DEMO_CREDIT} was not found.`, { code: DEMO_CREDIT }),
  409: Errors.conflict(`Store credit ${DEMO_CREDIT} has 274.50 CAD left; cannot debit 500.00.`, {
    code: DEMO_CREDIT,
    currentBalance: "274.50",
    requested: "500.00",
  }),
  413: new ApiError("MISSING_OR_INVALID_PARAMETER", "Request body is too large", [], 413),
  414: new ApiError("MISSING_OR_INVALID_PARAMETER", "A segment of the request path is too long to be a path parameter.", [{ name: "location", value: "path" }], 414),
  415: unsupportedMediaType("text/plain", ["application/json"]),
  429: Errors.tooManyRequests("Too many requests; retry in 42 seconds."),
  500: Errors.unexpected(),
  503: Errors.maintenance(),
};

/** An error status's response: the shared error body, with that status's meaning and an example. */
export interface ErrorResponse {
  description: string;
  headers?: Record<string, { description: string; type: "integer" }>;
  content: { "application/json": { schema: ReturnType<typeof Type.Ref>; example?: unknown } };
}

// Both statuses say when to come back: 429 when the caller's window resets, 503 when the database is likely back.
const RETRY_AFTER: Readonly<Record<number, string>> = {
  429: "Seconds until the rate limit lets this caller in again.",
  503: "Seconds to wait before retrying; the service expects the database back by then.",
};

/** The response of one error status (a content map, so the example stays beside the shared schema's reference). */
export function errorResponse(status: number): ErrorResponse {
  const example = STATUS_EXAMPLES[status];
  const retryAfter = RETRY_AFTER[status];
  return {
    description: STATUS_DESCRIPTIONS[status] ?? "Error",
    ...(retryAfter ? { headers: { "Retry-After": { description: retryAfter, type: "integer" as const } } } : {}),
    content: { "application/json": { schema: Type.Ref("ErrorBody"), ...(example ? { example: example.toBody() } : {}) } },
  };
}

/** Response schemas for the given error statuses, each a reference to the shared error body. */
export function ErrorResponses(...statuses: number[]): Record<number, ErrorResponse> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse(status)]));
}
