import { signShopperToken } from "../../src/auth/tokens.js";
import type { FuzzSources } from "./generate.js";
import type { FuzzContext } from "./request.js";

/**
 * Signs in to a running Tally the way its clients do (an auth ticket, a shopper token signed with the storefront's
 * secret, SOAP logins, WS-I's at the Tally started with MAGENTO_SOAP_WSI) and reads which credits, credit memos,
 * events and subscriptions exist, so that most generated requests get past authentication and reach real rows.
 */

export type Call = (method: string, path: string, headers: Record<string, string>, body?: string) => Promise<{ status: number; text: string }>;

export interface Credentials {
  tenantId: number;
  /** An application of `tenantId` with every behavior, and one of another tenant. */
  application: { clientId: string; clientSecret: string };
  otherTenant: { tenantId: number; clientId: string; clientSecret: string };
  shopperSecret: string;
  soap: { username: string; apiKey: string };
  loyalty: { userId: string; password: string; accountId: string; campaignId: string };
}

async function json<T>(call: Call, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const response = await call(method, path, { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body === undefined ? undefined : JSON.stringify(body));
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${response.text.slice(0, 500)}`);
  return JSON.parse(response.text) as T;
}

async function token(call: Call, clientId: string, clientSecret: string): Promise<string> {
  const ticket = await json<{ access_token: string }>(call, "POST", "/api/platform/applications/authtickets/oauth", {}, {
    client_id: clientId,
    client_secret: clientSecret,
    grant_type: "client_credentials",
  });
  return ticket.access_token;
}

/** A SOAP login: `login` answering `loginReturn` (V1, V2), or WS-I's `loginParam` answering `result`. */
async function soapLogin(call: Call, path: string, username: string, apiKey: string, wsi = false): Promise<string> {
  const [element, result] = wsi ? ["loginParam", "result"] : ["login", "loginReturn"];
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:Magento">' +
    `<SOAP-ENV:Body><ns1:${element}><username>${username}</username><apiKey>${apiKey}</apiKey></ns1:${element}></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
  const response = await call("POST", path, { "content-type": "text/xml; charset=utf-8" }, envelope);
  const session = new RegExp(`<${result}[^>]*>([^<]+)</${result}>`).exec(response.text)?.[1];
  if (!session) throw new Error(`SOAP login at ${path}: ${response.status} ${response.text.slice(0, 500)}`);
  return session;
}

const unique = (values: unknown[]): string[] => [...new Set(values.filter((value) => value !== undefined && value !== null).map(String))];

/** The generator's context and sources, read from the running Tally that `call` reaches and the WS-I one `wsiCall` does. */
export async function discover(
  call: Call,
  wsiCall: Call,
  credentials: Credentials,
  openapi: FuzzSources["openapi"],
): Promise<{ context: FuzzContext; sources: FuzzSources }> {
  const appToken = await token(call, credentials.application.clientId, credentials.application.clientSecret);
  const otherTenantToken = await token(call, credentials.otherTenant.clientId, credentials.otherTenant.clientSecret);
  const auth = { authorization: `Bearer ${appToken}` };
  const credits = await json<{ items: { code: string; customerId?: number }[] }>(call, "GET", "/api/commerce/customer/credits?pageSize=200", auth);
  const memos = await json<{ items: { increment_id?: string; order_increment_id?: string }[] }>(call, "GET", "/api/commerce/orders/creditmemos?pageSize=200", auth);
  const events = await json<{ items: { id: string }[] }>(call, "GET", "/api/event/pull?pageSize=100", auth);
  const subscriptions = await json<{ items: { id: string }[] }>(call, "GET", "/api/event/push/subscriptions?pageSize=100", auth);
  const attempts = await json<{ items: { id: string; subscriptionId: string }[] }>(call, "GET", "/api/event/push/subscriptions/deliveryattempts?pageSize=100", auth);
  const customerIds = unique(credits.items.map((credit) => credit.customerId));
  const shopperCustomerId = Number(customerIds[0] ?? 1);
  const shopperToken = await signShopperToken(credentials.shopperSecret, { tenantId: credentials.tenantId, customerId: shopperCustomerId });
  const v1Wsdl = (await call("GET", "/api/soap/?wsdl", {})).text;
  const v2Wsdl = (await call("GET", "/api/v2_soap/?wsdl", {})).text;
  const wsiWsdl = (await wsiCall("GET", "/api/v2_soap/?wsdl", {})).text;
  const { username, apiKey } = credentials.soap;
  const context: FuzzContext = {
    tenantId: credentials.tenantId,
    appToken,
    shopperToken,
    shopperCustomerId,
    otherTenantToken,
    otherTenantId: credentials.otherTenant.tenantId,
    known: {
      code: unique(credits.items.map((credit) => credit.code)),
      customerId: customerIds,
      creditmemoIncrementId: unique(memos.items.map((memo) => memo.increment_id)),
      orderIncrementId: unique(memos.items.map((memo) => memo.order_increment_id)),
      eventId: unique(events.items.map((event) => event.id)),
      subscriptionId: unique([...subscriptions.items.map((subscription) => subscription.id), ...attempts.items.map((attempt) => attempt.subscriptionId)]),
      processId: unique(attempts.items.map((attempt) => attempt.id)),
      tenantId: [String(credentials.tenantId)],
      websiteId: ["1", "2"],
      user_id: [credentials.loyalty.userId],
      user_password: [credentials.loyalty.password],
      account_id: [credentials.loyalty.accountId],
      campaign_id: [credentials.loyalty.campaignId],
      type: ["reports"],
      report: ["customers_balances"],
      client_id: [credentials.application.clientId],
      client_secret: [credentials.application.clientSecret],
    },
    soap: {
      username,
      apiKey,
      v1Session: await soapLogin(call, "/api/soap/index/", username, apiKey),
      v2Session: await soapLogin(call, "/api/v2_soap/index/", username, apiKey),
      wsiSession: await soapLogin(wsiCall, "/api/v2_soap/index/", username, apiKey, true),
    },
    loyalty: credentials.loyalty,
  };
  return { context, sources: { openapi, v1Wsdl, v2Wsdl, wsiWsdl } };
}
