import { CREDITMEMO_STATE } from "./creditmemo-entity.js";
import { fault, type FaultKind } from "./faults.js";

/** Magento's canonical message for each order_creditmemo fault code. */
const MESSAGES = {
  100: "Requested credit memo does not exist.",
  101: "Invalid filter given.",
  102: "Invalid data given.",
  103: "Requested order does not exist.",
  104: "Status not changed.",
  105: "Cannot refund to store credit: the order was placed by a guest.",
  106: "Credit memo cannot be created for the order.",
} as const;

/** Every order_creditmemo fault, as SOAP V1's resourceFaults lists them. */
export const MEMO_FAULT_KINDS: readonly FaultKind[] = Object.entries(MESSAGES).map(([code, faultMessage]) => ({
  faultCode: Number(code),
  faultMessage,
}));

/** order_creditmemo faults (API-NOTES §3). */
export const MemoFaults = {
  notFound: (creditmemoIncrementId: string) => fault("ITEM_NOT_FOUND", 100, MESSAGES[100], { creditmemoIncrementId }),
  invalidData: (message: string, parameter?: string) =>
    fault("MISSING_OR_INVALID_PARAMETER", 102, MESSAGES[102], { parameter }, message),
  orderNotFound: (orderIncrementId: string) => fault("ITEM_NOT_FOUND", 103, MESSAGES[103], { orderIncrementId }),
  statusNotChanged: (creditmemoIncrementId: string, state: number) =>
    fault(
      "VALIDATION_CONFLICT",
      104,
      MESSAGES[104],
      { creditmemoIncrementId, state },
      `Status not changed. Credit memo ${creditmemoIncrementId} is ${STATE_NAMES[state] ?? `in state ${state}`}; only open credit memos (state 1) can be canceled.`,
    ),
  guestOrder: (orderIncrementId: string) =>
    fault("VALIDATION_CONFLICT", 105, MESSAGES[105], { orderIncrementId }),
  cannotCreate: (orderIncrementId: string, reason: string) =>
    fault(
      "VALIDATION_CONFLICT",
      106,
      MESSAGES[106],
      { orderIncrementId },
      `Credit memo cannot be created for order ${orderIncrementId}: ${reason}`,
    ),
} as const;

/** order_creditmemo faults answered as an existing error (a list-parameter or request-validation 400) plus the code. */
export const INVALID_FILTER: FaultKind = { faultCode: 101, faultMessage: MESSAGES[101] };
export const INVALID_DATA: FaultKind = { faultCode: 102, faultMessage: MESSAGES[102] };

const STATE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(CREDITMEMO_STATE).map(([name, state]) => [state, name]));
