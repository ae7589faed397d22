import { readFileSync } from "node:fs";
import { INFO_REQUEST_CREDITMEMO_INCREMENT_ID } from "../../../src/examples/index.js";
import {
  describeWithPhp,
  listOf,
  membersOf,
  type PhpValue,
  propertiesOf,
  runPhp,
  stdClass,
  typedJsonPrependFile,
} from "../../helpers/php.js";
import { SEED_CREDITMEMO_INFO } from "../../integration/creditmemos/seed-example.js";
import { useSoapApps } from "./setup.js";

/**
 * Magento's own request examples (seeds/magento-storecredit-balance.txt, seeds/magento-order-creditmemo-info.txt),
 * run unchanged by PHP's SoapClient against Tally. seeds/*.php are the six snippets byte for byte after a `<?php`
 * line (the seeds have none); the only change, made here at run time, is the host `http://magentohost/`.
 */

const SEEDS = new URL("./seeds/", import.meta.url);
const DUMP_BALANCE_AMOUNT = new URL("./php/dump-balance-amount.php", import.meta.url).pathname;
const DUMP_TYPED_RESULT = new URL("./php/dump-typed-result.php", import.meta.url).pathname;
const TYPED_MARKER = "\n--- typed result\n";
const MAGENTO_HOST = "http://magentohost/";

const suite = useSoapApps();

/** A seed snippet pointed at `base`; any other difference from the file would be a change to Magento's example. */
function seedScript(name: string, base: string): string {
  const script = readFileSync(new URL(`${name}.php`, SEEDS), "utf8");
  if (!script.includes(MAGENTO_HOST)) throw new Error(`${name}.php no longer names ${MAGENTO_HOST}`);
  return script.replaceAll(MAGENTO_HOST, `${base}/`);
}

/** Runs a snippet; returns what it printed itself and, after it, its `$result` as typed JSON. */
async function runSeed(name: string, base: string): Promise<{ printed: string; result: PhpValue }> {
  const run = await runPhp(seedScript(name, base), {}, {
    ini: { auto_prepend_file: typedJsonPrependFile(), auto_append_file: DUMP_TYPED_RESULT },
  });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  const at = run.stdout.lastIndexOf(TYPED_MARKER);
  expect(at).toBeGreaterThanOrEqual(0);
  return { printed: run.stdout.slice(0, at), result: JSON.parse(run.stdout.slice(at + TYPED_MARKER.length)) as PhpValue };
}

/** The item keys of the seed's example, with the entity table's base_weee_tax_applied_row_amount before its short spelling. */
function seedItemKeys(): string[] {
  const keys = Object.keys(SEED_CREDITMEMO_INFO.items[0] ?? {});
  keys.splice(keys.indexOf("base_weee_tax_applied_row_amnt"), 0, "base_weee_tax_applied_row_amount");
  return keys;
}

const varDumpString = (value: string) => `string(${Buffer.byteLength(value)}) "${value}"\n`;

describeWithPhp("Magento's storecredit.balance examples, run by PHP", () => {
  test("SOAP V1: $balanceAmount is the customer's website-2 balance as a string with 4 decimals", async () => {
    const run = await runPhp(seedScript("storecredit-balance-v1", suite.url("main")), {}, {
      ini: { auto_append_file: DUMP_BALANCE_AMOUNT },
    });
    const balance = await suite.restBalance(4);
    expect(balance).toMatch(/^\d+\.\d{4}$/);
    expect(run).toEqual({ code: 0, stderr: "", stdout: varDumpString(balance) });
  });

  test("SOAP V2: var_dump($result) prints the same string", async () => {
    const { printed, result } = await runSeed("storecredit-balance-v2", suite.url("main"));
    const balance = await suite.restBalance(4);
    expect(printed).toBe(varDumpString(balance));
    expect(result).toBe(balance);
  });

  test("SOAP V2 WS-I: the response object's result is the same string", async () => {
    const { printed, result } = await runSeed("storecredit-balance-wsi", suite.url("wsi"));
    const balance = await suite.restBalance(4);
    expect(printed).toBe(varDumpString(balance));
    expect(result).toEqual(stdClass({ result: balance }));
  });
});

describeWithPhp("Magento's order_creditmemo.info examples, run by PHP", () => {
  test("SOAP V1: memo 200000001 is a PHP array with every key of the response example, in its order", async () => {
    const { printed, result } = await runSeed("creditmemo-info-v1", suite.url("main"));
    const memo = membersOf(result);
    expect(Object.keys(memo)).toEqual(Object.keys(SEED_CREDITMEMO_INFO));
    expect(memo).toMatchObject({
      increment_id: INFO_REQUEST_CREDITMEMO_INCREMENT_ID,
      order_increment_id: "200000001",
      order_id: "745",
      store_id: "2",
      state: "2",
      order_currency_code: "CAD",
      grand_total: "55.2000",
      tax_amount: "5.2000",
      shipping_amount: "10.0000",
      // Nulls stay keys with NULL, as in the example.
      adjustment_positive: null,
      transaction_id: null,
    });
    const items = listOf(memo["items"]).map(membersOf);
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0] ?? {})).toEqual(seedItemKeys());
    expect(items[0]).toMatchObject({ order_item_id: "777", sku: "test_product_sku_3", qty: "1.0000", price: "40.0000", base_cost: null });
    const comments = listOf(memo["comments"]).map(membersOf);
    expect(comments.map((comment) => Object.keys(comment))).toEqual([Object.keys(SEED_CREDITMEMO_INFO.comments[0] ?? {})]);
    expect(comments[0]).toMatchObject({ comment: "Refunded offline", is_customer_notified: "1" });
    // What the example's var_dump shows a user: an array of 80 entries, strings, NULLs, nested arrays.
    expect(printed).toMatch(/^array\(80\) \{\n {2}\["store_id"\]=>\n {2}string\(1\) "2"\n/);
    expect(printed).toContain(`  ["adjustment_positive"]=>\n  NULL\n`);
    expect(printed).toContain(`  ["increment_id"]=>\n  string(9) "200000001"\n`);
    expect(printed).toContain(`  ["items"]=>\n  array(1) {\n    [0]=>\n    array(34) {\n`);
  });

  test("SOAP V2: a stdClass entity without its null fields, items and comments as lists of stdClass", async () => {
    const { printed, result } = await runSeed("creditmemo-info-v2", suite.url("main"));
    expect(printed).toMatch(/^object\(stdClass\)#\d+ \(\d+\) \{\n/);
    const memo = propertiesOf(result);
    expect(memo).toMatchObject({ increment_id: "200000001", order_id: "745", state: "2", grand_total: "55.2000" });
    expect(memo).not.toHaveProperty("adjustment_positive");
    expect(listOf(memo["items"]).map(propertiesOf)).toEqual([
      expect.objectContaining({ order_item_id: "777", sku: "test_product_sku_3", qty: "1.0000" }),
    ]);
    expect(listOf(memo["comments"]).map(propertiesOf)).toEqual([expect.objectContaining({ comment: "Refunded offline" })]);
  });

  test("SOAP V2 WS-I: $result->result is the stdClass entity, its one item and comment under complexObjectArray", async () => {
    const { printed, result } = await runSeed("creditmemo-info-wsi", suite.url("wsi"));
    expect(printed).toMatch(/^object\(stdClass\)#\d+ \(\d+\) \{\n/);
    const memo = propertiesOf(propertiesOf(result)["result"]);
    expect(memo).toMatchObject({ increment_id: "200000001", order_id: "745", state: "2", grand_total: "55.2000" });
    expect(memo).not.toHaveProperty("adjustment_positive");
    expect(memo["items"]).toEqual(
      stdClass({ complexObjectArray: expect.objectContaining({ __class: "stdClass", order_item_id: "777", qty: "1.0000" }) }),
    );
    expect(memo["comments"]).toEqual(stdClass({ complexObjectArray: expect.objectContaining({ comment: "Refunded offline" }) }));
  });

  test("SOAP V1: memo 100000684 decodes to the response example itself, value for value", async () => {
    const output = await suite.php(`
      $session = v1()->login('apiUser', 'apiKey');
      report(array('memo' => v1()->call($session, 'order_creditmemo.info', '100000684')));
    `);
    const memo = membersOf(output["memo"]);
    const { items, comments, ...header } = SEED_CREDITMEMO_INFO;
    expect(Object.keys(memo)).toEqual(Object.keys(SEED_CREDITMEMO_INFO));
    expect(memo).toMatchObject(header);
    const decodedItems = listOf(memo["items"]).map(membersOf);
    expect(decodedItems.map((item) => Object.keys(item))).toEqual([seedItemKeys(), seedItemKeys()]);
    expect(decodedItems).toEqual(items.map((item) => ({ ...item, base_weee_tax_applied_row_amount: null })));
    expect(listOf(memo["comments"]).map(membersOf)).toEqual(comments);
  });
});
