import { MEMO_FAULT_KINDS } from "./creditmemo-faults.js";
import { fault, type FaultKind } from "./faults.js";
import { BALANCE_FAULT_KINDS } from "./storecredit-faults.js";

/**
 * Magento's global API faults (Mage/Api/etc/api.xml), the ones every resource can answer. Codes and messages are
 * Magento's, since SOAP clients branch on them (fault 5 → log in again).
 */
export const GLOBAL_FAULTS: readonly FaultKind[] = [
  { faultCode: 0, faultMessage: "Unknown Error" },
  { faultCode: 1, faultMessage: "Internal Error. Please see log for details." },
  { faultCode: 2, faultMessage: "Access denied." },
  { faultCode: 3, faultMessage: "Invalid api path." },
  { faultCode: 4, faultMessage: "Resource path is not callable." },
  { faultCode: 5, faultMessage: "Session expired. Try to relogin." },
  { faultCode: 6, faultMessage: 'Required parameter is missing, for more details see "exception.log".' },
];

const message = (code: number): string => GLOBAL_FAULTS.find((kind) => kind.faultCode === code)?.faultMessage ?? "";

export const ApiFaults = {
  /** A wrong username or key, a revoked user, or a resource the user's role does not grant. */
  accessDenied: (details: Record<string, string | undefined> = {}) => fault("FORBIDDEN", 2, message(2), details),
  invalidApiPath: (path: string) => fault("MISSING_OR_INVALID_PARAMETER", 3, message(3), { resourcePath: path }),
  notCallable: (path: string) => fault("MISSING_OR_INVALID_PARAMETER", 4, message(4), { resourcePath: path }),
  /** Unknown, ended or expired sessions alike: which one it was would only help someone guessing ids. */
  sessionExpired: () => fault("UNAUTHORIZED", 5, message(5)),
  missingParameter: (parameter: string) =>
    fault("MISSING_OR_INVALID_PARAMETER", 6, message(6), { parameter }, `Required parameter is missing: ${parameter}.`),
} as const;

/** Each SOAP resource's own faults, by Magento's resource name. */
export const RESOURCE_FAULTS: Readonly<Record<string, readonly FaultKind[]>> = {
  enterprise_customerbalance: BALANCE_FAULT_KINDS,
  sales_order_creditmemo: MEMO_FAULT_KINDS,
};
