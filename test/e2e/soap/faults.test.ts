import { createApiUser } from "../../../src/auth/magento-api.js";
import { describeWithPhp, type PhpValue, soapFault } from "../../helpers/php.js";
import { canadianOrder, demoSession, openMemoWithStoreCreditRefund, TENANT_ID, useSoapApps } from "./setup.js";

/**
 * Magento's fault codes as a PHP integration sees them: SoapFault's `faultcode` (the Magento code, as a string) and
 * `faultstring`, for the global faults (2, 3, 5, 6) and each resource's own, in every dialect. Each dialect's
 * cases run as one PHP script, in the table's order.
 */

interface Fixtures {
  /** An invoiced order of customer 4 and its first item. */
  order: string;
  item: number;
  guestOrder: string;
  canceledOrder: string;
  /** An open memo (state 1). */
  openMemo: string;
}

interface FaultCase {
  name: string;
  /** A PHP expression; `$s` is apiUser's session, `$limited` a session of a user granted storecredit/balance only. */
  call: (f: Fixtures) => string;
  code: number;
  message: string | ((f: Fixtures) => string);
}

const INVALID_FILTER_FIELD =
  "Unknown filter field 'nope'; the list filters on creditmemo_id, increment_id, state, order_id, order_increment_id, orderIncrementId, customer_id, store_id, grand_total, base_grand_total, created_at, updated_at.";
const tooMuch = (f: Fixtures) => `Cannot refund 5 of order item ${f.item}: 2 of it is invoiced and not yet refunded.`;

const V1_CASES: FaultCase[] = [
  { name: "login with a wrong key", call: () => `v1()->login('apiUser', 'wrong')`, code: 2, message: "Access denied." },
  { name: "login as an unknown user", call: () => `v1()->login('nobody', 'apiKey')`, code: 2, message: "Access denied." },
  { name: "startSession (no anonymous access)", call: () => `v1()->startSession()`, code: 2, message: "Access denied." },
  {
    name: "storecredit.history for a user granted storecredit/balance only",
    call: () => `v1()->call($limited, 'storecredit.history', array(4, 2))`,
    code: 2,
    message: "Access denied.",
  },
  {
    name: "order_creditmemo.info for that user",
    call: () => `v1()->call($limited, 'order_creditmemo.info', '200000001')`,
    code: 2,
    message: "Access denied.",
  },
  { name: "an unknown method", call: () => `v1()->call($s, 'storecredit.nothing', array(4, 2))`, code: 3, message: "Invalid api path." },
  { name: "an unknown resource", call: () => `v1()->call($s, 'nothing.balance', array(4, 2))`, code: 3, message: "Invalid api path." },
  { name: "resourceFaults of an unknown resource", call: () => `v1()->resourceFaults('nothing', $s)`, code: 3, message: "Invalid api path." },
  {
    name: "a session id that was never issued",
    call: () => `v1()->call('0123456789abcdef0123456789abcdef', 'storecredit.balance', array(4, 2))`,
    code: 5,
    message: "Session expired. Try to relogin.",
  },
  { name: "no session id", call: () => `v1()->call('', 'storecredit.balance', array(4, 2))`, code: 6, message: "Required parameter is missing: sessionId." },
  { name: "balance without arguments", call: () => `v1()->call($s, 'storecredit.balance')`, code: 6, message: "Required parameter is missing: customerId." },
  { name: "balance without websiteId", call: () => `v1()->call($s, 'storecredit.balance', array(4))`, code: 6, message: "Required parameter is missing: websiteId." },
  {
    name: "addComment without a comment",
    call: () => `v1()->call($s, 'order_creditmemo.addComment', array('200000001'))`,
    code: 6,
    message: "Required parameter is missing: comment.",
  },
  {
    name: "balance of customer 'abc'",
    call: () => `v1()->call($s, 'storecredit.balance', array('abc', 2))`,
    code: 100,
    message: "Provided data is invalid. customerId must be a positive integer (at most 2147483647), not 'abc'.",
  },
  {
    name: "balance on an unknown website",
    call: () => `v1()->call($s, 'storecredit.balance', array(4, 99))`,
    code: 100,
    message: "Provided data is invalid. Website 99 does not exist.",
  },
  {
    name: "balance of a customer without store credit",
    call: () => `v1()->call($s, 'storecredit.balance', array(999999, 2))`,
    code: 101,
    message: "No balance found with requested parameters.",
  },
  {
    name: "history of a customer without store credit",
    call: () => `v1()->call($s, 'storecredit.history', array(999999, 2))`,
    code: 102,
    message: "No history found with requested parameters.",
  },
  { name: "info of an unknown memo", call: () => `v1()->call($s, 'order_creditmemo.info', '999')`, code: 100, message: "Requested credit memo does not exist." },
  {
    name: "addComment to an unknown memo",
    call: () => `v1()->call($s, 'order_creditmemo.addComment', array('999', 'Hello'))`,
    code: 100,
    message: "Requested credit memo does not exist.",
  },
  { name: "cancel of an unknown memo", call: () => `v1()->call($s, 'order_creditmemo.cancel', '999')`, code: 100, message: "Requested credit memo does not exist." },
  {
    name: "list with an unknown filter field",
    call: () => `v1()->call($s, 'order_creditmemo.list', array(array('nope' => '2')))`,
    code: 101,
    message: INVALID_FILTER_FIELD,
  },
  {
    name: "list with an unknown operator",
    call: () => `v1()->call($s, 'order_creditmemo.list', array(array('state' => array('frob' => '2'))))`,
    code: 101,
    message: "Operator 'frob' on 'state' is not supported; use one of eq, neq, gt, lt, gteq, moreq, from, lteq, to, in, nin, like, null, notnull.",
  },
  {
    name: "create refunding more than was invoiced",
    call: (f) => `v1()->call($s, 'order_creditmemo.create', array('${f.order}', array('qtys' => array(${f.item} => 5))))`,
    code: 102,
    message: tooMuch,
  },
  {
    name: "create with a negative shipping_amount",
    call: (f) => `v1()->call($s, 'order_creditmemo.create', array('${f.order}', array('shipping_amount' => -1)))`,
    code: 102,
    message: "shipping_amount must not be negative.",
  },
  {
    name: "create for an unknown order",
    call: () => `v1()->call($s, 'order_creditmemo.create', array('999999999'))`,
    code: 103,
    message: "Requested order does not exist.",
  },
  { name: "cancel of an open memo (not a fault)", call: (f) => `v1()->call($s, 'order_creditmemo.cancel', '${f.openMemo}')`, code: 0, message: "" },
  {
    name: "cancel of that memo again",
    call: (f) => `v1()->call($s, 'order_creditmemo.cancel', '${f.openMemo}')`,
    code: 104,
    message: (f) => `Status not changed. Credit memo ${f.openMemo} is canceled; only open credit memos (state 1) can be canceled.`,
  },
  {
    name: "cancel of a refunded memo",
    call: () => `v1()->call($s, 'order_creditmemo.cancel', '100000684')`,
    code: 104,
    message: "Status not changed. Credit memo 100000684 is refunded; only open credit memos (state 1) can be canceled.",
  },
  {
    name: "refunding a guest order to store credit",
    call: (f) => `v1()->call($s, 'order_creditmemo.create', array('${f.guestOrder}', null, null, 0, 0, '5'))`,
    code: 105,
    message: "Cannot refund to store credit: the order was placed by a guest.",
  },
  {
    name: "create for a canceled order",
    call: (f) => `v1()->call($s, 'order_creditmemo.create', array('${f.canceledOrder}'))`,
    code: 106,
    message: (f) => `Credit memo cannot be created for order ${f.canceledOrder}: the order is canceled.`,
  },
];

const V2_CASES: FaultCase[] = [
  { name: "login with a wrong key", call: () => `v2()->login('apiUser', 'wrong')`, code: 2, message: "Access denied." },
  { name: "Info for a user granted storecredit/balance only", call: () => `v2()->salesOrderCreditmemoInfo($limited, '200000001')`, code: 2, message: "Access denied." },
  {
    name: "an unknown session",
    call: () => `v2()->enterpriseCustomerbalanceBalance('0123456789abcdef0123456789abcdef', '4', '2')`,
    code: 5,
    message: "Session expired. Try to relogin.",
  },
  { name: "Balance without websiteId", call: () => `v2()->enterpriseCustomerbalanceBalance($s, '4')`, code: 6, message: "Required parameter is missing: websiteId." },
  {
    name: "Balance of customer 'abc'",
    call: () => `v2()->enterpriseCustomerbalanceBalance($s, 'abc', '2')`,
    code: 100,
    message: "Provided data is invalid. customerId must be a positive integer (at most 2147483647), not 'abc'.",
  },
  { name: "Balance without store credit", call: () => `v2()->enterpriseCustomerbalanceBalance($s, '999999', '2')`, code: 101, message: "No balance found with requested parameters." },
  { name: "History without store credit", call: () => `v2()->enterpriseCustomerbalanceHistory($s, '999999')`, code: 102, message: "No history found with requested parameters." },
  { name: "Info of an unknown memo", call: () => `v2()->salesOrderCreditmemoInfo($s, '999')`, code: 100, message: "Requested credit memo does not exist." },
  {
    name: "List with an unknown filter field",
    call: () => `v2()->salesOrderCreditmemoList($s, array('filter' => array(array('key' => 'nope', 'value' => '2'))))`,
    code: 101,
    message: INVALID_FILTER_FIELD,
  },
  {
    name: "Create refunding more than was invoiced",
    call: (f) => `v2()->salesOrderCreditmemoCreate($s, '${f.order}', array('qtys' => array(array('order_item_id' => ${f.item}, 'qty' => 5))))`,
    code: 102,
    message: tooMuch,
  },
  { name: "Create for an unknown order", call: () => `v2()->salesOrderCreditmemoCreate($s, '999999999')`, code: 103, message: "Requested order does not exist." },
  {
    name: "Cancel of a refunded memo",
    call: () => `v2()->salesOrderCreditmemoCancel($s, '100000684')`,
    code: 104,
    message: "Status not changed. Credit memo 100000684 is refunded; only open credit memos (state 1) can be canceled.",
  },
  {
    name: "refunding a guest order to store credit",
    call: (f) => `v2()->salesOrderCreditmemoCreate($s, '${f.guestOrder}', null, null, 0, 0, '5')`,
    code: 105,
    message: "Cannot refund to store credit: the order was placed by a guest.",
  },
  {
    name: "Create for a canceled order",
    call: (f) => `v2()->salesOrderCreditmemoCreate($s, '${f.canceledOrder}')`,
    code: 106,
    message: (f) => `Credit memo cannot be created for order ${f.canceledOrder}: the order is canceled.`,
  },
];

const wsiSession = (session: string) => `'sessionId' => ${session}`;

const WSI_CASES: FaultCase[] = [
  {
    name: "login with a wrong key",
    call: () => `wsi()->login((object)array('username' => 'apiUser', 'apiKey' => 'wrong'))`,
    code: 2,
    message: "Access denied.",
  },
  {
    name: "Info for a user granted storecredit/balance only",
    call: () => `wsi()->salesOrderCreditmemoInfo((object)array(${wsiSession("$limited")}, 'creditmemoIncrementId' => '200000001'))`,
    code: 2,
    message: "Access denied.",
  },
  {
    name: "an unknown session",
    call: () => `wsi()->enterpriseCustomerbalanceBalance((object)array(${wsiSession("'0123456789abcdef0123456789abcdef'")}, 'customerId' => '4', 'websiteId' => '2'))`,
    code: 5,
    message: "Session expired. Try to relogin.",
  },
  {
    name: "Balance with an empty websiteId",
    call: () => `wsi()->enterpriseCustomerbalanceBalance((object)array(${wsiSession("$s")}, 'customerId' => '4', 'websiteId' => ''))`,
    code: 6,
    message: "Required parameter is missing: websiteId.",
  },
  {
    name: "Balance without store credit",
    call: () => `wsi()->enterpriseCustomerbalanceBalance((object)array(${wsiSession("$s")}, 'customerId' => '999999', 'websiteId' => '2'))`,
    code: 101,
    message: "No balance found with requested parameters.",
  },
  {
    name: "Info of an unknown memo",
    call: () => `wsi()->salesOrderCreditmemoInfo((object)array(${wsiSession("$s")}, 'creditmemoIncrementId' => '999'))`,
    code: 100,
    message: "Requested credit memo does not exist.",
  },
  {
    name: "List with an unknown filter field",
    call: () =>
      `wsi()->salesOrderCreditmemoList((object)array(${wsiSession("$s")}, 'filters' => (object)array('filter' => array((object)array('key' => 'nope', 'value' => '2')))))`,
    code: 101,
    message: INVALID_FILTER_FIELD,
  },
  {
    name: "Create for an unknown order",
    call: () => `wsi()->salesOrderCreditmemoCreate((object)array(${wsiSession("$s")}, 'orderIncrementId' => '999999999'))`,
    code: 103,
    message: "Requested order does not exist.",
  },
  {
    name: "Cancel of a refunded memo",
    call: () => `wsi()->salesOrderCreditmemoCancel((object)array(${wsiSession("$s")}, 'creditmemoIncrementId' => '100000684'))`,
    code: 104,
    message: "Status not changed. Credit memo 100000684 is refunded; only open credit memos (state 1) can be canceled.",
  },
];

/** One PHP script running every case in order, each answer (a value or the SoapFault) under the case's name. */
function script(cases: readonly FaultCase[], fixtures: Fixtures, login: string): string {
  const entries = cases.map((c) => `  ${JSON.stringify(c.name).replaceAll("$", "\\$")} => attempt(fn() => ${c.call(fixtures)}),`);
  return `$s = getenv('SESSION');\n$limited = ${login};\nreport(array(\n${entries.join("\n")}\n));`;
}

describeWithPhp("SOAP faults as PHP's SoapFault shows them", () => {
  const suite = useSoapApps();
  let fixtures: Fixtures;
  const answers: Record<"v1" | "v2" | "wsi", Record<string, PhpValue>> = { v1: {}, v2: {}, wsi: {} };

  beforeAll(async () => {
    const { apiKey } = await createApiUser(suite.database.prisma, { tenantId: TENANT_ID, username: "balance-only", resources: ["storecredit/balance"] });
    const order = await canadianOrder(suite, { items: [{ price: "30.00", qtyOrdered: 2 }] });
    fixtures = {
      order: order.incrementId,
      item: order.items[0]?.itemId ?? 0,
      guestOrder: (await canadianOrder(suite, { customerId: null })).incrementId,
      canceledOrder: (await canadianOrder(suite, { state: "canceled" })).incrementId,
      openMemo: (await openMemoWithStoreCreditRefund(suite)).increment_id,
    };
    const env = { SESSION: await demoSession(suite), LIMITED_KEY: apiKey };
    answers.v1 = await suite.php(script(V1_CASES, fixtures, `v1()->login('balance-only', getenv('LIMITED_KEY'))`), env);
    answers.v2 = await suite.php(script(V2_CASES, fixtures, `v2()->login('balance-only', getenv('LIMITED_KEY'))`), env);
    answers.wsi = await suite.php(
      script(WSI_CASES, fixtures, `wsi()->login((object)array('username' => 'balance-only', 'apiKey' => getenv('LIMITED_KEY')))->result`),
      env,
    );
  });

  const expected = (c: FaultCase) => soapFault(c.code, typeof c.message === "string" ? c.message : c.message(fixtures));

  test.each(V1_CASES.filter((c) => c.code !== 0).map((c) => [c.name, c.code, c] as const))("V1 %s: fault %i", (name, _code, c) => {
    expect(answers.v1[name]).toEqual(expected(c));
  });

  test("V1: the first cancel of the open memo succeeded, so the second one's fault 104 is about a canceled memo", () => {
    expect(answers.v1["cancel of an open memo (not a fault)"]).toBe(true);
  });

  test.each(V2_CASES.map((c) => [c.name, c.code, c] as const))("V2 %s: fault %i", (name, _code, c) => {
    expect(answers.v2[name]).toEqual(expected(c));
  });

  test.each(WSI_CASES.map((c) => [c.name, c.code, c] as const))("WS-I %s: fault %i", (name, _code, c) => {
    expect(answers.wsi[name]).toEqual(expected(c));
  });
});
