import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import type { RouteAuth } from "../../auth/caller.js";
import { validationFault } from "../../http/magento-validation.js";
import { ErrorResponses } from "../../http/schemas.js";
import { BALANCE_INVALID_DATA } from "../../magento/index.js";
import { toKiboAmount } from "../../money/index.js";
import { toCollection } from "../../query/index.js";
import { BalanceQuery, CustomerParams, HistoryQuery, MODEL_SCHEMAS } from "./schemas.js";
import { serializeHistoryEntry } from "../../services/storecredit/serialize.js";
import { getBalance, getHistory } from "../../services/storecredit/service.js";
import { requireCaller } from "../../http/caller.js";

const BASE = "/api/commerce/customer/accounts/:customerId/storecredit";
const TAGS = ["Store credit"];

const READ: RouteAuth = { behaviors: ["BalanceRead"], shoppers: true };

// Every 400 on these routes is Magento's fault 100, request validation included (a customerId of "abc", no websiteId).
const invalidData = validationFault(BALANCE_INVALID_DATA);

const COUNTED =
  "The balance is made of the customer's credits of every type — store credits, gift cards and custom credits — " +
  "because all of them are stored value the customer can spend at checkout; a credit counts when it is activated " +
  "(activationDate set and not in the future), not expired, not deleted, restricted to this website or to none " +
  "(usable in every website of the tenant), and held in the website's base currency. Credits in other currencies " +
  "never count: amounts in different currencies are never added up or converted.";

/** Magento's customer balance API (storecredit.balance, storecredit.history) over Tally's credits. */
const storeCreditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const schema of MODEL_SCHEMAS) app.addSchema(schema);

  app.get(
    BASE,
    {
      config: { auth: READ },
      schemaErrorFormatter: invalidData,
      schema: {
        operationId: "getStoreCreditBalance",
        summary: "Get a customer's store-credit balance in a website",
        description:
          `Magento's storecredit.balance: the sum of the current balances of the credits that count, in the website's base currency. ${COUNTED}\n\n` +
          "Faults: 100 (Provided data is invalid.) — 400 when customerId or websiteId is not a positive integer or the " +
          "website does not exist; 101 (No balance found with requested parameters.) — 404 when no credit of the " +
          "customer counts in that website. A shopper may read only their own balance: another customerId answers the " +
          "same 404 fault 101, so whether that customer has a balance is not revealed.",
        tags: TAGS,
        params: CustomerParams,
        querystring: BalanceQuery,
        response: { 200: Type.Ref("StoreCreditBalance"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => {
      const balance = await getBalance(request.tenantDb, requireCaller(request), request.params.customerId, request.query.websiteId, new Date());
      return { ...balance, amount: toKiboAmount(balance.amount) };
    },
  );

  app.get(
    `${BASE}/history`,
    {
      config: { auth: READ },
      schemaErrorFormatter: invalidData,
      schema: {
        operationId: "getStoreCreditHistory",
        summary: "List a customer's store-credit history in a website",
        description:
          "Magento's storecredit.history: the ledger rows of the credits that make up the balance, newest first unless " +
          "sorted otherwise, paged and filtered like the credits list. Every value is a string as Magento writes it " +
          "(amounts '300.0000', times 'YYYY-MM-DD HH:MM:SS' UTC). `balance_amount` is the customer's balance in the " +
          "website right after the row: the running total over all the counted credits' rows in (updated_at, " +
          "history_id) order — independent of filter, sort and page — so on the newest row it equals the balance. " +
          `${COUNTED}\n\n` +
          "Faults: 100 (Provided data is invalid.) — 400 for invalid ids, an unknown website, or a filter, sortBy or " +
          "paging mistake (with its position); 102 (No history found with requested parameters.) — 404 when the " +
          "customer has no history in the website. A filter matching nothing on existing history is an empty page. A " +
          "shopper may read only their own history: another customerId answers 404 fault 102.",
        tags: TAGS,
        params: CustomerParams,
        querystring: HistoryQuery,
        response: { 200: Type.Ref("StoreCreditHistoryCollection"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => {
      const page = await getHistory(request.tenantDb, requireCaller(request), request.params.customerId, request.query, new Date());
      return toCollection({ ...page, items: page.items.map((row) => serializeHistoryEntry(row, page)) });
    },
  );
};

export default storeCreditRoutes;
