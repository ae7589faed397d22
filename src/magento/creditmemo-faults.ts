import { CREDITMEMO_STATE } from "./creditmemo-entity.js";
import { fault, type FaultKind } from "./faults.js";

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

/** order_creditmemo faults answered as an existing error (a list-parameter or request-validation 400) plus the code. */
export const INVALID_FILTER: FaultKind = { faultCode: 101, faultMessage: "Invalid filter given." };
export const INVALID_DATA: FaultKind = { faultCode: 102, faultMessage: "Invalid data given." };

const STATE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(CREDITMEMO_STATE).map(([name, state]) => [state, name]));
