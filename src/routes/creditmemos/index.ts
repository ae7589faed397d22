import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import type { RouteAuth } from "../../auth/caller.js";
import { idempotencyHeaders, NO_IDEMPOTENCY_KEY, type IdempotencyScope } from "../../http/idempotent-route.js";
import { validationFault } from "../../http/magento-validation.js";
import { ErrorResponses } from "../../http/schemas.js";
import { runWrite } from "../../http/write-route.js";
import { formatCreditmemo, formatCreditmemoSummary, formatOrder, INVALID_DATA, INVALID_FILTER } from "../../magento/index.js";
import { toCollection } from "../../query/index.js";
import { createCreditmemo } from "../../services/creditmemos/create.js";
import { importOrder } from "../../services/creditmemos/orders.js";
import {
  CreditmemoListQuery,
  CreditmemoParams,
  IdempotencyHeaders,
  MODEL_SCHEMAS,
  NewCommentBody,
  NewCreditmemoBody,
  OrderImportBody,
  OrderParams,
} from "./schemas.js";
import { getCreditmemo, listCreditmemos } from "../../services/creditmemos/reads.js";
import { addCreditmemoComment, cancelCreditmemo } from "../../services/creditmemos/service.js";
import { requireCaller } from "../../http/caller.js";

const ORDERS = "/api/commerce/orders";
const MEMOS = `${ORDERS}/creditmemos`;
const TAGS = ["Credit memos"];

// These routes take no query string; leaving it out keeps the request hashes of keys already stored unchanged.
const IDEMPOTENCY: IdempotencyScope = { query: false };

const READ: RouteAuth = { behaviors: ["CreditMemoRead"] };
const WRITE: RouteAuth = { behaviors: ["CreditMemoWrite"] };

// A canceled memo cannot be canceled again, so without a key a retry after a lost answer is fault 104.
const CancelIdempotencyHeaders = idempotencyHeaders(
  "Makes a retry safe: the first response to a key is stored, and a retry with the same key and request " +
    "returns it (with `Idempotent-Replayed: true`) instead of answering fault 104 for the memo it canceled. The same " +
    "key with a different request is a 409.",
);

const invalidData = validationFault(INVALID_DATA);
const invalidFilter = validationFault(INVALID_FILTER);

/** Magento's order_creditmemo API (list, info, create, addComment, cancel) and the order snapshots it refunds. */
const creditmemoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const schema of MODEL_SCHEMAS) app.addSchema(schema);

  app.get(
    MEMOS,
    {
      config: { auth: READ },
      schemaErrorFormatter: invalidFilter,
      schema: {
        operationId: "getCreditmemos",
        summary: "List credit memos",
        description:
          "Magento's order_creditmemo.list: pages through the tenant's credit memos, filtered and sorted with the filter " +
          "language of the credits list, oldest first unless sorted otherwise. Items are the memo entity without " +
          "`items` and `comments` (read one memo for those). Faults: 101 (invalid filter) — a filter, sortBy or paging " +
          "mistake answers 400 with its position.",
        tags: TAGS,
        querystring: CreditmemoListQuery,
        response: { 200: Type.Ref("CreditmemoCollection"), ...ErrorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await listCreditmemos(request.tenantDb, request.query);
      return toCollection({ ...page, items: page.items.map(formatCreditmemoSummary) });
    },
  );

  app.get(
    `${MEMOS}/:creditmemoIncrementId`,
    {
      config: { auth: READ },
      schemaErrorFormatter: invalidData,
      schema: {
        operationId: "getCreditmemo",
        summary: "Get a credit memo",
        description:
          "Magento's order_creditmemo.info: the full salesOrderCreditmemoEntity with `order_increment_id`, `items` and " +
          "`comments`, every value a string or null as Magento writes it (amounts '90.0000', timestamps " +
          "'YYYY-MM-DD HH:MM:SS' UTC), keys in the order of Magento's response example. Faults: 100 (requested credit " +
          "memo does not exist) — 404.",
        tags: TAGS,
        params: CreditmemoParams,
        response: { 200: Type.Ref("salesOrderCreditmemoEntity"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => formatCreditmemo(await getCreditmemo(request.tenantDb, request.params.creditmemoIncrementId)),
  );

  app.post(
    `${ORDERS}/:orderIncrementId/creditmemos`,
    {
      config: { auth: WRITE },
      schemaErrorFormatter: invalidData,
      schema: {
        operationId: "createCreditmemo",
        summary: "Create a credit memo",
        description:
          "Magento's order_creditmemo.create: refunds lines, shipping and adjustments of an imported order, offline " +
          "(the memo is created refunded, state 2). Totals and their base_ twins are computed from the order snapshot " +
          "with its rates: rows at the order price, tax and discount in proportion to the refunded quantity, grand_total = " +
          "subtotal + tax + shipping + adjustment_positive − adjustment_negative − discount. The increment id is the " +
          "store's prefix and next 8-digit number. The order's refunded quantities and totals grow with the memo, and " +
          "`refundToStoreCreditAmount` (clamped to the memo's base grand total) is credited, in the same transaction, to " +
          "the customer's usable StoreCredit for the order's website (one restricted to that website first, then one " +
          "valid in every website, oldest first), or to a new StoreCredit for that website; the ledger row has action " +
          "Refunded. Concurrent creates for one order run one after another. Send an `Idempotency-Key` header to make " +
          "retries safe: a retried create refunds once. Answers 201 with `{increment_id, creditmemo}`.\n\n" +
          "Faults: 102 (invalid data) — 400: an item not on the order or listed twice, a quantity above what is invoiced " +
          "and not yet refunded, shipping above what is left of it, a negative amount or one with too many decimals, a " +
          "total that is not positive, or above what is left of what was paid (\"Maximum amount available to refund is " +
          "…\"); 103 (order does not exist) — 404; 105 (cannot refund to store credit: guest order) — 409; 106 (credit " +
          "memo cannot be created for the order: it is canceled, closed or on hold, nothing was paid, or everything paid " +
          "is refunded) — 409.",
        tags: TAGS,
        headers: IdempotencyHeaders,
        params: OrderParams,
        body: NewCreditmemoBody,
        response: { 201: Type.Ref("CreatedCreditmemo"), ...ErrorResponses(400, 401, 403, 404, 409, 414) },
      },
    },
    async (request, reply) =>
      runWrite(request, reply, IDEMPOTENCY, async (tx, written) => {
        const memo = await createCreditmemo(tx, requireCaller(request), request.params.orderIncrementId, request.body, new Date(), written);
        return { statusCode: 201, body: { increment_id: memo.increment_id, creditmemo: formatCreditmemo(memo) } };
      }),
  );

  app.post(
    `${MEMOS}/:creditmemoIncrementId/comments`,
    {
      config: { auth: WRITE },
      schemaErrorFormatter: invalidData,
      schema: {
        operationId: "addCreditmemoComment",
        summary: "Add a comment to a credit memo",
        description:
          "Magento's order_creditmemo.addComment. With notifyCustomer the comment is marked is_customer_notified and a " +
          "`creditmemo.email` message (carrying the comment when includeComment is set) is written to the notification " +
          "outbox for the mailer. Magento answers `true`; Tally answers 200 with the memo as info returns it, the new " +
          "comment last. Send an `Idempotency-Key` header to make retries safe.\n\nFaults: 100 (credit memo does not " +
          "exist) — 404; 102 (invalid data, e.g. a blank comment) — 400.",
        tags: TAGS,
        headers: IdempotencyHeaders,
        params: CreditmemoParams,
        body: NewCommentBody,
        response: { 200: Type.Ref("salesOrderCreditmemoEntity"), ...ErrorResponses(400, 401, 403, 404, 409, 414) },
      },
    },
    async (request, reply) =>
      runWrite(request, reply, IDEMPOTENCY, async (tx) => {
        const memo = await addCreditmemoComment(tx, requireCaller(request), request.params.creditmemoIncrementId, request.body, new Date());
        return { statusCode: 200, body: formatCreditmemo(memo) };
      }),
  );

  app.put(
    `${MEMOS}/:creditmemoIncrementId/cancel`,
    {
      config: { auth: WRITE },
      schemaErrorFormatter: invalidData,
      schema: {
        operationId: "cancelCreditmemo",
        summary: "Cancel a credit memo",
        description:
          "Magento's order_creditmemo.cancel, for open memos (state 1) only: the memo becomes canceled (state 3), the " +
          "order's refunded quantities and totals go back down, and a refund to store credit is reversed with a ledger row " +
          "of action Reverted on the credit it went to — as far as that credit's current balance allows. If the customer " +
          "has already spent part of it, only the rest is taken back; the spent part stays with the customer, and a " +
          "comment on the memo records both amounts. Magento answers `true`; Tally answers 200 with the memo as info " +
          "returns it. Send an `Idempotency-Key` header to make retries safe.\n\nFaults: 100 (credit memo does not " +
          "exist) — 404; 104 (status not changed: the memo is refunded or already canceled) — 409.",
        tags: TAGS,
        headers: CancelIdempotencyHeaders,
        params: CreditmemoParams,
        response: { 200: Type.Ref("salesOrderCreditmemoEntity"), ...ErrorResponses(400, 401, 403, 404, 409, 413, 414, 415) },
      },
    },
    async (request, reply) =>
      runWrite(request, reply, IDEMPOTENCY, async (tx, written) => {
        const memo = await cancelCreditmemo(tx, requireCaller(request), request.params.creditmemoIncrementId, new Date(), written);
        return { statusCode: 200, body: formatCreditmemo(memo) };
      }),
  );

  app.put(
    `${ORDERS}/:orderIncrementId`,
    {
      config: { auth: WRITE },
      schemaErrorFormatter: invalidData,
      schema: {
        operationId: "putOrder",
        summary: "Import or update an order snapshot",
        description:
          "Creates (201) or replaces (200) the order Tally validates and computes credit memos against, as the order " +
          "system has it, in Magento's salesOrderEntity names (snake_case); amounts as JSON numbers or decimal strings. " +
          "Idempotent. Lines missing from the body are removed, unless credit memos refunded them (409). Refunded " +
          "quantities and totals are Tally's own: the larger of what is sent and what Tally's credit memos refunded is " +
          "kept, so an import never undoes a refund, and an invoiced quantity or paid total below what memos refunded is a " +
          "409. entity_id is fixed once imported and unique in the tenant (409). Answers with the stored snapshot.\n\n" +
          "Errors: 400 with fault 102 (invalid data) for a malformed body, an unknown store_id or customer_id, or " +
          "inconsistent quantities; 409 for the conflicts above.",
        tags: TAGS,
        params: OrderParams,
        body: OrderImportBody,
        response: { 200: Type.Ref("OrderSnapshot"), 201: Type.Ref("OrderSnapshot"), ...ErrorResponses(400, 401, 403, 409, 414) },
      },
    },
    async (request, reply) =>
      runWrite(request, reply, NO_IDEMPOTENCY_KEY, async (tx) => {
        const imported = await importOrder(tx, request.params.orderIncrementId, request.body, new Date());
        return { statusCode: imported.created ? 201 : 200, body: formatOrder(imported.order) };
      }),
  );
};

export default creditmemoRoutes;
