import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import type { RouteAuth } from "../../auth/caller.js";
import { Errors } from "../../errors.js";
import { NO_IDEMPOTENCY_KEY, type IdempotencyScope } from "../../http/idempotent-route.js";
import { ErrorResponses } from "../../http/schemas.js";
import { runWrite } from "../../http/write-route.js";
import { parseResponseFields, projectResponse, toCollection } from "../../query/index.js";
import {
  AuditEntryListQuery,
  CodeParams,
  CreditListQuery,
  CreditUpdateBody,
  EmptyBody,
  IdempotencyHeaders,
  MODEL_SCHEMAS,
  NewCreditBody,
  NewTransactionBody,
  ResponseFieldsQuery,
  TransactionListQuery,
  UserIdQuery,
} from "./schemas.js";
import { serializeAuditEntry, serializeCredit, serializeTransaction } from "./serialize.js";
import { addCredit } from "./create.js";
import { getCredit, listAuditEntries, listCredits, listTransactions } from "./reads.js";
import { addTransaction } from "./transactions.js";
import { associateCreditToShopper, deleteCredit, resendCreditCreatedEmail, updateCredit } from "./update.js";
import { requireCaller } from "../../http/caller.js";

const BASE = "/api/commerce/customer/credits";
const TAGS = ["Credits"];

// responseFields shapes the stored answer, so a retry must repeat the query string as well.
const IDEMPOTENCY: IdempotencyScope = { query: true };

const READ: RouteAuth = { behaviors: ["CreditRead"], shoppers: true };
const READ_APPS_ONLY: RouteAuth = { behaviors: ["CreditRead"] };
const CREATE: RouteAuth = { behaviors: ["CreditCreate"] };
const UPDATE: RouteAuth = { behaviors: ["CreditUpdate"] };
const DELETE: RouteAuth = { behaviors: ["CreditDelete"] };

/** Kibo's Customer Credits API (CreditApi): credits, their transactions and their audit trail. */
const creditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const schema of MODEL_SCHEMAS) app.addSchema(schema);

  app.get(
    BASE,
    {
      config: { auth: READ },
      schema: {
        operationId: "getCredits",
        summary: "List credits",
        description:
          "Pages through the tenant's store credits, gift cards and custom credits, filtered and sorted as asked. " +
          "Deleted credits are never listed. A shopper sees only their own credits: the filter is always combined " +
          "with the shopper's customerId, whatever it says.",
        tags: TAGS,
        querystring: CreditListQuery,
        response: { 200: Type.Ref("CreditCollection"), ...ErrorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const page = await listCredits(request.tenantDb, requireCaller(request), request.query);
      return projectResponse(toCollection(page), fields);
    },
  );

  app.get(
    `${BASE}/:code`,
    {
      config: { auth: READ },
      schema: {
        operationId: "getCredit",
        summary: "Get a credit",
        description: "The credit with this code (case-insensitive). A deleted credit, or another shopper's, answers 404.",
        tags: TAGS,
        params: CodeParams,
        querystring: ResponseFieldsQuery,
        response: { 200: Type.Ref("CustomerCredit"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      return projectResponse(serializeCredit(await getCredit(request.tenantDb, requireCaller(request), request.params.code)), fields);
    },
  );

  app.post(
    BASE,
    {
      config: { auth: CREATE },
      schema: {
        operationId: "addCredit",
        summary: "Create a credit",
        description:
          "Creates a store credit, gift card or custom credit. Without `code` an unguessable one is generated " +
          "(16 random characters after a type prefix). Codes are unique in the tenant, case-insensitively, including " +
          "deleted credits' codes: a taken code is a 409 ITEM_ALREADY_EXISTS. `currencyCode` defaults to the base " +
          "currency of the site selected with `x-vol-site`. A positive initialBalance is recorded as the opening " +
          "Credit transaction. A credit created for a customer queues the credit-created email to them (code, " +
          "amount, currency, expiry), sent after the change commits. Send an `Idempotency-Key` header to make " +
          "retries safe.",
        tags: TAGS,
        headers: IdempotencyHeaders,
        querystring: UserIdQuery,
        body: NewCreditBody,
        response: { 200: Type.Ref("CustomerCredit"), ...ErrorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const fields = parseResponseFields(request.query.responseFields);
      return runWrite(request, reply, IDEMPOTENCY, async (tx, written) => ({
        statusCode: 200,
        body: projectResponse(serializeCredit(await addCredit(tx, requireCaller(request), request.body, new Date(), written)), fields),
      }));
    },
  );

  app.put(
    `${BASE}/:code`,
    {
      config: { auth: UPDATE },
      schema: {
        operationId: "updateCredit",
        summary: "Update a credit",
        description:
          "Changes expirationDate, customerId, customCreditType, and activationDate while it is not yet set. Kibo " +
          "clients send the whole object back: read-only properties (code, creditType, creditTypeId, currencyCode, " +
          "initialBalance, currentBalance, a set activationDate) are accepted when unchanged and refused with a 400 " +
          "naming the property otherwise. Writes an Updated audit entry (and Activated when activationDate is set, " +
          "Deactivated when expirationDate is moved into the past).",
        tags: TAGS,
        params: CodeParams,
        querystring: ResponseFieldsQuery,
        body: CreditUpdateBody,
        response: { 200: Type.Ref("CustomerCredit"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request, reply) => {
      const fields = parseResponseFields(request.query.responseFields);
      return runWrite(request, reply, NO_IDEMPOTENCY_KEY, async (tx) => {
        const credit = await updateCredit(tx, requireCaller(request), request.params.code, request.body, new Date());
        return { statusCode: 200, body: projectResponse(serializeCredit(credit), fields) };
      });
    },
  );

  app.delete(
    `${BASE}/:code`,
    {
      config: { auth: DELETE },
      schema: {
        operationId: "deleteCredit",
        summary: "Delete a credit",
        description:
          "Deletes a credit whose currentBalance is zero; a credit with a non-zero balance answers 409 " +
          "VALIDATION_CONFLICT (debit it to zero first). The credit disappears from every list and lookup, its " +
          "transactions and audit trail are kept (with a Deleted entry), and its code stays reserved. Answers 204.",
        tags: TAGS,
        params: CodeParams,
        response: { 204: EmptyBody("Deleted; no body."), ...ErrorResponses(400, 401, 403, 404, 409, 413, 414, 415) },
      },
    },
    async (request, reply) =>
      runWrite(request, reply, NO_IDEMPOTENCY_KEY, async (tx) => {
        await deleteCredit(tx, requireCaller(request), request.params.code, new Date());
        return { statusCode: 204, body: undefined };
      }),
  );

  app.put(
    `${BASE}/:code/associate-to-shopper`,
    {
      config: { auth: { behaviors: ["CreditUpdate"], shoppers: true } },
      schema: {
        operationId: "associateCreditToShopper",
        summary: "Associate a credit with the calling shopper",
        description:
          "Binds the credit to the shopper whose token calls it (e.g. a shopper redeeming a gift card code). A credit " +
          "already theirs answers 200 unchanged; one that belongs to another customer answers 409. Needs a shopper " +
          "token: an application token answers 403 — applications set customerId with updateCredit.",
        tags: TAGS,
        params: CodeParams,
        querystring: ResponseFieldsQuery,
        response: { 200: Type.Ref("CustomerCredit"), ...ErrorResponses(400, 401, 403, 404, 409, 413, 414, 415) },
      },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      if (caller.kind !== "shopper") {
        throw Errors.forbidden(
          "associate-to-shopper binds a credit to the calling shopper and needs a shopper token; applications set customerId with updateCredit.",
        );
      }
      const fields = parseResponseFields(request.query.responseFields);
      return runWrite(request, reply, NO_IDEMPOTENCY_KEY, async (tx) => {
        const credit = await associateCreditToShopper(tx, caller, request.params.code, new Date());
        return { statusCode: 200, body: projectResponse(serializeCredit(credit), fields) };
      });
    },
  );

  app.put(
    `${BASE}/:code/Resend-Email`,
    {
      config: { auth: UPDATE },
      schema: {
        operationId: "resendCreditCreatedEmail",
        summary: "Resend the credit-created email",
        description:
          "Queues the credit-created email again for the credit's customer, with the credit's balance and expiry as " +
          "they are now: a `credit.resend-email` message in Tally's notification outbox, which its mailer sends " +
          "after the request commits. A credit without a customer, or a customer without an email address, is " +
          "accepted all the same; the message is then recorded as Failed with the reason. Answers 200 with an " +
          "empty body, as Kibo does.",
        tags: TAGS,
        params: CodeParams,
        querystring: UserIdQuery,
        response: { 200: EmptyBody("Queued; empty body."), ...ErrorResponses(400, 401, 403, 404, 413, 414, 415) },
      },
    },
    async (request, reply) =>
      runWrite(request, reply, NO_IDEMPOTENCY_KEY, async (tx) => {
        await resendCreditCreatedEmail(tx, requireCaller(request), request.params.code, new Date());
        return { statusCode: 200, body: undefined };
      }),
  );

  app.get(
    `${BASE}/:code/transactions`,
    {
      config: { auth: READ },
      schema: {
        operationId: "getTransactions",
        summary: "List a credit's transactions",
        description:
          "Pages through the credit's ledger, oldest first unless sorted otherwise. The opening balance is the first " +
          "Credit transaction; Debits carry a negative impactAmount. Shoppers see only their own credits' transactions.",
        tags: TAGS,
        params: CodeParams,
        querystring: TransactionListQuery,
        response: { 200: Type.Ref("CreditTransactionCollection"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const page = await listTransactions(request.tenantDb, requireCaller(request), request.params.code, request.query);
      return projectResponse(toCollection({ ...page, items: page.items.map(serializeTransaction) }), fields);
    },
  );

  app.post(
    `${BASE}/:code/transactions`,
    {
      config: { auth: UPDATE },
      schema: {
        operationId: "addTransaction",
        summary: "Credit or debit a credit",
        description:
          "A Credit adds impactAmount to the balance; a Debit subtracts it (sent positive or negative). The new " +
          "balance, the ledger row and a Transaction audit entry are written together, and concurrent debits of one " +
          "credit are applied one after another, so a balance never goes negative and no update is lost. 409 " +
          "VALIDATION_CONFLICT when a Debit exceeds the balance or the credit is not active yet, when the credit has " +
          "expired or was deleted, or when `currencyCode` differs from the credit's. Send an `Idempotency-Key` " +
          "header to make retries safe.",
        tags: TAGS,
        headers: IdempotencyHeaders,
        params: CodeParams,
        querystring: ResponseFieldsQuery,
        body: NewTransactionBody,
        response: { 200: Type.Ref("CreditTransaction"), ...ErrorResponses(400, 401, 403, 404, 409, 414) },
      },
    },
    async (request, reply) => {
      const fields = parseResponseFields(request.query.responseFields);
      return runWrite(request, reply, IDEMPOTENCY, async (tx, written) => {
        const row = await addTransaction(tx, requireCaller(request), request.params.code, request.body, new Date(), written);
        return { statusCode: 200, body: projectResponse(serializeTransaction(row), fields) };
      });
    },
  );

  app.get(
    `${BASE}/:code/auditentries`,
    {
      config: { auth: READ_APPS_ONLY },
      schema: {
        operationId: "getAuditEntries",
        summary: "List a credit's audit entries",
        description:
          "Pages through what happened to the credit (Created, Updated, Deleted, Activated, Deactivated, Transaction), " +
          "oldest first unless sorted otherwise. Not available to shopper tokens.",
        tags: TAGS,
        params: CodeParams,
        querystring: AuditEntryListQuery,
        response: { 200: Type.Ref("CreditAuditEntryCollection"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const page = await listAuditEntries(request.tenantDb, requireCaller(request), request.params.code, request.query);
      return projectResponse(toCollection({ ...page, items: page.items.map(serializeAuditEntry) }), fields);
    },
  );
};

export default creditRoutes;
