import { execFile } from "node:child_process";
import { describeWithPhp } from "../../helpers/php.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { CREDITMEMO_ITEM_FIELDS, CREDITMEMO_ITEM_WSDL_ORDER } from "../../../src/magento/index.js";
import { requestOperation } from "../../../src/soap/contract.js";
import { readEnvelope, renderEnvelope, renderFault } from "../../../src/soap/envelope.js";
import { NS } from "../../../src/soap/namespaces.js";
import { decodeTypedArgs, encodeTypedResult, TypedArgError, UnknownOperationError, type TypedDialect } from "../../../src/soap/typed.js";
import { renderWsdl } from "../../../src/soap/wsdl.js";
import { parseXml } from "../../../src/soap/xml/parse.js";
import type { XmlElement } from "../../../src/soap/xml/tree.js";
import { escapeText } from "../../../src/soap/xml/writer.js";
import { SEED_CREDITMEMO_INFO } from "../../integration/creditmemos/seed-example.js";

/** A request as PHP's SoapClient writes it: V2 with typed parts, WS-I literal. */
function request(dialect: TypedDialect, element: string, content: string): XmlElement {
  const encoded =
    dialect === "v2"
      ? ` xmlns:xsd="${NS.xsd}" xmlns:xsi="${NS.xsi}" xmlns:SOAP-ENC="${NS.soapEncoding}" SOAP-ENV:encodingStyle="${NS.soapEncoding}"`
      : ` xmlns:xsi="${NS.xsi}"`;
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="${NS.soapEnvelope}" xmlns:ns1="${NS.magento}"${encoded}>` +
    `<SOAP-ENV:Body><ns1:${element}>${content}</ns1:${element}></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
  return readEnvelope(parseXml(xml)).operation;
}

const s = (name: string, value: string) => `<${name} xsi:type="xsd:string">${value}</${name}>`;

const V2_CREATE =
  s("sessionId", "abc") +
  s("orderIncrementId", "100000744") +
  '<creditmemoData xsi:type="ns1:salesOrderCreditmemoData">' +
  '<qtys SOAP-ENC:arrayType="ns1:orderItemIdQty[3]" xsi:type="ns1:orderItemIdQtyArray">' +
  '<item xsi:type="ns1:orderItemIdQty" id="ref1"><order_item_id xsi:type="xsd:int">775</order_item_id><qty xsi:type="xsd:double">1.5</qty></item>' +
  '<item href="#ref1"/>' +
  '<anyName xsi:type="ns1:orderItemIdQty"><order_item_id xsi:type="xsd:int"> 776 </order_item_id><qty xsi:type="xsd:double">2.0000</qty></anyName>' +
  "</qtys>" +
  '<shipping_amount xsi:type="xsd:double">12.5</shipping_amount><adjustment_negative xsi:type="xsd:double">1e2</adjustment_negative>' +
  "<unknown_member>ignored</unknown_member>" +
  "</creditmemoData>" +
  s("comment", " Refund &amp; &lt;thanks&gt;\n") +
  '<notifyCustomer xsi:type="xsd:int">1</notifyCustomer><includeComment xsi:nil="true"/>' +
  '<refundToStoreCreditAmount xsi:type="xsd:string">10.5000</refundToStoreCreditAmount>';

const WSI_CREATE =
  "<sessionId>abc</sessionId><orderIncrementId>100000744</orderIncrementId>" +
  "<creditmemoData><qtys><complexObjectArray><order_item_id>775</order_item_id><qty>1.5</qty></complexObjectArray></qtys>" +
  "<shipping_amount>0</shipping_amount></creditmemoData><notifyCustomer>9007199254740993</notifyCustomer><includeComment>yes</includeComment>";

const V2_FILTERS =
  '<filters xsi:type="ns1:filters">' +
  '<filter SOAP-ENC:arrayType="ns1:associativeEntity[1]" xsi:type="ns1:associativeArray"><item xsi:type="ns1:associativeEntity">' +
  `${s("key", "state")}${s("value", "2")}</item></filter>` +
  '<complex_filter SOAP-ENC:arrayType="ns1:complexFilter[1]" xsi:type="ns1:complexFilterArray"><item xsi:type="ns1:complexFilter">' +
  `${s("key", "created_at")}<value xsi:type="ns1:associativeEntity">${s("key", "gt")}${s("value", "2011-05-01")}</value></item>` +
  "</complex_filter></filters>";

const WSI_FILTERS =
  "<filters><filter><complexObjectArray><key>state</key><value>2</value></complexObjectArray></filter>" +
  "<complex_filter><complexObjectArray><key>created_at</key><value><key>gt</key><value>2011-05-01</value></value></complexObjectArray>" +
  "<complexObjectArray><key>increment_id</key><value><key>in</key><value>1,2</value></value></complexObjectArray></complex_filter></filters>";

describe("decodeTypedArgs", () => {
  test.each([
    [
      "V2 balance: the parts by name",
      "v2",
      "enterpriseCustomerbalanceBalance",
      "enterpriseCustomerbalanceBalance",
      s("websiteId", "2") + s("customerId", "4") + s("sessionId", "abc"),
      { sessionId: "abc", customerId: "4", websiteId: "2" },
    ],
    [
      "V2 history without its optional website",
      "v2",
      "enterpriseCustomerbalanceHistory",
      "enterpriseCustomerbalanceHistory",
      s("sessionId", "abc") + s("customerId", "4"),
      { sessionId: "abc", customerId: "4" },
    ],
    [
      "V2 create: structs, SOAP-ENC arrays with any item name, an href, doubles as written, xsi:nil left out",
      "v2",
      "salesOrderCreditmemoCreate",
      "salesOrderCreditmemoCreate",
      V2_CREATE,
      {
        sessionId: "abc",
        orderIncrementId: "100000744",
        creditmemoData: {
          qtys: [
            { order_item_id: 775, qty: "1.5" },
            { order_item_id: 775, qty: "1.5" },
            { order_item_id: 776, qty: "2.0000" },
          ],
          shipping_amount: "12.5",
          adjustment_negative: "1e2",
        },
        comment: " Refund & <thanks>\n",
        notifyCustomer: 1,
        refundToStoreCreditAmount: "10.5000",
      },
    ],
    [
      "V2 list: filter and complex_filter",
      "v2",
      "salesOrderCreditmemoList",
      "salesOrderCreditmemoList",
      s("sessionId", "abc") + V2_FILTERS,
      {
        sessionId: "abc",
        filters: { filter: [{ key: "state", value: "2" }], complex_filter: [{ key: "created_at", value: { key: "gt", value: "2011-05-01" } }] },
      },
    ],
    [
      "WS-I login: loginParam's fields",
      "wsi",
      "login",
      "loginParam",
      "<username>api</username><apiKey>secret</apiKey>",
      { username: "api", apiKey: "secret" },
    ],
    [
      "WS-I create: one complexObjectArray is a list of one; ints Tally cannot hold exactly stay as written",
      "wsi",
      "salesOrderCreditmemoCreate",
      "salesOrderCreditmemoCreateRequestParam",
      WSI_CREATE,
      {
        sessionId: "abc",
        orderIncrementId: "100000744",
        creditmemoData: { qtys: [{ order_item_id: 775, qty: "1.5" }], shipping_amount: "0" },
        notifyCustomer: "9007199254740993",
        includeComment: "yes",
      },
    ],
    [
      "WS-I list: filters with lists",
      "wsi",
      "salesOrderCreditmemoList",
      "salesOrderCreditmemoListRequestParam",
      "<sessionId>abc</sessionId>" + WSI_FILTERS,
      {
        sessionId: "abc",
        filters: {
          filter: [{ key: "state", value: "2" }],
          complex_filter: [
            { key: "created_at", value: { key: "gt", value: "2011-05-01" } },
            { key: "increment_id", value: { key: "in", value: "1,2" } },
          ],
        },
      },
    ],
    [
      "WS-I list without filters; empty lists and structs",
      "wsi",
      "salesOrderCreditmemoCreate",
      "salesOrderCreditmemoCreateRequestParam",
      "<sessionId>abc</sessionId><orderIncrementId>1</orderIncrementId><creditmemoData><qtys/></creditmemoData>",
      { sessionId: "abc", orderIncrementId: "1", creditmemoData: { qtys: [] } },
    ],
  ] as const)("%s", (_, dialect, operation, element, content, expected) => {
    expect(decodeTypedArgs(dialect, operation, request(dialect, element, content))).toStrictEqual(expected);
  });

  test.each([
    ["v2", /^SOAP V2 has no operation "salesOrderInfo"$/],
    ["wsi", /^SOAP V2 \(WS-I\) has no operation "salesOrderInfo"$/],
  ] as const)("%s: an operation the contract does not have is an UnknownOperationError", (dialect, message) => {
    const call = () => decodeTypedArgs(dialect, "salesOrderInfo", request(dialect, "salesOrderInfo", ""));
    expect(call).toThrow(UnknownOperationError);
    expect(call).toThrow(message);
  });

  test.each([
    [
      "a struct inside a list item where a double is declared",
      "v2",
      "salesOrderCreditmemoCreate",
      s("sessionId", "a") +
        '<creditmemoData><qtys><item><order_item_id>1</order_item_id><qty>1</qty></item><item><order_item_id>2</order_item_id><qty><x>1</x></qty></item></qtys></creditmemoData>',
      "creditmemoData.qtys[1].qty",
      "expected xsd:double, got elements",
    ],
    ["text where a struct is declared", "v2", "salesOrderCreditmemoCreate", "<creditmemoData>12</creditmemoData>", "creditmemoData", "expected salesOrderCreditmemoData, got text"],
    [
      "text where a list is declared",
      "wsi",
      "salesOrderCreditmemoList",
      "<filters><complex_filter>state=2</complex_filter></filters>",
      "filters.complex_filter",
      "expected complexFilterArray, got text",
    ],
    ["elements where a string is declared", "v2", "salesOrderCreditmemoInfo", "<sessionId><a/></sessionId>", "sessionId", "expected xsd:string, got elements"],
    ["a parameter given twice", "v2", "enterpriseCustomerbalanceBalance", s("customerId", "4") + s("customerId", "5"), "customerId", "is given more than once"],
    ["an href to nothing", "v2", "salesOrderCreditmemoInfo", '<sessionId href="#ref9"/>', "sessionId", 'href "#ref9" points to no element of the message'],
  ] as const)("%s is a TypedArgError naming the parameter's path", (_, dialect, operation, content, path, problem) => {
    const element = dialect === "v2" ? operation : `${operation}RequestParam`;
    let error: unknown;
    try {
      decodeTypedArgs(dialect, operation, request(dialect, element, content));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypedArgError);
    expect(error).toMatchObject({ path, problem, message: `${path}: ${problem}` });
  });

  test("an href is looked up in the scope given, such as the whole Body", () => {
    const xml =
      `<Envelope xmlns="${NS.soapEnvelope}" xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}"><Body><op xmlns="">${s("sessionId", "abc")}<comment href="#c"/></op>` +
      `<shared xmlns="" id="c">multi-ref</shared></Body></Envelope>`;
    const body = parseXml(xml).children[0] as XmlElement;
    const operation = body.children[0] as XmlElement;
    expect(decodeTypedArgs("v2", "salesOrderCreditmemoAddComment", operation, body)).toEqual({ sessionId: "abc", comment: "multi-ref" });
  });

  test("an element referenced from every item of a list is decoded once (no quadratic work from a small request)", () => {
    const count = 40_000;
    const shared = `<item id="f" xsi:type="ns1:complexFilter">${s("key", "state")}${"<junk/>".repeat(count)}</item>`;
    const list = `<complex_filter>${shared}${'<item href="#f"/>'.repeat(count - 1)}</complex_filter>`;
    const args = decodeTypedArgs("v2", "salesOrderCreditmemoList", request("v2", "x", `<filters>${list}</filters>`));
    const filters = args.filters as { complex_filter: unknown[] };
    expect(filters.complex_filter).toHaveLength(count);
    expect(new Set(filters.complex_filter.map((filter) => JSON.stringify(filter)))).toEqual(new Set(['{"key":"state"}']));
  });

  test("ints are numbers while they are safe integers, and their text otherwise", () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.bigInt()), (value) => {
        const args = decodeTypedArgs("wsi", "salesOrderCreditmemoAddComment", request("wsi", "x", `<notifyCustomer>${value}</notifyCustomer>`));
        const expected = Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
        expect(args.notifyCustomer).toBe(expected);
      }),
    );
  });

  test("doubles keep their lexical form, whatever float it would round to", () => {
    const lexical = fc
      .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.stringMatching(/^\d{0,20}$/))
      .map(([whole, fraction]) => (fraction === "" ? String(whole) : `${whole}.${fraction}`));
    fc.assert(
      fc.property(lexical, (value) => {
        const content = `<sessionId>a</sessionId><orderIncrementId>1</orderIncrementId><creditmemoData><shipping_amount> ${value} </shipping_amount></creditmemoData>`;
        const args = decodeTypedArgs("wsi", "salesOrderCreditmemoCreate", request("wsi", "x", content));
        expect(args.creditmemoData).toEqual({ shipping_amount: value });
      }),
    );
  });

  test("strings come back exactly as the client wrote them", () => {
    fc.assert(
      fc.property(representable(), (value) => {
        const args = decodeTypedArgs("v2", "salesOrderCreditmemoAddComment", request("v2", "x", s("comment", escapeText(value))));
        expect(args.comment).toBe(value);
      }),
    );
  });
});

/** Strings XML can carry: no C0 controls but tab, LF and CR, no U+FFFE/U+FFFF, no lone surrogates. */
function representable() {
  const carried = (char: string) => {
    const code = char.codePointAt(0) ?? 0;
    return (code >= 0x20 || code === 0x9 || code === 0xa || code === 0xd) && code !== 0xfffe && code !== 0xffff && (code < 0xd800 || code > 0xdfff);
  };
  return fc.string({ unit: "binary" }).filter((value) => [...value].every(carried));
}

describe("encodeTypedResult", () => {
  const memo = {
    increment_id: "100000684",
    store_id: "1",
    adjustment_positive: null,
    not_in_the_wsdl: "dropped",
    items: [{ sku: "a<b&c", item_id: "708", qty: "1.0000", description: null }],
    comments: [],
  };

  test.each([
    [
      "v2",
      "enterpriseCustomerbalanceBalance",
      "300.0000",
      '<ns1:enterpriseCustomerbalanceBalanceResponse><result xsi:type="xsd:string">300.0000</result></ns1:enterpriseCustomerbalanceBalanceResponse>',
    ],
    ["v2", "login", "5f2b", '<ns1:loginResponse><loginReturn xsi:type="xsd:string">5f2b</loginReturn></ns1:loginResponse>'],
    ["v2", "endSession", true, '<ns1:endSessionResponse><endSessionReturn xsi:type="xsd:boolean">true</endSessionReturn></ns1:endSessionResponse>'],
    [
      "v2",
      "salesOrderCreditmemoCancel",
      true,
      '<ns1:salesOrderCreditmemoCancelResponse><result xsi:type="xsd:boolean">true</result></ns1:salesOrderCreditmemoCancelResponse>',
    ],
    ["v2", "salesOrderCreditmemoCreate", null, '<ns1:salesOrderCreditmemoCreateResponse><result xsi:nil="true"/></ns1:salesOrderCreditmemoCreateResponse>'],
    [
      "v2",
      "salesOrderCreditmemoInfo",
      memo,
      "<ns1:salesOrderCreditmemoInfoResponse>" +
        '<result xsi:type="ns1:salesOrderCreditmemoEntity">' +
        '<increment_id xsi:type="xsd:string">100000684</increment_id><store_id xsi:type="xsd:string">1</store_id>' +
        '<items xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="ns1:salesOrderCreditmemoItemEntity[1]"><item xsi:type="ns1:salesOrderCreditmemoItemEntity">' +
        '<item_id xsi:type="xsd:string">708</item_id><qty xsi:type="xsd:string">1.0000</qty><sku xsi:type="xsd:string">a&lt;b&amp;c</sku></item></items>' +
        '<comments xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="ns1:salesOrderCreditmemoCommentEntity[0]"/>' +
        "</result></ns1:salesOrderCreditmemoInfoResponse>",
    ],
    ["wsi", "login", "5f2b", "<ns1:loginResponseParam><result>5f2b</result></ns1:loginResponseParam>"],
    // Magento's wsi.xml declares addComment's result an int and cancel's a string; PHP casts true to 1 and "1".
    ["wsi", "salesOrderCreditmemoAddComment", true, "<ns1:salesOrderCreditmemoAddCommentResponseParam><result>1</result></ns1:salesOrderCreditmemoAddCommentResponseParam>"],
    ["wsi", "salesOrderCreditmemoCancel", true, "<ns1:salesOrderCreditmemoCancelResponseParam><result>1</result></ns1:salesOrderCreditmemoCancelResponseParam>"],
    ["wsi", "salesOrderCreditmemoCreate", undefined, "<ns1:salesOrderCreditmemoCreateResponseParam/>"],
    [
      "wsi",
      "salesOrderCreditmemoInfo",
      memo,
      "<ns1:salesOrderCreditmemoInfoResponseParam><result><increment_id>100000684</increment_id><store_id>1</store_id>" +
        "<items><complexObjectArray><item_id>708</item_id><qty>1.0000</qty><sku>a&lt;b&amp;c</sku></complexObjectArray></items><comments/>" +
        "</result></ns1:salesOrderCreditmemoInfoResponseParam>",
    ],
    ["wsi", "enterpriseCustomerbalanceHistory", [], "<ns1:enterpriseCustomerbalanceHistoryResponseParam><result/></ns1:enterpriseCustomerbalanceHistoryResponseParam>"],
  ] as const)("%s %s: %j", (dialect, operation, value, body) => {
    expect(encodeTypedResult(dialect, operation, value).body).toBe(body);
  });

  test("the namespaces to declare: V2 its typing prefixes, WS-I only urn:Magento", () => {
    expect(encodeTypedResult("v2", "login", "x").namespaces).toEqual({ ns1: NS.magento, xsd: NS.xsd, xsi: NS.xsi, "SOAP-ENC": NS.soapEncoding });
    expect(encodeTypedResult("wsi", "login", "x").namespaces).toEqual({ ns1: NS.magento });
  });

  test.each([
    ["salesOrderCreditmemoInfo", "100000684", /^result: expected an object$/],
    ["salesOrderCreditmemoList", [memo, null], /^result\[1\]: a list item is missing$/],
    ["salesOrderCreditmemoList", { 0: memo }, /^result: expected a list$/],
    ["salesOrderCreditmemoInfo", { items: [{ sku: { nested: true } }] }, /^result\.items\[0\]\.sku: expected a string$/],
    ["endSession", "true", /^endSessionReturn: expected a boolean$/],
  ])("%s with %j is refused: the caller's bug, not the client's", (operation, value, message) => {
    expect(() => encodeTypedResult("v2", operation, value)).toThrow(message);
  });

  test("an unknown operation is an UnknownOperationError", () => {
    expect(() => encodeTypedResult("wsi", "catalogProductList", [])).toThrow(new UnknownOperationError("catalogProductList", "wsi"));
  });

  test("every non-null field comes out once, with its text, in the entity's order", () => {
    const known = CREDITMEMO_ITEM_FIELDS.map(({ name }) => name);
    const ITEM_WSDL_ORDER = [...CREDITMEMO_ITEM_WSDL_ORDER, ...known.filter((name) => !CREDITMEMO_ITEM_WSDL_ORDER.includes(name))];
    const record = fc.record(Object.fromEntries(CREDITMEMO_ITEM_FIELDS.map(({ name }) => [name, fc.option(representable())])), {
      requiredKeys: [],
    });
    fc.assert(
      fc.property(fc.constantFrom<TypedDialect>("v2", "wsi"), fc.array(record, { maxLength: 3 }), (dialect, items) => {
        const { body, namespaces } = encodeTypedResult(dialect, "salesOrderCreditmemoInfo", { items });
        const response = readEnvelope(parseXml(renderEnvelope(body, namespaces))).operation;
        const listed = response.children[0]?.children[0]?.children ?? [];
        expect(listed.map((item) => item.children.map((field) => [field.local, field.text]))).toEqual(
          items.map((item) =>
            ITEM_WSDL_ORDER.flatMap((name) => {
              const value = item[name];
              return value === null || value === undefined ? [] : [[name, value]];
            }),
          ),
        );
      }),
    );
  });
});

// ---- with PHP's SoapClient ------------------------------------------------------------------------------------------


const SUMMARY = Object.fromEntries(Object.entries(SEED_CREDITMEMO_INFO).filter(([name]) => name !== "items" && name !== "comments"));

const HISTORY = [
  { history_id: "7", balance_id: "3", updated_at: "2011-05-27 10:53:03", action: "4", balance_amount: "300.0000", balance_delta: "15.0000", additional_info: null, is_customer_notified: "0", customer_id: "4", website_id: "2", base_currency_code: "USD" },
];

const RESULTS: Readonly<Record<string, unknown>> = {
  login: "5f2b9c",
  enterpriseCustomerbalanceBalance: "300.0000",
  enterpriseCustomerbalanceHistory: HISTORY,
  salesOrderCreditmemoInfo: SEED_CREDITMEMO_INFO,
  salesOrderCreditmemoList: [SUMMARY],
  salesOrderCreditmemoCreate: "100000685",
  salesOrderCreditmemoAddComment: true,
  salesOrderCreditmemoCancel: true,
};

interface Received {
  dialect: TypedDialect;
  operation: string;
  args: Record<string, unknown>;
}

/** Answers each call with RESULTS through the codec, keeping what it decoded of the request. */
function responder(received: Received[]): Server {
  return createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      const dialect: TypedDialect = req.url === "/wsi" ? "wsi" : "v2";
      try {
        const { operation } = readEnvelope(parseXml(text));
        const spec = requestOperation(dialect, operation.local);
        if (spec === undefined) throw new Error(`no operation for <${operation.local}>`);
        received.push({ dialect, operation: spec.name, args: decodeTypedArgs(dialect, spec.name, operation) });
        const { body, namespaces } = encodeTypedResult(dialect, spec.name, RESULTS[spec.name]);
        res.writeHead(200, { "content-type": "text/xml; charset=utf-8" }).end(renderEnvelope(body, namespaces));
      } catch (error) {
        res.writeHead(500, { "content-type": "text/xml; charset=utf-8" }).end(renderFault("0", String(error)));
      }
    });
  });
}

describeWithPhp("PHP's SoapClient against the codec, through the WSDLs", () => {
  const received: Received[] = [];
  let server: Server;
  let dir: string;

  beforeAll(async () => {
    server = responder(received);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), "tally-typed-"));
    for (const dialect of ["v2", "wsi"] as const) {
      writeFileSync(join(dir, `${dialect}.wsdl`), renderWsdl(dialect, `http://127.0.0.1:${port}/${dialect}`));
    }
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    received.length = 0;
  });

  /** Runs PHP with $v2 and $wsi clients on the WSDLs; the script echoes JSON. Async: the responder shares this process. */
  async function php(code: string): Promise<unknown> {
    const script = join(dir, "call.php");
    writeFileSync(
      script,
      `<?php\n$options = ['cache_wsdl' => WSDL_CACHE_NONE];\n$v2 = new SoapClient('${dir}/v2.wsdl', $options);\n` +
        `$wsi = new SoapClient('${dir}/wsi.wsdl', $options);\n${code}\n`,
    );
    const { stdout } = await promisify(execFile)("php", ["-d", "soap.wsdl_cache_enabled=0", script], { timeout: 20_000 });
    return JSON.parse(stdout);
  }

  const nonNull = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
  const seedItems = SEED_CREDITMEMO_INFO.items.map(nonNull);
  const seedComments = SEED_CREDITMEMO_INFO.comments.map(nonNull);
  const seedSummary = nonNull(SUMMARY);

  test("V2: info is a stdClass of strings without its nulls, items and comments PHP lists", async () => {
    const output = await php(`
      $memo = $v2->salesOrderCreditmemoInfo($v2->login('apiUser', 'apiKey'), '100000684');
      echo json_encode(['class' => get_class($memo), 'item' => get_class($memo->items[0]), 'memo' => $memo]);`);
    expect(output).toEqual({ class: "stdClass", item: "stdClass", memo: { ...seedSummary, items: seedItems, comments: seedComments } });
  });

  test("WS-I: info's lists are complexObjectArray lists; a list of one is a single object, as with Magento", async () => {
    const output = await php(`
      $session = $wsi->login((object)['username' => 'apiUser', 'apiKey' => 'apiKey'])->result;
      $memo = $wsi->salesOrderCreditmemoInfo((object)['sessionId' => $session, 'creditmemoIncrementId' => '100000684'])->result;
      $list = $wsi->salesOrderCreditmemoList((object)['sessionId' => $session])->result;
      echo json_encode(['class' => get_class($memo), 'session' => $session, 'memo' => $memo, 'list' => $list]);`);
    expect(output).toEqual({
      class: "stdClass",
      session: "5f2b9c",
      memo: { ...seedSummary, items: { complexObjectArray: seedItems }, comments: { complexObjectArray: seedComments } },
      list: { complexObjectArray: seedSummary },
    });
  });

  test("the scalar results as PHP's values: strings, V2 booleans, WS-I's int and string", async () => {
    const output = await php(`
      $w = (object)['sessionId' => 's', 'creditmemoIncrementId' => '100000684'];
      echo json_encode([
        $v2->enterpriseCustomerbalanceBalance('s', '4', '2'),
        $v2->salesOrderCreditmemoAddComment('s', '100000684', 'Thanks'),
        $v2->salesOrderCreditmemoCancel('s', '100000684'),
        $v2->salesOrderCreditmemoList('s', null),
        $v2->enterpriseCustomerbalanceHistory('s', '4'),
        $wsi->enterpriseCustomerbalanceBalance((object)['sessionId' => 's', 'customerId' => '4', 'websiteId' => '2'])->result,
        $wsi->salesOrderCreditmemoAddComment((object)['sessionId' => 's', 'creditmemoIncrementId' => '100000684', 'comment' => 'Thanks'])->result,
        $wsi->salesOrderCreditmemoCancel($w)->result,
      ]);`);
    expect(output).toEqual(["300.0000", true, true, [seedSummary], [nonNull(HISTORY[0] ?? {})], "300.0000", 1, "1"]);
  });

  test("salesOrderCreditmemoCreate as PHP sends it decodes to the contract's values (an object passed twice included)", async () => {
    const output = await php(`
      $qty = (object)['order_item_id' => 775, 'qty' => 1.5];
      $data = (object)['qtys' => [$qty, $qty, (object)['order_item_id' => '776', 'qty' => '2']], 'shipping_amount' => 12.5, 'adjustment_negative' => '0.1'];
      echo json_encode([
        $v2->salesOrderCreditmemoCreate('s', '100000744', $data, 'Refund & <thanks>', 1, 0, '10.5'),
        $wsi->salesOrderCreditmemoCreate((object)[
          'sessionId' => 's', 'orderIncrementId' => '100000744', 'creditmemoData' => (object)['qtys' => [$qty]], 'notifyCustomer' => 1,
        ])->result,
      ]);`);
    expect(output).toEqual(["100000685", "100000685"]);
    const data = {
      qtys: [
        { order_item_id: 775, qty: "1.5" },
        { order_item_id: 775, qty: "1.5" },
        { order_item_id: 776, qty: "2" },
      ],
      shipping_amount: "12.5",
      adjustment_negative: "0.1",
    };
    expect(received).toEqual([
      {
        dialect: "v2",
        operation: "salesOrderCreditmemoCreate",
        args: {
          sessionId: "s",
          orderIncrementId: "100000744",
          creditmemoData: data,
          comment: "Refund & <thanks>",
          notifyCustomer: 1,
          includeComment: 0,
          refundToStoreCreditAmount: "10.5",
        },
      },
      {
        dialect: "wsi",
        operation: "salesOrderCreditmemoCreate",
        args: { sessionId: "s", orderIncrementId: "100000744", creditmemoData: { qtys: [{ order_item_id: 775, qty: "1.5" }] }, notifyCustomer: 1 },
      },
    ]);
  });

  test("salesOrderCreditmemoList's filter and complex_filter as PHP sends them decode alike in both dialects", async () => {
    await php(`
      $filters = (object)[
        'filter' => [(object)['key' => 'state', 'value' => '2']],
        'complex_filter' => [
          (object)['key' => 'created_at', 'value' => (object)['key' => 'gt', 'value' => '2011-05-01']],
          (object)['key' => 'increment_id', 'value' => (object)['key' => 'in', 'value' => '100000684,100000685']],
        ],
      ];
      $v2->salesOrderCreditmemoList('s', $filters);
      $wsi->salesOrderCreditmemoList((object)['sessionId' => 's', 'filters' => $filters]);
      echo '{}';`);
    const args = {
      sessionId: "s",
      filters: {
        filter: [{ key: "state", value: "2" }],
        complex_filter: [
          { key: "created_at", value: { key: "gt", value: "2011-05-01" } },
          { key: "increment_id", value: { key: "in", value: "100000684,100000685" } },
        ],
      },
    };
    expect(received).toEqual([
      { dialect: "v2", operation: "salesOrderCreditmemoList", args },
      { dialect: "wsi", operation: "salesOrderCreditmemoList", args },
    ]);
  });
});
