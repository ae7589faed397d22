import type { FastifySchemaValidationError } from "fastify";
import { ApiError, Errors, type ErrorCode, type ErrorDatum } from "../../errors.js";
import { toApiError } from "../../http/error-mapping.js";
import { CREDITMEMO_STATE } from "./magento.js";

/**
 * Magento API faults as Kibo error bodies: the HTTP status and errorCode say what kind of failure it is, and
 * additionalErrorData carries Magento's `faultCode` and its canonical `faultMessage` first, then the details.
 */

type Details = Record<string, ErrorDatum["value"] | undefined>;

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

/**
 * The same error with a Magento fault code added, e.g. a filter syntax error answered as "invalid filter". With
 * `prefixed`, the message starts with the fault's canonical message, for faults whose message callers match on.
 */
export function withFault(error: ApiError, faultCode: number, faultMessage: string, prefixed = false): ApiError {
  const details = error.additionalErrorData.filter((datum) => datum.name !== "faultCode" && datum.name !== "faultMessage");
  return new ApiError(
    error.errorCode,
    prefixed ? `${faultMessage} ${error.message}` : error.message,
    [...faultData(faultCode, faultMessage, {}), ...details],
    error.statusCode,
  );
}

/**
 * A route's schemaErrorFormatter: request validation errors answered as the usual 400, with the route's fault code.
 * An unknown body property is named, so a misspelt amount is spotted at once.
 */
export function validationFault(faultCode: number, faultMessage: string, prefixed = false) {
  return (errors: FastifySchemaValidationError[], context: string): ApiError => {
    const first = errors[0];
    const unknown = first?.keyword === "additionalProperties" ? first.params["additionalProperty"] : undefined;
    if (first && typeof unknown === "string") {
      const path = [first.instancePath.slice(1).replaceAll("/", "."), unknown].filter(Boolean).join(".");
      const noun = context === "body" ? "field" : "parameter";
      const error = Errors.invalidParameter(`Unknown ${noun} '${path}' in ${context}.`, { parameter: path, location: context });
      return withFault(error, faultCode, faultMessage, prefixed);
    }
    return withFault(toApiError({ validation: errors, validationContext: context }), faultCode, faultMessage, prefixed);
  };
}

/** order_creditmemo faults (API-NOTES §3). */
export const MemoFaults = {
  notFound: (creditmemoIncrementId: string) =>
    fault("ITEM_NOT_FOUND", 100, "Requested credit memo does not exist.", { creditmemoIncrementId }),
  invalidData: (message: string, parameter?: string) =>
    fault("MISSING_OR_INVALID_PARAMETER", 102, "Invalid data given.", { parameter }, message),
  orderNotFound: (orderIncrementId: string) =>
    fault("ITEM_NOT_FOUND", 103, "Requested order does not exist.", { orderIncrementId }),
  statusNotChanged: (creditmemoIncrementId: string, state: number) =>
    fault(
      "VALIDATION_CONFLICT",
      104,
      "Status not changed.",
      { creditmemoIncrementId, state },
      `Status not changed. Credit memo ${creditmemoIncrementId} is ${STATE_NAMES[state] ?? `in state ${state}`}; only open credit memos (state 1) can be canceled.`,
    ),
  guestOrder: (orderIncrementId: string) =>
    fault("VALIDATION_CONFLICT", 105, "Cannot refund to store credit: the order was placed by a guest.", { orderIncrementId }),
  cannotCreate: (orderIncrementId: string, reason: string) =>
    fault(
      "VALIDATION_CONFLICT",
      106,
      "Credit memo cannot be created for the order.",
      { orderIncrementId },
      `Credit memo cannot be created for order ${orderIncrementId}: ${reason}`,
    ),
} as const;

/** Fault codes and their canonical messages for errors answered with an existing error plus a fault. */
export const INVALID_FILTER = { faultCode: 101, faultMessage: "Invalid filter given." } as const;
export const INVALID_DATA = { faultCode: 102, faultMessage: "Invalid data given." } as const;

const STATE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(CREDITMEMO_STATE).map(([name, state]) => [state, name]));
