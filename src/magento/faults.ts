import { ApiError, type ErrorCode, type ErrorDatum } from "../errors.js";
import { queryErrorToApiError, QueryError } from "../query/index.js";

/**
 * Magento API faults as Kibo error bodies: the HTTP status and errorCode say what kind of failure it is, and
 * additionalErrorData carries Magento's `faultCode` and its canonical `faultMessage` first, then the details.
 */

type Details = Record<string, ErrorDatum["value"] | undefined>;

/** A fault code with the canonical message Magento answers it with. */
export interface FaultKind {
  faultCode: number;
  faultMessage: string;
  /** Whether the message starts with the canonical one, for faults whose message callers match on. */
  prefixed?: boolean;
}

function faultData(faultCode: number, faultMessage: string, details: Details): ErrorDatum[] {
  const rest = Object.entries(details)
    .filter((entry): entry is [string, ErrorDatum["value"]] => entry[1] !== undefined)
    .map(([name, value]) => ({ name, value }));
  return [{ name: "faultCode", value: faultCode }, { name: "faultMessage", value: faultMessage }, ...rest];
}

/** A Magento fault; `message` says what went wrong in this request and defaults to the fault's canonical message. */
export function fault(
  errorCode: ErrorCode,
  faultCode: number,
  faultMessage: string,
  details: Details = {},
  message = faultMessage,
): ApiError {
  return new ApiError(errorCode, message, faultData(faultCode, faultMessage, details));
}

/** The same error with a Magento fault code added, e.g. a filter syntax error answered as "invalid filter". */
export function withFault(error: ApiError, { faultCode, faultMessage, prefixed = false }: FaultKind): ApiError {
  const details = error.additionalErrorData.filter((datum) => datum.name !== "faultCode" && datum.name !== "faultMessage");
  return new ApiError(
    error.errorCode,
    prefixed ? `${faultMessage} ${error.message}` : error.message,
    [...faultData(faultCode, faultMessage, {}), ...details],
    error.statusCode,
  );
}

/** Runs `read` (list-parameter parsing), answering a QueryError as the 400 it is, with the given fault. */
export function withQueryFault<T>(kind: FaultKind, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof QueryError) throw withFault(queryErrorToApiError(error), kind);
    throw error;
  }
}
