import type { ApplicationCaller } from "../../auth/caller.js";
import type { TenantDb } from "../../db/tenant-scope.js";
import type { TenantTx } from "../../db/transactions.js";
import type { LedgerWrite } from "../../ledger/writes.js";
import {
  BalanceFaults,
  formatCreditmemo,
  formatCreditmemoSummary,
  INVALID_FILTER,
  magentoFilter,
  MemoFaults,
} from "../../magento/index.js";
import { MONEY_SCALE } from "../../money/index.js";
import type { NewCommentInput, NewCreditmemoInput } from "../../services/creditmemos/inputs.js";
import { createCreditmemo } from "../../services/creditmemos/create.js";
import { CREDITMEMO_LIST_FIELDS } from "../../services/creditmemos/fields.js";
import { getCreditmemo, listAllCreditmemos } from "../../services/creditmemos/reads.js";
import { addCreditmemoComment, cancelCreditmemo } from "../../services/creditmemos/service.js";
import { getAllHistory, getBalance } from "../../services/storecredit/service.js";
import type { OperationName } from "../../soap/contract.js";
import { flag, positiveId, required, text, type Args } from "./arguments.js";

/**
 * The Magento resource methods Tally serves over SOAP, one entry per method, each calling the same service as its
 * REST route: the dialects (V1's `call`, V2's typed operations, WS-I) differ only in how arguments arrive and
 * results are written, never in what a method does.
 */

/** Checks a service input against the schema REST validates its body with; fault 102 naming what is wrong. */
export interface InputValidators {
  creditmemo(input: unknown): NewCreditmemoInput;
  comment(input: unknown): NewCommentInput;
}

export interface MethodContext {
  readonly db: TenantDb;
  readonly caller: ApplicationCaller;
  readonly now: Date;
  /** How list filters arrived: V1's associative array, or V2's `filters` struct. */
  readonly filterForm: "v1" | "v2";
  readonly validate: InputValidators;
  /** Runs a write in one transaction of the caller's tenant, counting its ledger rows once it commits. */
  write<T>(effect: (tx: TenantTx, written: LedgerWrite[]) => Promise<T>): Promise<T>;
}

export interface MagentoMethod {
  /** The ACL resource the API user's role must grant (Magento's names). */
  readonly acl: string;
  run(context: MethodContext, args: Args): Promise<unknown>;
}

/**
 * Magento answers a list in one response; beyond this many rows a SOAP list or history is refused with a pointer to
 * the paged REST route, so no single call builds an unbounded answer.
 */
export const SOAP_LIST_LIMIT = 10_000;

const balanceInvalid = (message: string, parameter: string) => BalanceFaults.invalidData(message, { parameter });
const memoInvalid = (message: string, parameter: string) => MemoFaults.invalidData(message, parameter);

export const METHODS: Readonly<Record<Exclude<OperationName, "login" | "endSession">, MagentoMethod>> = {
  enterpriseCustomerbalanceBalance: {
    acl: "storecredit/balance",
    async run({ db, caller, now }, args) {
      const customerId = positiveId(required(args, "customerId"), "customerId", balanceInvalid);
      const websiteId = positiveId(required(args, "websiteId"), "websiteId", balanceInvalid);
      const balance = await getBalance(db, caller, customerId, websiteId, now);
      // Magento answers the stored decimal as a string ('341.4500'), which PHP prints as the seed shows.
      return balance.amount.toFixed(MONEY_SCALE);
    },
  },
  enterpriseCustomerbalanceHistory: {
    acl: "storecredit/history",
    async run({ db, caller, now }, args) {
      const customerId = positiveId(required(args, "customerId"), "customerId", balanceInvalid);
      const website = args["websiteId"];
      const websiteId = website === undefined || website === null || website === "" ? undefined : positiveId(website, "websiteId", balanceInvalid);
      return getAllHistory(db, caller, customerId, websiteId, now, SOAP_LIST_LIMIT);
    },
  },
  salesOrderCreditmemoList: {
    acl: "sales/order/creditmemo/list",
    async run({ db, filterForm }, args) {
      const filter = magentoFilter(filterForm, args["filters"], CREDITMEMO_LIST_FIELDS, INVALID_FILTER);
      const memos = await listAllCreditmemos(db, filter, SOAP_LIST_LIMIT);
      return memos.map(formatCreditmemoSummary);
    },
  },
  salesOrderCreditmemoInfo: {
    acl: "sales/order/creditmemo/info",
    async run({ db }, args) {
      const incrementId = text(required(args, "creditmemoIncrementId"), "creditmemoIncrementId", memoInvalid);
      return formatCreditmemo(await getCreditmemo(db, incrementId));
    },
  },
  salesOrderCreditmemoCreate: {
    acl: "sales/order/creditmemo/create",
    async run({ caller, now, validate, write }, args) {
      const orderIncrementId = text(required(args, "orderIncrementId"), "orderIncrementId", memoInvalid);
      const input = validate.creditmemo(createInput(args));
      const memo = await write((tx, written) => createCreditmemo(tx, caller, orderIncrementId, input, now, written));
      return memo.increment_id;
    },
  },
  salesOrderCreditmemoAddComment: {
    acl: "sales/order/creditmemo/comment",
    async run({ caller, now, validate, write }, args) {
      const incrementId = text(required(args, "creditmemoIncrementId"), "creditmemoIncrementId", memoInvalid);
      const input = validate.comment(
        defined({
          comment: required(args, "comment"),
          notifyCustomer: flag(args["notifyCustomer"], "notifyCustomer", memoInvalid),
          includeComment: flag(args["includeComment"], "includeComment", memoInvalid),
        }),
      );
      await write((tx) => addCreditmemoComment(tx, caller, incrementId, input, now));
      return true;
    },
  },
  salesOrderCreditmemoCancel: {
    acl: "sales/order/creditmemo/cancel",
    async run({ caller, now, write }, args) {
      const incrementId = text(required(args, "creditmemoIncrementId"), "creditmemoIncrementId", memoInvalid);
      await write((tx, written) => cancelCreditmemo(tx, caller, incrementId, now, written));
      return true;
    },
  },
};

/**
 * create's arguments as the service input. V1 clients send `qtys` as Magento's own array of order_item_id => qty,
 * V2 as a list of {order_item_id, qty}; both mean the same lines. Anything else in creditmemoData is left for the
 * schema to refuse by name.
 */
function createInput(args: Args): unknown {
  // PHP sends an empty array() as an empty SOAP list, whatever it stands for: Magento reads it as no data.
  const data = isEmptyList(args["creditmemoData"]) ? undefined : args["creditmemoData"];
  if (data !== undefined && data !== null && (typeof data !== "object" || Array.isArray(data))) {
    throw MemoFaults.invalidData("creditmemoData must be a structure of qtys, shipping_amount, adjustment_positive, adjustment_negative.", "creditmemoData");
  }
  const { qtys, ...amounts } = (data ?? {}) as Record<string, unknown>;
  return defined({
    ...amounts,
    qtys: qtyLines(qtys),
    comment: args["comment"],
    notifyCustomer: flag(args["notifyCustomer"], "notifyCustomer", memoInvalid),
    includeComment: flag(args["includeComment"], "includeComment", memoInvalid),
    refundToStoreCreditAmount: args["refundToStoreCreditAmount"],
  });
}

const isEmptyList = (value: unknown): boolean => Array.isArray(value) && value.length === 0;

/** No lines (absent or empty) is every line, as Magento's prepareCreditmemo reads an empty qtys. */
function qtyLines(qtys: unknown): unknown {
  if (qtys === null || isEmptyList(qtys)) return undefined;
  if (qtys === undefined || Array.isArray(qtys) || typeof qtys !== "object") return qtys;
  const entries = Object.entries(qtys);
  const isLine = (value: unknown) => typeof value === "object" && value !== null && "order_item_id" in value;
  // One {order_item_id, qty} line that a client's encoding did not wrap in a list.
  if ("order_item_id" in qtys) return [qtys];
  if (entries.every(([, value]) => isLine(value))) return entries.map(([, value]) => value);
  return entries.map(([orderItemId, qty]) => ({ order_item_id: orderItemId, qty }));
}

/** The object without its undefined properties: a schema reads a present undefined as a wrong type. */
function defined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
