import Type from "typebox";
import { ERROR_STATUS, type ErrorCode } from "../errors.js";

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
    examples: [
      {
        message: "Expected a value at position 18, found the end of the filter",
        errorCode: "MISSING_OR_INVALID_PARAMETER",
        applicationName: "Tally",
        additionalErrorData: [
          { name: "parameter", value: "filter" },
          { name: "position", value: 18 },
          { name: "length", value: 0 },
          { name: "reason", value: "UNEXPECTED_TOKEN" },
        ],
        items: [],
      },
    ],
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
  415: "The request body's content type is not supported (MISSING_OR_INVALID_PARAMETER)",
  429: "Rate limit exceeded (TOO_MANY_REQUESTS)",
  500: "Unexpected error (UNEXPECTED_ERROR)",
  503: "Database unavailable (SYSTEM_MAINTENANCE)",
};

/** Response schemas for the given error statuses, each a reference to the shared error body. */
export function ErrorResponses(...statuses: number[]): Record<number, ReturnType<typeof Type.Ref>> {
  return Object.fromEntries(
    statuses.map((status) => [status, Type.Ref("ErrorBody", { description: STATUS_DESCRIPTIONS[status] })]),
  );
}
