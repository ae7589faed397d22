// Written the way a Tally user would write it against types generated from openapi/openapi.json. It compiles only
// once test/e2e/generated-client.test.ts has generated ./generated/tally.ts, so tsconfig.json excludes it and that
// test type-checks it instead.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/tally.js";
import { type ConnectTally, type Credit, TallyApiError, type TallyClient, type Transaction } from "./contract.js";

type Schemas = components["schemas"];

// responseFields may drop any credit or transaction property, so the document makes them all optional; this
// client never sends responseFields, so a missing one is a server bug worth a loud failure.
function present<T>(value: T | undefined, operation: string, field: string): T {
  if (value === undefined) throw new Error(`${operation}: the response has no ${field}`);
  return value;
}

function failure(operation: string, response: Response, error: Schemas["ErrorBody"]): TallyApiError {
  return new TallyApiError(operation, response.status, error.errorCode, error.message);
}

function toCredit(credit: Schemas["CustomerCredit"], operation: string): Credit {
  return {
    code: present(credit.code, operation, "code"),
    creditType: present(credit.creditType, operation, "creditType"),
    currencyCode: present(credit.currencyCode, operation, "currencyCode"),
    initialBalance: present(credit.initialBalance, operation, "initialBalance"),
    currentBalance: present(credit.currentBalance, operation, "currentBalance"),
    customerId: present(credit.customerId, operation, "customerId"),
  };
}

function toTransaction(transaction: Schemas["CreditTransaction"], operation: string): Transaction {
  return {
    id: present(transaction.id, operation, "id"),
    transactionType: present(transaction.transactionType, operation, "transactionType"),
    impactAmount: present(transaction.impactAmount, operation, "impactAmount"),
    orderId: present(transaction.orderId, operation, "orderId"),
    comments: present(transaction.comments, operation, "comments"),
  };
}

/** Signs in with client credentials through the oauth endpoint and returns a client sending the bearer token. */
export const connectTally: ConnectTally = async (baseUrl, { clientId, clientSecret }) => {
  const anonymous = createClient<paths>({ baseUrl });
  const ticket = await anonymous.POST("/api/platform/applications/authtickets/oauth", {
    body: { client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" },
  });
  if (ticket.error) throw failure("oauthAuthenticateApp", ticket.response, ticket.error);
  const { token_type: tokenType, access_token: accessToken } = ticket.data;
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `${tokenType} ${accessToken}` } });

  const client: TallyClient = {
    async listCredits({ filter, sortBy, pageSize }) {
      const { data, error, response } = await api.GET("/api/commerce/customer/credits", {
        params: { query: { filter, sortBy, pageSize } },
      });
      if (error) throw failure("getCredits", response, error);
      return {
        totalCount: present(data.totalCount, "getCredits", "totalCount"),
        items: present(data.items, "getCredits", "items").map((credit) => toCredit(credit, "getCredits")),
      };
    },

    async getCredit(code) {
      const { data, error, response } = await api.GET("/api/commerce/customer/credits/{code}", {
        params: { path: { code } },
      });
      if (error) throw failure("getCredit", response, error);
      return toCredit(data, "getCredit");
    },

    async addTransaction(code, change, idempotencyKey) {
      const { data, error, response } = await api.POST("/api/commerce/customer/credits/{code}/transactions", {
        params: { path: { code }, header: { "idempotency-key": idempotencyKey } },
        body: change,
      });
      if (error) throw failure("addTransaction", response, error);
      return toTransaction(data, "addTransaction");
    },

    async getStoreCreditBalance(customerId, websiteId) {
      const { data, error, response } = await api.GET("/api/commerce/customer/accounts/{customerId}/storecredit", {
        params: { path: { customerId }, query: { websiteId } },
      });
      if (error) throw failure("getStoreCreditBalance", response, error);
      return data;
    },

    async getCreditmemo(incrementId) {
      const { data, error, response } = await api.GET("/api/commerce/orders/creditmemos/{creditmemoIncrementId}", {
        params: { path: { creditmemoIncrementId: incrementId } },
      });
      if (error) throw failure("getCreditmemo", response, error);
      return data;
    },
  };
  return client;
};
