import { fault, type FaultKind } from "./faults.js";

/** Magento's fault 100 message, which every 400 of the storecredit API carries. */
const INVALID_DATA_MESSAGE = "Provided data is invalid.";

/**
 * storecredit's fault 100 as an existing error plus the code: request validation and list-parameter 400s. The message
 * starts with Magento's, which clients match on.
 */
export const BALANCE_INVALID_DATA: FaultKind = { faultCode: 100, faultMessage: INVALID_DATA_MESSAGE, prefixed: true };

const NO_BALANCE: FaultKind = { faultCode: 101, faultMessage: "No balance found with requested parameters." };
const NO_HISTORY: FaultKind = { faultCode: 102, faultMessage: "No history found with requested parameters." };

/** storecredit faults (API-NOTES §2), each with Magento's message. */
export const BalanceFaults = {
  invalidData: (detail: string, details: Record<string, string | number | undefined> = {}) =>
    fault("MISSING_OR_INVALID_PARAMETER", 100, INVALID_DATA_MESSAGE, details, `${INVALID_DATA_MESSAGE} ${detail}`),
  noBalance: () => fault("ITEM_NOT_FOUND", NO_BALANCE.faultCode, NO_BALANCE.faultMessage),
  noHistory: () => fault("ITEM_NOT_FOUND", NO_HISTORY.faultCode, NO_HISTORY.faultMessage),
} as const;

/** Every storecredit fault, as SOAP V1's resourceFaults lists them. */
export const BALANCE_FAULT_KINDS: readonly FaultKind[] = [
  { faultCode: 100, faultMessage: INVALID_DATA_MESSAGE },
  NO_BALANCE,
  NO_HISTORY,
];
