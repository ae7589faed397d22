import { spawnSync } from "node:child_process";
import { describeWithPhp } from "../../helpers/php.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decimal } from "decimal.js";
import { CREDITMEMO_ITEM_FIELDS, CREDITMEMO_ITEM_WSDL_ORDER, CREDITMEMO_WSDL_ORDER } from "../../../src/magento/index.js";
import { serializeHistoryEntry } from "../../../src/services/storecredit/serialize.js";
import { COMPLEX_TYPES, OPERATIONS } from "../../../src/soap/contract.js";
import { NS } from "../../../src/soap/namespaces.js";
import { renderWsdl, type WsdlDialect } from "../../../src/soap/wsdl.js";
import { parseXml } from "../../../src/soap/xml/parse.js";
import { attribute, type XmlElement } from "../../../src/soap/xml/tree.js";
import { SEED_CREDITMEMO_INFO } from "../../integration/creditmemos/seed-example.js";

const DIALECTS: readonly WsdlDialect[] = ["v1", "v2", "wsi"];
const ADDRESS = "http://tally.example/api/v2_soap/index/";

function descendants(element: XmlElement): XmlElement[] {
  return element.children.flatMap((child) => [child, ...descendants(child)]);
}

const named = (root: XmlElement, ns: string, local: string): XmlElement[] =>
  descendants(root).filter((element) => element.ns === ns && element.local === local);

describe("renderWsdl", () => {
  test.each(DIALECTS)("%s is one well-formed XML document, the declaration first", (dialect) => {
    const wsdl = renderWsdl(dialect, ADDRESS);
    expect(wsdl.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const root = parseXml(wsdl);
    expect([root.ns, root.local, attribute(root, "", "targetNamespace")]).toEqual([NS.wsdl, "definitions", NS.magento]);
  });

  test.each([
    ["v1", "Mage_Api_Model_Server_Handler", "urn:Mage_Api_Model_Server_HandlerAction", "rpc"],
    ["v2", "Mage_Api_Model_Server_V2_Handler", "urn:Mage_Api_Model_Server_V2_HandlerAction", "rpc"],
    ["wsi", "Mage_Api_Model_Server_Wsi_Handler", "", "document"],
  ] as const)("%s: service, port, binding and soapAction are Magento's (%s)", (dialect, handler, soapAction, style) => {
    const root = parseXml(renderWsdl(dialect, ADDRESS));
    const [service] = named(root, NS.wsdl, "service");
    const [port] = named(root, NS.wsdl, "port");
    const [binding] = named(root, NS.wsdl, "binding");
    const [soapBinding] = named(root, NS.wsdlSoap, "binding");
    expect(service && attribute(service, "", "name")).toBe("MagentoService");
    expect(port && [attribute(port, "", "name"), attribute(port, "", "binding")]).toEqual([`${handler}Port`, `typens:${handler}Binding`]);
    expect(binding && attribute(binding, "", "name")).toBe(`${handler}Binding`);
    expect(soapBinding && attribute(soapBinding, "", "style")).toBe(style);
    const actions = new Set(named(root, NS.wsdlSoap, "operation").map((operation) => attribute(operation, "", "soapAction")));
    expect([...actions]).toEqual([soapAction]);
    const bodies = new Set(named(root, NS.wsdlSoap, "body").map((body) => attribute(body, "", "use")));
    expect([...bodies]).toEqual([style === "rpc" ? "encoded" : "literal"]);
  });

  test.each(DIALECTS)("%s: the port's address is the one asked for, however odd its characters", (dialect) => {
    const address = `http://[::1]:8080/api/soap/?a=1&b="2"<x>`;
    const [location] = named(parseXml(renderWsdl(dialect, address)), NS.wsdlSoap, "address");
    expect(location && attribute(location, "", "location")).toBe(address);
    // Rendered once per dialect: another address changes the location and nothing else.
    expect(renderWsdl(dialect, "http://other/")).toBe(renderWsdl(dialect, ADDRESS).replace(ADDRESS, "http://other/"));
  });

  test.each(DIALECTS)("%s never points at a schema to download (PHP offline cannot parse such a WSDL)", (dialect) => {
    expect(renderWsdl(dialect, ADDRESS)).not.toContain("schemaLocation");
  });

  test("V2 lists are SOAP-encoded arrays of their entity; WS-I lists are complexObjectArray sequences", () => {
    const v2 = parseXml(renderWsdl("v2", ADDRESS));
    const wsi = parseXml(renderWsdl("wsi", ADDRESS));
    for (const [name, type] of Object.entries(COMPLEX_TYPES)) {
      if (type.kind !== "array") continue;
      const [restriction] = named(complexType(v2, name), NS.xsd, "restriction");
      const [arrayType] = named(complexType(v2, name), NS.xsd, "attribute");
      expect(restriction && attribute(restriction, "", "base")).toBe("soapenc:Array");
      expect(arrayType && attribute(arrayType, NS.wsdl, "arrayType")).toBe(`typens:${type.item}[]`);
      const [element] = named(complexType(wsi, name), NS.xsd, "element");
      expect(Object.fromEntries(element?.attributes.map(({ local, value }) => [local, value]) ?? [])).toEqual({
        name: "complexObjectArray",
        type: `typens:${type.item}`,
        minOccurs: "0",
        maxOccurs: "unbounded",
      });
    }
  });
});

function complexType(root: XmlElement, name: string): XmlElement {
  const type = named(root, NS.xsd, "complexType").find((candidate) => attribute(candidate, "", "name") === name);
  if (type === undefined) throw new Error(`no complexType ${name}`);
  return type;
}

// ---- PHP's SoapClient ---------------------------------------------------------------------------------------------


interface PhpView {
  functions: string[];
  types: string[];
}

/** What PHP's SoapClient makes of each WSDL, read offline from a file with the WSDL cache off. */
function phpViews(): Record<WsdlDialect, PhpView> {
  const dir = mkdtempSync(join(tmpdir(), "tally-wsdl-"));
  try {
    for (const dialect of DIALECTS) writeFileSync(join(dir, `${dialect}.wsdl`), renderWsdl(dialect, ADDRESS));
    const script = `
      $views = [];
      foreach (['v1', 'v2', 'wsi'] as $dialect) {
        $client = new SoapClient($argv[1] . "/$dialect.wsdl", ['cache_wsdl' => WSDL_CACHE_NONE]);
        $views[$dialect] = ['functions' => $client->__getFunctions(), 'types' => $client->__getTypes()];
      }
      echo json_encode($views);`;
    const run = spawnSync("php", ["-d", "soap.wsdl_cache_enabled=0", "-r", script, dir], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`php failed: ${run.stderr}${run.stdout}`);
    return JSON.parse(run.stdout) as Record<WsdlDialect, PhpView>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A struct's members as PHP prints them: "struct name {\n string a;\n ...}" → [["string", "a"], ...]. */
function struct(view: PhpView, name: string): string[][] {
  const printed = view.types.find((type) => type.startsWith(`struct ${name} {`));
  if (printed === undefined) throw new Error(`PHP knows no struct ${name}`);
  return [...printed.matchAll(/^ (\S+) (\S+);$/gm)].map(([, type = "", member = ""]) => [type, member]);
}

const names = (members: string[][]) => members.map(([, name]) => name);

const historyEntryKeys = Object.keys(
  serializeHistoryEntry(
    {
      id: 1n,
      creditId: 2n,
      createdAt: new Date(0),
      action: "Created",
      impactAmount: new Decimal("15"),
      comments: null,
      orderId: null,
      isCustomerNotified: false,
      balanceAmount: "1",
    },
    { customerId: 4, websiteId: 2, currencyCode: "USD" },
  ),
);

describeWithPhp("the WSDLs as PHP's SoapClient reads them (offline)", () => {
  let views: Record<WsdlDialect, PhpView>;
  beforeAll(() => {
    views = phpViews();
  });

  test("V1: Mage_Api's generic operations, parts in Magento's order", () => {
    expect(views.v1.functions).toEqual([
      "anyType call(string $sessionId, string $resourcePath, anyType $args)",
      "Array multiCall(string $sessionId, Array $calls, anyType $options)",
      "boolean endSession(string $sessionId)",
      "string login(string $username, string $apiKey)",
      "string startSession()",
      "Array resources(string $sessionId)",
      "Array globalFaults(string $sessionId)",
      "Array resourceFaults(string $resourceName, string $sessionId)",
    ]);
  });

  test("V2: one typed function per operation, called as the seeds call them", () => {
    expect(views.v2.functions).toEqual([
      "string login(string $username, string $apiKey)",
      "boolean endSession(string $sessionId)",
      "string enterpriseCustomerbalanceBalance(string $sessionId, string $customerId, string $websiteId)",
      "enterpriseCustomerbalanceHistoryItemEntityArray enterpriseCustomerbalanceHistory(string $sessionId, string $customerId, string $websiteId)",
      "salesOrderCreditmemoEntityArray salesOrderCreditmemoList(string $sessionId, filters $filters)",
      "salesOrderCreditmemoEntity salesOrderCreditmemoInfo(string $sessionId, string $creditmemoIncrementId)",
      "string salesOrderCreditmemoCreate(string $sessionId, string $orderIncrementId, salesOrderCreditmemoData $creditmemoData, " +
        "string $comment, int $notifyCustomer, int $includeComment, string $refundToStoreCreditAmount)",
      "boolean salesOrderCreditmemoAddComment(string $sessionId, string $creditmemoIncrementId, string $comment, int $notifyCustomer, int $includeComment)",
      "boolean salesOrderCreditmemoCancel(string $sessionId, string $creditmemoIncrementId)",
    ]);
    expect(views.v2.types).toContain("salesOrderCreditmemoItemEntity salesOrderCreditmemoItemEntityArray[]");
    expect(views.v2.types).toContain("orderItemIdQty orderItemIdQtyArray[]");
  });

  test("WS-I: one wrapped function per operation, request and response structs named as Magento's wsi.xml", () => {
    expect(views.wsi.functions).toEqual(
      OPERATIONS.map(({ name }) => {
        const request = name === "login" || name === "endSession" ? `${name}Param` : `${name}RequestParam`;
        return `${name}ResponseParam ${name}(${request} $parameters)`;
      }),
    );
    expect(struct(views.wsi, "loginParam")).toEqual([["string", "username"], ["string", "apiKey"]]);
    expect(struct(views.wsi, "enterpriseCustomerbalanceBalanceRequestParam")).toEqual([
      ["string", "sessionId"],
      ["string", "customerId"],
      ["string", "websiteId"],
    ]);
    expect(struct(views.wsi, "salesOrderCreditmemoInfoResponseParam")).toEqual([["salesOrderCreditmemoEntity", "result"]]);
    expect(struct(views.wsi, "salesOrderCreditmemoAddCommentResponseParam")).toEqual([["int", "result"]]);
    expect(struct(views.wsi, "salesOrderCreditmemoCancelResponseParam")).toEqual([["string", "result"]]);
    expect(struct(views.wsi, "salesOrderCreditmemoItemEntityArray")).toEqual([["salesOrderCreditmemoItemEntity", "complexObjectArray"]]);
  });

  test.each(["v2", "wsi"] as const)("%s: the credit memo entities carry every seed field, strings, in Magento's WSDL order", (dialect) => {
    const memo = struct(views[dialect], "salesOrderCreditmemoEntity");
    const declared = memo.slice(0, CREDITMEMO_WSDL_ORDER.length + 2);
    // Magento's wsdl.xml / wsi.xml order (the seed's entity table), then items and comments, as Magento declares them.
    expect(declared).toEqual([
      ...CREDITMEMO_WSDL_ORDER.map((name) => ["string", name]),
      ["salesOrderCreditmemoItemEntityArray", "items"],
      ["salesOrderCreditmemoCommentEntityArray", "comments"],
    ]);
    expect(CREDITMEMO_WSDL_ORDER.slice(0, 3)).toEqual(["updated_at", "created_at", "increment_id"]);
    expect(CREDITMEMO_WSDL_ORDER.at(-1)).toBe("creditmemo_id");
    // The response example's names Magento's WSDL lacks follow, so every key of the seed's example is declared.
    expect(memo.slice(declared.length).every(([type]) => type === "string")).toBe(true);
    expect([...names(memo)].sort()).toEqual(Object.keys(SEED_CREDITMEMO_INFO).sort());
    const item = names(struct(views[dialect], "salesOrderCreditmemoItemEntity"));
    expect(item.slice(0, CREDITMEMO_ITEM_WSDL_ORDER.length)).toEqual(CREDITMEMO_ITEM_WSDL_ORDER);
    expect([...item].sort()).toEqual(CREDITMEMO_ITEM_FIELDS.map(({ name }) => name).sort());
    // The entity table's spelling and the response example's are both there.
    expect(item).toEqual(expect.arrayContaining(["base_weee_tax_applied_row_amount", ...Object.keys(SEED_CREDITMEMO_INFO.items[0] ?? {})]));
    const comment = names(struct(views[dialect], "salesOrderCreditmemoCommentEntity"));
    expect(comment).toEqual(["parent_id", "created_at", "comment", "is_customer_notified", "comment_id", "is_visible_on_front"]);
    expect([...comment].sort()).toEqual(Object.keys(SEED_CREDITMEMO_INFO.comments[0] ?? {}).sort());
  });

  test.each(["v2", "wsi"] as const)("%s: the history entry has storecredit.history's keys, in order", (dialect) => {
    expect(struct(views[dialect], "enterpriseCustomerbalanceHistoryItemEntity")).toEqual(historyEntryKeys.map((key) => ["string", key]));
  });

  test.each(["v2", "wsi"] as const)("%s: credit memo data and filters as Magento types them", (dialect) => {
    expect(struct(views[dialect], "salesOrderCreditmemoData")).toEqual([
      ["orderItemIdQtyArray", "qtys"],
      ["double", "shipping_amount"],
      ["double", "adjustment_positive"],
      ["double", "adjustment_negative"],
    ]);
    expect(struct(views[dialect], "orderItemIdQty")).toEqual([["int", "order_item_id"], ["double", "qty"]]);
    expect(struct(views[dialect], "filters")).toEqual([["associativeArray", "filter"], ["complexFilterArray", "complex_filter"]]);
    expect(struct(views[dialect], "complexFilter")).toEqual([["string", "key"], ["associativeEntity", "value"]]);
  });
});
