import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { FuzzGenerator } from "../../../scripts/fuzz/generate.js";
import { describeRequest, sendable, type FuzzContext } from "../../../scripts/fuzz/request.js";
import { parseWsdl, v1ResourcePath } from "../../../scripts/fuzz/soap.js";
import { renderWsdl } from "../../../src/soap/wsdl.js";

const OPENAPI = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../../openapi/openapi.json"), "utf8")) as {
  paths: Record<string, Record<string, unknown>>;
};
const V1 = renderWsdl("v1", "http://localhost/api/soap/index/");
const V2 = renderWsdl("v2", "http://localhost/api/v2_soap/index/");
const WSI = renderWsdl("wsi", "http://localhost/api/v2_soap/index/");

const CONTEXT: FuzzContext = {
  tenantId: 26507,
  appToken: "app.token.sig",
  shopperToken: "shopper.token.sig",
  shopperCustomerId: 4,
  otherTenantToken: "other.token.sig",
  otherTenantId: 26508,
  known: { code: ["SC-RRMXXTEMAMVDXQET"], customerId: ["4"], creditmemoIncrementId: ["100000684"] },
  soap: { username: "apiUser", apiKey: "apiKey", v1Session: "v1session", v2Session: "v2session", wsiSession: "wsisession" },
  loyalty: { userId: "john1970", password: "secret", accountId: "greatwidgets", campaignId: "123456789012" },
};

const generator = (seed: number) => new FuzzGenerator({ openapi: OPENAPI, v1Wsdl: V1, v2Wsdl: V2, wsiWsdl: WSI }, CONTEXT, seed);

describe("the fuzz generator", () => {
  test("request i of a seed is always the same request, and another seed gives other requests", () => {
    const first = Array.from({ length: 200 }, (_, index) => describeRequest(generator(7).request(index)));
    const again = Array.from({ length: 200 }, (_, index) => describeRequest(generator(7).request(index)));
    const other = Array.from({ length: 200 }, (_, index) => describeRequest(generator(8).request(index)));
    expect(again).toEqual(first);
    expect(other.filter((request, index) => request === first[index]).length).toBeLessThan(20);
  });

  test("a few thousand requests reach every operation of the document and every operation of the three WSDLs", () => {
    const fuzz = generator(1);
    const seen = new Set(Array.from({ length: 3_000 }, (_, index) => fuzz.request(index).operation));
    expect(fuzz.operations().filter((operation) => !seen.has(operation))).toEqual([]);
    const { v1, v2, wsi } = fuzz.soapOperations();
    expect(v2).toEqual(expect.arrayContaining(["login", "enterpriseCustomerbalanceBalance", "salesOrderCreditmemoCreate"]));
    for (const operation of v2) expect(seen).toContain(`SOAP v2 ${operation}`);
    expect(wsi).toEqual(v2);
    for (const operation of wsi) expect(seen).toContain(`SOAP wsi ${operation}`);
    for (const operation of v1.filter((name) => name !== "call")) expect(seen).toContain(`SOAP v1 ${operation}`);
    expect([...seen].filter((operation) => operation.startsWith("SOAP v1 call ")).length).toBeGreaterThan(5);
  });

  test("every target can be sent by Node's HTTP client: nothing outside printable ASCII is left unencoded", () => {
    const fuzz = generator(3);
    for (let index = 0; index < 2_000; index += 1) {
      const request = fuzz.request(index);
      expect(request.path).toMatch(/^\/[\u0021-\u007e]*$/);
      for (const value of Object.values(request.headers).flat()) expect(value).toMatch(/^[\t\u0020-\u007e\u0080-\u00ff]*$/);
      // Node answers 431 for more than 16 KiB of request line and headers: requests stay inside it.
      expect(request.path.length + Object.values(request.headers).flat().join("").length).toBeLessThan(16_000);
    }
  });

  test("mistakes are mixed in: wrong tokens, odd percent-escapes, broken JSON and broken envelopes all occur", () => {
    const fuzz = generator(5);
    const requests = Array.from({ length: 3_000 }, (_, index) => fuzz.request(index));
    const texts = requests.map(describeRequest);
    expect(texts.some((text) => /%C0%AF|%ZZ|%ED%A0%80/.test(text))).toBe(true);
    expect(requests.some((request) => request.face === "rest" && request.headers["authorization"] === undefined)).toBe(true);
    expect(requests.some((request) => request.operation === "SOAP v2 broken envelope" || request.operation === "SOAP v1 broken envelope")).toBe(true);
    expect(requests.some((request) => request.body !== undefined && request.face === "rest" && !isJson(request.body))).toBe(true);
    expect(requests.some((request) => Object.values(request.headers).some(Array.isArray))).toBe(true);
  });

  test("SOAP envelopes built from the WSDL's operations are well-formed XML", () => {
    const fuzz = generator(9);
    const envelopes = Array.from({ length: 3_000 }, (_, index) => fuzz.request(index)).filter(
      (request) => request.face === "soap" && request.method === "POST" && !request.operation.endsWith("broken envelope"),
    );
    expect(envelopes.length).toBeGreaterThan(300);
    for (const request of envelopes) expect(XMLValidator.validate(request.body?.toString("utf8") ?? "")).toBe(true);
  });
});

describe("reading the WSDLs", () => {
  test("V2's operations with their parts, and its complex types", () => {
    const { operations, types } = parseWsdl(V2);
    expect(operations.find((operation) => operation.name === "salesOrderCreditmemoList")?.parts).toEqual([
      { name: "sessionId", type: "xsd:string" },
      { name: "filters", type: "typens:filters" },
    ]);
    expect(types.structs.get("filters")?.map((field) => field.name)).toEqual(["filter", "complex_filter"]);
    expect(types.arrays.get("associativeArray")).toBe("associativeEntity");
  });

  test("WS-I's operations with their request element's fields, and its complexObjectArray lists", () => {
    const { operations, types } = parseWsdl(WSI);
    expect(operations.find((operation) => operation.name === "salesOrderCreditmemoList")).toEqual({
      name: "salesOrderCreditmemoList",
      element: "salesOrderCreditmemoListRequestParam",
      parts: [
        { name: "sessionId", type: "xsd:string" },
        { name: "filters", type: "typens:filters" },
      ],
    });
    expect(operations.find((operation) => operation.name === "login")?.element).toBe("loginParam");
    expect(types.arrays.get("orderItemIdQtyArray")).toBe("orderItemIdQty");
    expect(types.structs.get("orderItemIdQty")?.map((field) => field.name)).toEqual(["order_item_id", "qty"]);
  });

  test("a V2 operation's V1 resource path", () => {
    expect(v1ResourcePath("enterpriseCustomerbalanceBalance")).toBe("storecredit.balance");
    expect(v1ResourcePath("salesOrderCreditmemoAddComment")).toBe("order_creditmemo.addComment");
    expect(v1ResourcePath("login")).toBeUndefined();
  });

  test("sendable() encodes what Node refuses and keeps deliberate mis-encodings", () => {
    expect(sendable("/a b/é?x=%ZZ")).toBe("/a%20b/%C3%A9?x=%ZZ");
  });
});

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}
