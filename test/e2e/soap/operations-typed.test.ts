import { Decimal } from "decimal.js";
import { describeWithPhp, listOf, type PhpValue, propertiesOf, soapFault } from "../../helpers/php.js";
import { canadianOrder, demoSession, memoIds, openMemoWithStoreCreditRefund, useSoapApps } from "./setup.js";

/**
 * SOAP V2 (`/api/v2_soap/`, rpc/encoded, one typed operation per method) and its WS-I mode (document/literal, the
 * same URL with MAGENTO_SOAP_WSI) driven through the operations PHP's SoapClient builds from each WSDL. V2 results
 * decode to strings, booleans and stdClass objects without their null fields; WS-I ones sit under `->result`, lists
 * under `complexObjectArray` (one object for one entry, a list for several).
 */

const delta = (before: PhpValue | undefined, after: PhpValue | undefined) =>
  new Decimal(String(after)).minus(new Decimal(String(before))).toFixed(4);

/** The entries of a WS-I list: none, one object, or a list of objects under complexObjectArray. */
function complexObjects(value: PhpValue | undefined): Record<string, PhpValue>[] {
  const entries = propertiesOf(value)["complexObjectArray"];
  if (entries === undefined) return [];
  return Array.isArray(entries) ? entries.map(propertiesOf) : [propertiesOf(entries)];
}

/** A WS-I response's `result`. */
const result = (value: PhpValue | undefined) => propertiesOf(value)["result"];

describeWithPhp("SOAP V2 and WS-I through PHP's SoapClient", () => {
  const suite = useSoapApps();
  let session = "";
  beforeAll(async () => {
    session = await demoSession(suite);
  });

  /** Runs PHP statements with `$s`, the shared apiUser session (V1, V2 and WS-I sessions are one kind). */
  const php = (body: string) => suite.php(`$s = getenv('SESSION');\n${body}`, { SESSION: session });

  // An open memo, so that the state filter has something to leave out.
  beforeAll(async () => {
    await openMemoWithStoreCreditRefund(suite);
  });

  const LIST_FILTERS = [
    ["filter state = 2", "array('filter' => array(array('key' => 'state', 'value' => '2')))", { state: 2 }],
    [
      "complex_filter increment_id like 1000%",
      "array('complex_filter' => array(array('key' => 'increment_id', 'value' => array('key' => 'like', 'value' => '1000%'))))",
      { increment_id: { startsWith: "1000" } },
    ],
    [
      "complex_filter created_at from and to",
      `array('complex_filter' => array(
        array('key' => 'created_at', 'value' => array('key' => 'from', 'value' => '2011-05-01 00:00:00')),
        array('key' => 'created_at', 'value' => array('key' => 'to', 'value' => '2011-05-31 23:59:59'))))`,
      { created_at: { gte: new Date("2011-05-01T00:00:00Z"), lte: new Date("2011-05-31T23:59:59Z") } },
    ],
  ] as const;

  describe("V2", () => {
    test("login answers a session id string; endSession true; the ended session is fault 5", async () => {
      const output = await suite.php(`
        $session = v2()->login('apiUser', 'apiKey');
        report(array(
          'session' => $session,
          'ended' => v2()->endSession($session),
          'after' => attempt(fn() => v2()->enterpriseCustomerbalanceBalance($session, '4', '2')),
        ));
      `);
      expect(output["session"]).toMatch(/^[0-9a-f]{32}$/);
      expect(output["ended"]).toBe(true);
      expect(output["after"]).toEqual(soapFault(5, "Session expired. Try to relogin."));
    });

    test("enterpriseCustomerbalanceBalance is the REST balance; History lists stdClass entries, every website without one", async () => {
      const output = await php(`
        report(array(
          'balance' => v2()->enterpriseCustomerbalanceBalance($s, '4', '2'),
          'history' => v2()->enterpriseCustomerbalanceHistory($s, '4', '2'),
          'everyWebsite' => v2()->enterpriseCustomerbalanceHistory($s, '4'),
        ));
      `);
      expect(output["balance"]).toBe(await suite.restBalance());
      const history = listOf(output["history"]).map(propertiesOf);
      expect(history[0]).toMatchObject({ customer_id: "4", website_id: "2", balance_amount: output["balance"] });
      expect(history.every((entry) => /^-?\d+\.\d{4}$/.test(String(entry["balance_delta"])))).toBe(true);
      expect(new Set(listOf(output["everyWebsite"]).map((entry) => propertiesOf(entry)["website_id"]))).toEqual(new Set(["1", "2"]));
    });

    test.each(LIST_FILTERS)("salesOrderCreditmemoList, %s: the matching memos as stdClass objects", async (_name, filters, where) => {
      const output = await php(`report(array('list' => v2()->salesOrderCreditmemoList($s, ${filters})));`);
      const memos = listOf(output["list"]).map(propertiesOf);
      const expected = await memoIds(suite, where);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected).not.toEqual(await memoIds(suite));
      expect(memos.map((memo) => memo["increment_id"])).toEqual(expected);
      for (const memo of memos) expect(memo).not.toHaveProperty("items");
    });

    test("salesOrderCreditmemoList with no match is an empty list", async () => {
      const output = await php(`report(array('list' => v2()->salesOrderCreditmemoList($s, array('filter' => array(array('key' => 'increment_id', 'value' => 'none'))))));`);
      expect(output["list"]).toEqual([]);
    });

    test("salesOrderCreditmemoInfo: the entity without its nulls, items and comments as lists of stdClass", async () => {
      const output = await php(`report(array('memo' => v2()->salesOrderCreditmemoInfo($s, '100000684')));`);
      const memo = propertiesOf(output["memo"]);
      expect(memo).toMatchObject({ increment_id: "100000684", order_id: "744", grand_total: "90.0000", state: "2", order_currency_code: "USD" });
      expect(memo).not.toHaveProperty("adjustment_positive");
      expect(listOf(memo["items"]).map((item) => propertiesOf(item)["order_item_id"])).toEqual(["775", "776"]);
      expect(listOf(memo["comments"]).map((comment) => propertiesOf(comment)["comment"]).slice(0, 2)).toEqual([
        "Test CreditMemo successfully created",
        "Test CreditMemo comment successfully added",
      ]);
    });

    test("Create (qtys as orderItemIdQty, refundToStoreCreditAmount), AddComment, Cancel", async () => {
      const order = await canadianOrder(suite);
      const [first] = order.items;
      const open = await openMemoWithStoreCreditRefund(suite);
      const output = await php(`
        $before = v2()->enterpriseCustomerbalanceBalance($s, '4', '2');
        $id = v2()->salesOrderCreditmemoCreate($s, '${order.incrementId}',
          array('qtys' => array(array('order_item_id' => ${first?.itemId}, 'qty' => 2)), 'shipping_amount' => 0), 'V2 refund', 0, 0, '12.34');
        $created = v2()->enterpriseCustomerbalanceBalance($s, '4', '2');
        report(array(
          'before' => $before,
          'id' => $id,
          'created' => $created,
          'commented' => v2()->salesOrderCreditmemoAddComment($s, $id, 'V2 comment', 0, 0),
          'memo' => v2()->salesOrderCreditmemoInfo($s, $id),
          'canceled' => v2()->salesOrderCreditmemoCancel($s, '${open.increment_id}'),
          'canceledMemo' => v2()->salesOrderCreditmemoInfo($s, '${open.increment_id}'),
          'after' => v2()->enterpriseCustomerbalanceBalance($s, '4', '2'),
        ));
      `);
      expect(output["id"]).toMatch(/^2\d{8}$/);
      expect(delta(output["before"], output["created"])).toBe("12.3400");
      const memo = propertiesOf(output["memo"]);
      expect(memo).toMatchObject({ order_increment_id: order.incrementId, subtotal: "60.0000", grand_total: "60.0000", bs_customer_bal_total_refunded: "12.3400" });
      expect(listOf(memo["items"]).map((item) => propertiesOf(item)["qty"])).toEqual(["2.0000"]);
      expect(listOf(memo["comments"]).map((comment) => propertiesOf(comment)["comment"])).toEqual(["V2 refund", "V2 comment"]);
      expect(output["commented"]).toBe(true);
      expect(output["canceled"]).toBe(true);
      expect(propertiesOf(output["canceledMemo"])["state"]).toBe("3");
      expect(delta(output["created"], output["after"])).toBe("-50.0000");
      expect(output["after"]).toBe(await suite.restBalance());
    });
  });

  describe("WS-I", () => {
    test("login and endSession take and answer objects; the ended session is fault 5", async () => {
      const output = await suite.php(`
        $login = wsi()->login((object)array('username' => 'apiUser', 'apiKey' => 'apiKey'));
        report(array(
          'login' => $login,
          'ended' => wsi()->endSession((object)array('sessionId' => $login->result)),
          'after' => attempt(fn() => wsi()->enterpriseCustomerbalanceBalance((object)array('sessionId' => $login->result, 'customerId' => '4', 'websiteId' => '2'))),
        ));
      `);
      expect(result(output["login"])).toMatch(/^[0-9a-f]{32}$/);
      expect(result(output["ended"])).toBe(true);
      expect(output["after"]).toEqual(soapFault(5, "Session expired. Try to relogin."));
    });

    test("enterpriseCustomerbalanceBalance and History, with and without websiteId", async () => {
      const output = await php(`
        report(array(
          'balance' => wsi()->enterpriseCustomerbalanceBalance((object)array('sessionId' => $s, 'customerId' => '4', 'websiteId' => '2')),
          'history' => wsi()->enterpriseCustomerbalanceHistory((object)array('sessionId' => $s, 'customerId' => '4', 'websiteId' => '2')),
          'everyWebsite' => wsi()->enterpriseCustomerbalanceHistory((object)array('sessionId' => $s, 'customerId' => '4')),
        ));
      `);
      const balance = result(output["balance"]);
      expect(balance).toBe(await suite.restBalance());
      const history = complexObjects(result(output["history"]));
      expect(history.length).toBeGreaterThan(1);
      expect(history[0]).toMatchObject({ customer_id: "4", website_id: "2", balance_amount: balance });
      expect(new Set(complexObjects(result(output["everyWebsite"])).map((entry) => entry["website_id"]))).toEqual(new Set(["1", "2"]));
    });

    test.each(LIST_FILTERS)("salesOrderCreditmemoList, %s", async (_name, filters, where) => {
      // The V2 filter arrays as WS-I objects: PHP encodes nested arrays as the WSDL's complex types either way.
      const output = await php(`report(array('list' => wsi()->salesOrderCreditmemoList((object)array('sessionId' => $s, 'filters' => ${filters}))));`);
      expect(complexObjects(result(output["list"])).map((memo) => memo["increment_id"])).toEqual(await memoIds(suite, where));
    });

    test("salesOrderCreditmemoList: one match is a single object, none leaves complexObjectArray out", async () => {
      const list = (id: string) =>
        `wsi()->salesOrderCreditmemoList((object)array('sessionId' => $s, 'filters' => (object)array('filter' => array((object)array('key' => 'increment_id', 'value' => '${id}')))))`;
      const output = await php(`report(array('one' => ${list("100000684")}, 'none' => ${list("none")}));`);
      const one = propertiesOf(result(output["one"]))["complexObjectArray"];
      expect(propertiesOf(one)).toMatchObject({ increment_id: "100000684" });
      expect(result(output["none"])).toEqual({ __class: "stdClass" });
    });

    test("salesOrderCreditmemoInfo: items and comments under complexObjectArray", async () => {
      const output = await php(`report(array('memo' => wsi()->salesOrderCreditmemoInfo((object)array('sessionId' => $s, 'creditmemoIncrementId' => '100000684'))));`);
      const memo = propertiesOf(result(output["memo"]));
      expect(memo).toMatchObject({ increment_id: "100000684", grand_total: "90.0000" });
      expect(memo).not.toHaveProperty("adjustment_positive");
      expect(complexObjects(memo["items"]).map((item) => item["order_item_id"])).toEqual(["775", "776"]);
    });

    test("Create, AddComment (answers 1) and Cancel", async () => {
      const order = await canadianOrder(suite);
      const [, second] = order.items;
      const open = await openMemoWithStoreCreditRefund(suite);
      const output = await php(`
        $balance = fn() => wsi()->enterpriseCustomerbalanceBalance((object)array('sessionId' => $s, 'customerId' => '4', 'websiteId' => '2'))->result;
        $before = $balance();
        $id = wsi()->salesOrderCreditmemoCreate((object)array(
          'sessionId' => $s,
          'orderIncrementId' => '${order.incrementId}',
          'creditmemoData' => (object)array('qtys' => array((object)array('order_item_id' => ${second?.itemId}, 'qty' => 1)), 'shipping_amount' => 10),
          'comment' => 'WS-I refund',
          'refundToStoreCreditAmount' => '7.25',
        ))->result;
        $created = $balance();
        report(array(
          'before' => $before,
          'id' => $id,
          'created' => $created,
          'commented' => wsi()->salesOrderCreditmemoAddComment((object)array('sessionId' => $s, 'creditmemoIncrementId' => $id, 'comment' => 'WS-I comment')),
          'memo' => wsi()->salesOrderCreditmemoInfo((object)array('sessionId' => $s, 'creditmemoIncrementId' => $id)),
          'canceled' => wsi()->salesOrderCreditmemoCancel((object)array('sessionId' => $s, 'creditmemoIncrementId' => '${open.increment_id}')),
          'canceledMemo' => wsi()->salesOrderCreditmemoInfo((object)array('sessionId' => $s, 'creditmemoIncrementId' => '${open.increment_id}')),
          'after' => $balance(),
        ));
      `);
      expect(output["id"]).toMatch(/^2\d{8}$/);
      expect(delta(output["before"], output["created"])).toBe("7.2500");
      const memo = propertiesOf(result(output["memo"]));
      expect(memo).toMatchObject({ subtotal: "5.0000", shipping_amount: "10.0000", grand_total: "15.0000", bs_customer_bal_total_refunded: "7.2500" });
      expect(complexObjects(memo["comments"]).map((comment) => comment["comment"])).toEqual(["WS-I refund", "WS-I comment"]);
      // Magento's wsi.xml declares AddComment's result an int and Cancel's a string.
      expect(result(output["commented"])).toBe(1);
      expect(result(output["canceled"])).toBe("1");
      expect(propertiesOf(result(output["canceledMemo"]))["state"]).toBe("3");
      expect(delta(output["created"], output["after"])).toBe("-50.0000");
      expect(output["after"]).toBe(await suite.restBalance());
    });
  });
});
