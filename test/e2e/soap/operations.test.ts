import { Decimal } from "decimal.js";
import { createApiUser } from "../../../src/auth/magento-api.js";
import { describeWithPhp, listOf, membersOf, phpArray, type PhpValue } from "../../helpers/php.js";
import { canadianOrder, demoSession, memoIds, openMemoWithStoreCreditRefund, TENANT_ID, useSoapApps } from "./setup.js";

/**
 * SOAP V1 (`/api/soap/`) as a PHP integration uses it: `login`, then `call(session, 'resource.method', args)` with
 * PHP's own types, `multiCall`, the introspection calls and `endSession`. Assertions are on what PHP decoded.
 */

const delta = (before: PhpValue | undefined, after: PhpValue | undefined) =>
  new Decimal(String(after)).minus(new Decimal(String(before))).toFixed(4);

const incrementIds = (list: PhpValue | undefined) => listOf(list).map((memo) => membersOf(memo)["increment_id"]);

describeWithPhp("SOAP V1 through PHP's SoapClient", () => {
  const suite = useSoapApps();
  let session = "";
  beforeAll(async () => {
    session = await demoSession(suite);
  });

  /** Runs PHP statements with \`$s\`, the shared apiUser session. */
  const php = (body: string, env: Record<string, string> = {}) => suite.php(`$s = getenv('SESSION');\n${body}`, { SESSION: session, ...env });

  describe("sessions", () => {
    test("login answers a session id (32 hex digits) that works at once; after endSession the same id is fault 5", async () => {
      const output = await suite.php(`
        $session = v1()->login('apiUser', 'apiKey');
        report(array(
          'session' => $session,
          'balance' => attempt(fn() => v1()->call($session, 'storecredit.balance', array(4, 2))),
          'ended' => v1()->endSession($session),
          'after' => attempt(fn() => v1()->call($session, 'storecredit.balance', array(4, 2))),
          'endedAgain' => v1()->endSession($session),
        ));
      `);
      expect(output["session"]).toMatch(/^[0-9a-f]{32}$/);
      expect(output["balance"]).toBe(await suite.restBalance());
      expect(output).toMatchObject({
        ended: true,
        after: { __fault: { faultcode: "5", faultstring: "Session expired. Try to relogin." } },
        endedAgain: false,
      });
    });
  });

  describe("store credit", () => {
    test("storecredit.balance and enterprise_customerbalance.balance, with ints or strings, are the REST balance", async () => {
      const output = await php(`
        report(array(
          'alias' => v1()->call($s, 'storecredit.balance', array(4, 2)),
          'resource' => v1()->call($s, 'enterprise_customerbalance.balance', array('4', '2')),
          'website1' => v1()->call($s, 'storecredit.balance', array(4, 1)),
        ));
      `);
      const rest = await suite.restBalance(4);
      expect(output["alias"]).toBe(rest);
      expect(output["resource"]).toBe(rest);
      const website1 = await suite.rest("/api/commerce/customer/accounts/4/storecredit?websiteId=1");
      expect(output["website1"]).toBe(new Decimal((website1.body as { amount: number }).amount).toFixed(4));
    });

    test("storecredit.history: a list of PHP arrays, newest first, each balance_amount the running balance", async () => {
      const output = await php(`
        report(array(
          'alias' => v1()->call($s, 'storecredit.history', array(4, 2)),
          'resource' => v1()->call($s, 'enterprise_customerbalance.history', array('4', '2')),
          'everyWebsite' => v1()->call($s, 'storecredit.history', 4),
          'balance' => v1()->call($s, 'storecredit.balance', array(4, 2)),
        ));
      `);
      expect(output["resource"]).toEqual(output["alias"]);
      const entries = listOf(output["alias"]).map(membersOf);
      expect(entries.length).toBeGreaterThanOrEqual(3);
      for (const entry of entries) {
        expect(Object.keys(entry)).toEqual([
          "history_id",
          "balance_id",
          "updated_at",
          "action",
          "balance_amount",
          "balance_delta",
          "additional_info",
          "is_customer_notified",
          "customer_id",
          "website_id",
          "base_currency_code",
        ]);
        expect(entry).toMatchObject({ customer_id: "4", website_id: "2", base_currency_code: "CAD" });
        expect(entry["balance_amount"]).toMatch(/^-?\d+\.\d{4}$/);
        expect(entry["balance_delta"]).toMatch(/^-?\d+\.\d{4}$/);
      }
      // The newest entry's running balance is today's balance.
      expect(entries[0]?.["balance_amount"]).toBe(output["balance"]);
      // The demo's example store credit: 300.00 issued, 45.50 used, 20.00 goodwill (actions 2, 3, 1).
      expect(entries.filter((entry) => entry["balance_id"] === "1").slice(-3).map((entry) => [entry["action"], entry["balance_delta"]])).toEqual([
        ["1", "20.0000"],
        ["3", "-45.5000"],
        ["2", "300.0000"],
      ]);
      const websites = new Set(listOf(output["everyWebsite"]).map((entry) => membersOf(entry)["website_id"]));
      expect(websites).toEqual(new Set(["1", "2"]));
    });
  });

  describe("credit memos", () => {
    // An open memo, so that the state filter has something to leave out.
    beforeAll(async () => {
      await openMemoWithStoreCreditRefund(suite);
    });

    test.each([
      ["no filter", "", {}],
      ["array(array('state' => '2'))", "array(array('state' => '2'))", { state: 2 }],
      ["increment_id like 1000%", "array(array('increment_id' => array('like' => '1000%')))", { increment_id: { startsWith: "1000" } }],
      [
        "created_at from/to May 2011",
        "array(array('created_at' => array('from' => '2011-05-01 00:00:00', 'to' => '2011-05-31 23:59:59')))",
        { created_at: { gte: new Date("2011-05-01T00:00:00Z"), lte: new Date("2011-05-31T23:59:59Z") } },
      ],
    ])("order_creditmemo.list, %s: the tenant's matching memos as PHP arrays, without items", async (_name, filters, where) => {
      const args = filters === "" ? "" : `, ${filters}`;
      const output = await php(`report(array('list' => v1()->call($s, 'order_creditmemo.list'${args})));`);
      const expected = await memoIds(suite, where);
      expect(expected.length).toBeGreaterThan(0);
      if (filters !== "") expect(expected).not.toEqual(await memoIds(suite));
      expect(incrementIds(output["list"])).toEqual(expected);
      for (const memo of listOf(output["list"]).map(membersOf)) {
        expect(memo).not.toHaveProperty("items");
        expect(memo["grand_total"]).toMatch(/^\d+\.\d{4}$/);
      }
    });

    test("the May 2011 filter finds exactly the two documented memos", async () => {
      const output = await php(`
        report(array('list' => v1()->call($s, 'order_creditmemo.list',
          array(array('created_at' => array('from' => '2011-05-01 00:00:00', 'to' => '2011-05-31 23:59:59'))))));
      `);
      expect(incrementIds(output["list"])).toEqual(["100000684", "200000001"]);
    });

    test("sales_order_creditmemo.info is order_creditmemo.info; an int increment id works as its string", async () => {
      const output = await php(`
        report(array(
          'alias' => v1()->call($s, 'order_creditmemo.info', '200000001'),
          'resource' => v1()->call($s, 'sales_order_creditmemo.info', '200000001'),
          'int' => v1()->call($s, 'order_creditmemo.info', 200000001),
        ));
      `);
      expect(membersOf(output["alias"])["increment_id"]).toBe("200000001");
      expect(output["resource"]).toEqual(output["alias"]);
      expect(output["int"]).toEqual(output["alias"]);
    });

    test("create with a qtys map, shipping_amount and refundToStoreCreditAmount: SOAP and REST balances move by exactly that", async () => {
      const order = await canadianOrder(suite);
      const [first] = order.items;
      const restBefore = await suite.restBalance();
      const output = await php(`
        $before = v1()->call($s, 'storecredit.balance', array(4, 2));
        $id = v1()->call($s, 'order_creditmemo.create', array(
          '${order.incrementId}',
          array('qtys' => array(${first?.itemId} => 1), 'shipping_amount' => 5),
          'Refund from PHP', 0, 0, '20.50'));
        report(array(
          'before' => $before,
          'id' => $id,
          'after' => v1()->call($s, 'storecredit.balance', array(4, 2)),
          'memo' => v1()->call($s, 'order_creditmemo.info', $id),
          'history' => v1()->call($s, 'storecredit.history', array(4, 2)),
        ));
      `);
      expect(output["before"]).toBe(restBefore);
      expect(output["id"]).toMatch(/^2\d{8}$/);
      expect(delta(output["before"], output["after"])).toBe("20.5000");
      expect(output["after"]).toBe(await suite.restBalance());

      const memo = membersOf(output["memo"]);
      expect(memo).toMatchObject({
        increment_id: output["id"],
        order_increment_id: order.incrementId,
        state: "2",
        subtotal: "30.0000",
        shipping_amount: "5.0000",
        grand_total: "35.0000",
        bs_customer_bal_total_refunded: "20.5000",
        customer_bal_total_refunded: "20.5000",
      });
      expect(listOf(memo["items"]).map((item) => [membersOf(item)["order_item_id"], membersOf(item)["qty"]])).toEqual([[String(first?.itemId), "1.0000"]]);
      expect(listOf(memo["comments"]).map((comment) => membersOf(comment)["comment"])).toEqual(["Refund from PHP"]);

      // One ledger row, tied to this memo, carries the whole refund; history shows it as action 4 (refunded).
      const rows = await suite.database.prisma.creditTransaction.findMany({ where: { tenantId: TENANT_ID, creditmemoId: Number(memo["creditmemo_id"]) } });
      expect(rows.map((row) => [row.action, row.impactAmount.toFixed(2), row.orderId])).toEqual([["Refunded", "20.50", order.incrementId]]);
      expect(membersOf(listOf(output["history"])[0])).toMatchObject({ action: "4", balance_delta: "20.5000", balance_amount: output["after"] });
    });

    test("create takes PHP floats for quantities and amounts and booleans for the flags", async () => {
      const order = await canadianOrder(suite);
      const [first] = order.items;
      const output = await php(`
        $before = v1()->call($s, 'storecredit.balance', array(4, 2));
        $id = v1()->call($s, 'order_creditmemo.create',
          array('${order.incrementId}', array('qtys' => array(${first?.itemId} => 2.0), 'shipping_amount' => 2.5), 'Floats', true, false, 3.75));
        report(array('before' => $before, 'memo' => v1()->call($s, 'order_creditmemo.info', $id), 'after' => v1()->call($s, 'storecredit.balance', array(4, 2))));
      `);
      expect(membersOf(output["memo"])).toMatchObject({ grand_total: "62.5000", shipping_amount: "2.5000", email_sent: "1", bs_customer_bal_total_refunded: "3.7500" });
      expect(delta(output["before"], output["after"])).toBe("3.7500");
    });

    test("create with PHP's empty array() as creditmemoData refunds everything left, as Magento's create does", async () => {
      // PHP sends array() as an empty SOAP-ENC:Array: it cannot say "empty associative array", so it must mean no data.
      const order = await canadianOrder(suite);
      const output = await php(`
        $id = attempt(fn() => v1()->call($s, 'order_creditmemo.create', array('${order.incrementId}', array(), 'Everything', 0, 0)));
        report(array('id' => $id, 'memo' => is_string($id) ? v1()->call($s, 'order_creditmemo.info', $id) : null));
      `);
      expect(output["id"]).toMatch(/^2\d{8}$/);
      // 2 × 30.00 + 5.00 + 10.00 shipping.
      expect(membersOf(output["memo"])).toMatchObject({ grand_total: "75.0000", shipping_amount: "10.0000" });
    });

    test("addComment answers true and the comment, exactly as sent, is the memo's newest in info", async () => {
      const comment = "Checked by the PHP suite: Ünïcode & <xml> \"quotes\" 'apostrophes'\nand a second line";
      const output = await php(
        `
        report(array(
          'added' => v1()->call($s, 'order_creditmemo.addComment', array('200000001', getenv('COMMENT'), 1, 0)),
          'memo' => v1()->call($s, 'order_creditmemo.info', '200000001'),
        ));
      `,
        { COMMENT: comment },
      );
      expect(output["added"]).toBe(true);
      const comments = listOf(membersOf(output["memo"])["comments"]).map(membersOf);
      expect(comments.at(-1)).toMatchObject({ comment, is_customer_notified: "1" });
    });

    test("cancel: an open memo goes to state 3 and the store credit refunded to it is taken back", async () => {
      const memo = await openMemoWithStoreCreditRefund(suite);
      const output = await php(`
        $before = v1()->call($s, 'storecredit.balance', array(4, 2));
        report(array(
          'before' => $before,
          'canceled' => v1()->call($s, 'order_creditmemo.cancel', '${memo.increment_id}'),
          'after' => v1()->call($s, 'storecredit.balance', array(4, 2)),
          'memo' => v1()->call($s, 'order_creditmemo.info', '${memo.increment_id}'),
        ));
      `);
      expect(output["canceled"]).toBe(true);
      expect(delta(output["before"], output["after"])).toBe("-50.0000");
      expect(output["after"]).toBe(await suite.restBalance());
      const canceled = membersOf(output["memo"]);
      expect(canceled["state"]).toBe("3");
      expect(membersOf(listOf(canceled["comments"]).at(-1))["comment"]).toMatch(/^Credit memo canceled: 50\.00 of the 50\.00 CAD refunded to store credit \S+ was taken back\.$/);
    });
  });

  describe("multiCall", () => {
    const calls = `array(
      array('storecredit.balance', array(4, 2)),
      array('storecredit.balance', array(999999, 2)),
      array('order_creditmemo.info', '200000001'),
    )`;

    test("one result per call in order; the faulting call is an isFault entry, the others still run", async () => {
      const output = await php(`report(array('results' => v1()->multiCall($s, ${calls}), 'balance' => v1()->call($s, 'storecredit.balance', array(4, 2))));`);
      const results = listOf(output["results"]);
      expect(results).toHaveLength(3);
      expect(results[0]).toBe(output["balance"]);
      expect(results[1]).toEqual(phpArray({ isFault: true, faultCode: "101", faultMessage: "No balance found with requested parameters." }));
      expect(membersOf(results[2])["increment_id"]).toBe("200000001");
    });

    test("with array('break' => 1) the list stops at the first fault", async () => {
      const output = await php(`report(array('results' => v1()->multiCall($s, ${calls}, array('break' => 1))));`);
      const results = listOf(output["results"]);
      expect(results).toHaveLength(2);
      expect(membersOf(results[1])).toMatchObject({ isFault: true, faultCode: "101" });
    });
  });

  describe("introspection", () => {
    let limitedKey = "";
    beforeAll(async () => {
      ({ apiKey: limitedKey } = await createApiUser(suite.database.prisma, {
        tenantId: TENANT_ID,
        username: "balance-only",
        resources: ["storecredit/balance"],
      }));
    });

    const summary = (resources: PhpValue | undefined) =>
      listOf(resources).map((resource) => {
        const members = membersOf(resource);
        return [members["name"], members["aliases"], listOf(members["methods"]).map((method) => membersOf(method)["path"])];
      });

    test("resources lists every method for apiUser and only the granted one for a limited user", async () => {
      const output = await php(`
        $limited = v1()->login('balance-only', getenv('LIMITED_KEY'));
        report(array('all' => v1()->resources($s), 'limited' => v1()->resources($limited)));
      `, { LIMITED_KEY: limitedKey });
      expect(summary(output["all"])).toEqual([
        ["enterprise_customerbalance", ["storecredit"], ["enterprise_customerbalance.balance", "enterprise_customerbalance.history"]],
        [
          "sales_order_creditmemo",
          ["order_creditmemo"],
          [
            "sales_order_creditmemo.list",
            "sales_order_creditmemo.info",
            "sales_order_creditmemo.create",
            "sales_order_creditmemo.addComment",
            "sales_order_creditmemo.cancel",
          ],
        ],
      ]);
      expect(summary(output["limited"])).toEqual([["enterprise_customerbalance", ["storecredit"], ["enterprise_customerbalance.balance"]]]);
      expect(membersOf(listOf(output["all"])[0])).toMatchObject({ title: "Customer Balance API" });
    });

    test("globalFaults and resourceFaults('storecredit') list Magento's codes and messages", async () => {
      const output = await php(`report(array('global' => v1()->globalFaults($s), 'storecredit' => v1()->resourceFaults('storecredit', $s)));`);
      const pairs = (faults: PhpValue | undefined) => listOf(faults).map((fault) => [membersOf(fault)["faultCode"], membersOf(fault)["faultMessage"]]);
      expect(pairs(output["global"])).toEqual([
        ["0", "Unknown Error"],
        ["1", "Internal Error. Please see log for details."],
        ["2", "Access denied."],
        ["3", "Invalid api path."],
        ["4", "Resource path is not callable."],
        ["5", "Session expired. Try to relogin."],
        ["6", 'Required parameter is missing, for more details see "exception.log".'],
      ]);
      expect(pairs(output["storecredit"])).toEqual([
        ["100", "Provided data is invalid."],
        ["101", "No balance found with requested parameters."],
        ["102", "No history found with requested parameters."],
      ]);
    });
  });
});
