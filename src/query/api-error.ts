import { Errors, type ApiError } from "../errors.js";
import type { QueryError } from "./errors.js";

/** A list-parameter mistake as the 400 that answers it, naming the parameter and where in it the mistake is. */
export function queryErrorToApiError(error: QueryError): ApiError {
  return Errors.invalidParameter(error.message, {
    parameter: error.parameter,
    position: error.position,
    length: error.length,
    reason: error.code,
  });
}
