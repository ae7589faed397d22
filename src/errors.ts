/**
 * The error type every layer throws and the one error handler renders as Kibo's error body.
 * Kept free of Fastify and Prisma so services and pure modules can throw it.
 */

/** Kibo's error codes and the HTTP status each one answers with. */
export const ERROR_STATUS = {
  MISSING_OR_INVALID_PARAMETER: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  ITEM_NOT_FOUND: 404,
  ITEM_ALREADY_EXISTS: 409,
  VALIDATION_CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  UNEXPECTED_ERROR: 500,
  SYSTEM_MAINTENANCE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDatum {
  name: string;
  value: string | number | boolean | null;
}

/** The JSON body of every error response (the field names Kibo's SDKs read). */
export interface ErrorBody {
  message: string;
  errorCode: ErrorCode;
  applicationName: string;
  additionalErrorData: ErrorDatum[];
  items: unknown[];
}

export const APPLICATION_NAME = "Tally";

/**
 * An error meant for the API caller: its message is shown to them as it is. `cause` (the standard Error option) keeps
 * what went wrong underneath, for the log only: a 5xx is logged with it, and no response ever shows it.
 */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly errorCode: ErrorCode,
    message: string,
    readonly additionalErrorData: ErrorDatum[] = [],
    statusOverride?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ApiError";
    this.statusCode = statusOverride ?? ERROR_STATUS[errorCode];
  }

  toBody(): ErrorBody {
    return {
      message: this.message,
      errorCode: this.errorCode,
      applicationName: APPLICATION_NAME,
      additionalErrorData: this.additionalErrorData,
      items: [],
    };
  }
}

function data(details: Record<string, ErrorDatum["value"] | undefined>): ErrorDatum[] {
  return Object.entries(details)
    .filter((entry): entry is [string, ErrorDatum["value"]] => entry[1] !== undefined)
    .map(([name, value]) => ({ name, value }));
}

/** Factories for the errors services throw, so call sites read as what went wrong. */
export const Errors = {
  invalidParameter: (message: string, details: Record<string, ErrorDatum["value"] | undefined> = {}) =>
    new ApiError("MISSING_OR_INVALID_PARAMETER", message, data(details)),
  unauthorized: (message = "Authentication is required: send a valid bearer token.") =>
    new ApiError("UNAUTHORIZED", message),
  forbidden: (message: string) => new ApiError("FORBIDDEN", message),
  notFound: (message: string, details: Record<string, ErrorDatum["value"] | undefined> = {}) =>
    new ApiError("ITEM_NOT_FOUND", message, data(details)),
  alreadyExists: (message: string, details: Record<string, ErrorDatum["value"] | undefined> = {}) =>
    new ApiError("ITEM_ALREADY_EXISTS", message, data(details)),
  conflict: (message: string, details: Record<string, ErrorDatum["value"] | undefined> = {}) =>
    new ApiError("VALIDATION_CONFLICT", message, data(details)),
  tooManyRequests: (message: string) => new ApiError("TOO_MANY_REQUESTS", message),
  maintenance: (message = "The service is temporarily unavailable; try again shortly.", options?: ErrorOptions) =>
    new ApiError("SYSTEM_MAINTENANCE", message, [], undefined, options),
  unexpected: (options?: ErrorOptions) => new ApiError("UNEXPECTED_ERROR", "An unexpected error occurred.", [], undefined, options),
} as const;
