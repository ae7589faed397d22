import { fault, type FaultKind } from "./faults.js";

/** Magento's fault 100 message, which every 400 of the storecredit API carries. */
const INVALID_DATA_MESSAGE = "Provided data is invalid.";

/**
 * storecredit's fault 100 as an existing error plus the code: request validation and list-parameter 400s. The message
 * starts with Magento's, which clients match on.
 */
export const BALANCE_INVALID_DATA: FaultKind = { faultCode: 100, faultMessage: INVALID_DATA_MESSAGE, prefixed: true };

/** storecredit faults (API-NOTES §2), each with Magento's message. */
export const BalanceFaults = {
  invalidData: (detail: string, details: Record<string, string | number | undefined> = {}) =>
    fault("MISSING_OR_INVALID_PARAMETER", 100, INVALID_DATA_MESSAGE, details, `${INVALID_DATA_MESSAGE} ${detail}`),
  noBalance: () => fault("ITEM_NOT_FOUND", 101, "No balance found with requested parameters."),
  noHistory: () => fault("ITEM_NOT_FOUND", 102, "No history found with requested parameters."),
} as const;
