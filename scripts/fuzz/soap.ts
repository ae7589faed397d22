import type { Random } from "./random.js";
import type { FuzzContext, FuzzRequest } from "./request.js";
import { EDGE_NUMBERS, HOSTILE_STRINGS, oversized } from "./values.js";

/**
 * Magento SOAP envelopes built from the WSDLs Tally serves: V2's rpc/encoded operations with their parts' types,
 * WS-I's document/literal ones (each operation's request element with its fields), and V1's `call` with the V2
 * operation's arguments as Magento's `resource.method`, each with valid, hostile or missing values, plus envelopes
 * broken at the XML and SOAP level.
 */

export interface WsdlPart {
  name: string;
  /** `xsd:string`, `typens:filters`, … as the WSDL writes it. */
  type: string;
}

export interface WsdlOperation {
  name: string;
  /** V1 and V2: the message's parts. WS-I: the fields of its request element, which is the message's one part. */
  parts: WsdlPart[];
  /** WS-I: the request element (`loginParam`, `salesOrderCreditmemoListRequestParam`, …). */
  element?: string;
}

export interface WsdlTypes {
  structs: Map<string, WsdlPart[]>;
  /** Array type → item type: SOAP-ENC arrays (V2), a sequence of `complexObjectArray` elements (WS-I). */
  arrays: Map<string, string>;
}

export interface ParsedWsdl {
  operations: WsdlOperation[];
  types: WsdlTypes;
}

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

const elementsOf = (content: string): WsdlPart[] =>
  [...content.matchAll(/<xsd:element\b[^>]*>/g)].map(([tag]) => ({ name: attribute(tag, "name") ?? "", type: attribute(tag, "type") ?? "xsd:string" }));

/** The operations (from their request messages) and complex types of an rpc/encoded or a document/literal WSDL. */
export function parseWsdl(wsdl: string): ParsedWsdl {
  const operations: WsdlOperation[] = [];
  for (const match of wsdl.matchAll(/<(?:wsdl:)?message name="(\w+)Request"\s*(?:\/>|>([\s\S]*?)<\/(?:wsdl:)?message>)/g)) {
    const name = match[1] as string;
    const tags = [...(match[2] ?? "").matchAll(/<(?:wsdl:)?part\b[^>]*>/g)].map(([tag]) => tag);
    const element = tags.length === 1 ? attribute(tags[0] as string, "element")?.replace(/^\w+:/, "") : undefined;
    if (element) {
      const content = new RegExp(`<xsd:element name="${element}"><xsd:complexType><xsd:sequence>([\\s\\S]*?)</xsd:sequence>`).exec(wsdl)?.[1] ?? "";
      operations.push({ name, parts: elementsOf(content), element });
      continue;
    }
    const parts = tags.map((tag) => ({ name: attribute(tag, "name") ?? "", type: attribute(tag, "type") ?? "xsd:string" }));
    operations.push({ name, parts });
  }
  const structs = new Map<string, WsdlPart[]>();
  const arrays = new Map<string, string>();
  for (const match of wsdl.matchAll(/<xsd:complexType name="(\w+)">([\s\S]*?)<\/xsd:complexType>/g)) {
    const [, name, content] = match as unknown as [string, string, string];
    const arrayType =
      /arrayType="typens:(\w+)\[\]"/.exec(content)?.[1] ?? /<xsd:element [^>]*maxOccurs="unbounded" name="complexObjectArray" type="typens:(\w+)"/.exec(content)?.[1];
    if (arrayType) {
      arrays.set(name, arrayType);
      continue;
    }
    structs.set(name, elementsOf(content));
  }
  return { operations, types: { structs, arrays } };
}

const escapeXml = (value: string) =>
  value.replace(/[&<>"]/g, (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[character] ?? character);

/** XML 1.0 cannot carry most control characters even escaped: they are dropped, as a client's encoder would. */
const xmlText = (value: string) => escapeXml([...value].filter(isXmlCharacter).join("").replace(/[\ud800-\udfff]/g, "\ufffd"));

function isXmlCharacter(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) && code !== 0xfffe && code !== 0xffff;
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:Magento" ' +
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns2="http://xml.apache.org/xml-soap" ' +
  'SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body>';
const ENVELOPE_CLOSE = "</SOAP-ENV:Body></SOAP-ENV:Envelope>\n";
// WS-I is literal: no encoding style, no types, xsi only for xsi:nil.
const LITERAL_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:Magento" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><SOAP-ENV:Body>';

type Dialect = "v1" | "v2" | "wsi";

/** The V1 `resource.method` of a V2 operation (`salesOrderCreditmemoAddComment` → `order_creditmemo.addComment`). */
export function v1ResourcePath(operation: string): string | undefined {
  const prefixes: [string, string][] = [
    ["enterpriseCustomerbalance", "storecredit"],
    ["salesOrderCreditmemo", "order_creditmemo"],
  ];
  for (const [prefix, resource] of prefixes) {
    if (operation.startsWith(prefix) && operation.length > prefix.length) {
      const method = operation.slice(prefix.length);
      return `${resource}.${method[0]?.toLowerCase()}${method.slice(1)}`;
    }
  }
  return undefined;
}

export class SoapGenerator {
  private readonly v2: ParsedWsdl;
  private readonly v1: ParsedWsdl;
  private readonly wsi: ParsedWsdl;

  constructor(
    wsdls: { v1: string; v2: string; wsi: string },
    private readonly context: FuzzContext,
  ) {
    this.v1 = parseWsdl(wsdls.v1);
    this.v2 = parseWsdl(wsdls.v2);
    this.wsi = parseWsdl(wsdls.wsi);
  }

  /** The operations each dialect's WSDL names. */
  operationNames(): Record<Dialect, string[]> {
    const names = ({ operations }: ParsedWsdl) => operations.map(({ name }) => name);
    return { v1: names(this.v1), v2: names(this.v2), wsi: names(this.wsi) };
  }

  request(random: Random): FuzzRequest {
    const dialect = random.weighted<Dialect>([
      [8, "v1"],
      [7, "v2"],
      [5, "wsi"],
    ]);
    const path = random.pick(dialect === "v1" ? ["/api/soap/index/", "/api/soap/", "/api/soap"] : ["/api/v2_soap/index/", "/api/v2_soap/"]);
    // One Tally serves V2 or WS-I at /api/v2_soap/ (MAGENTO_SOAP_WSI): WS-I requests go to the one started with it.
    const server = dialect === "wsi" ? { server: "wsi" as const } : {};
    const headers: Record<string, string | string[]> = {
      "content-type": random.weighted([
        [20, "text/xml; charset=utf-8"],
        [3, "application/soap+xml"],
        [2, "application/xml"],
        [1, "text/xml; charset=iso-8859-1"],
        [1, "application/json"],
        [1, "text/plain"],
        [1, "multipart/form-data; boundary=x"],
      ]),
      // PHP's SoapClient sends the binding's soapAction: Magento's handler's for V1 and V2, "" for WS-I.
      soapaction: dialect === "wsi" ? '""' : '"urn:Mage_Api_Model_Server_V2_HandlerAction"',
    };
    if (random.chance(0.03)) {
      const target = random.pick([`${path}?wsdl`, path, `${path}?wsdl=%ZZ`, `${path}?WSDL`]);
      return { face: "soap", operation: `SOAP ${dialect} GET`, method: "GET", path: target, headers: {}, ...server };
    }
    const call = dialect === "v1" ? () => this.v1Call(random) : dialect === "v2" ? () => this.v2Call(random) : () => this.wsiCall(random);
    const { operation, body } = random.chance(0.12) ? this.brokenEnvelope(random) : call();
    return { face: "soap", operation: `SOAP ${dialect} ${operation}`, method: "POST", path, headers, body: Buffer.from(body), ...server };
  }

  private session(random: Random, dialect: Dialect, ending = false): string {
    // endSession with the run's own session would end it for every later request.
    if (ending) return random.pick([random.string(32, "0123456789abcdef"), "", random.pick(HOSTILE_STRINGS)]);
    const { v1Session, v2Session, wsiSession } = this.context.soap;
    const [valid, foreign] = dialect === "v1" ? [v1Session, v2Session] : dialect === "v2" ? [v2Session, v1Session] : [wsiSession, v2Session];
    return random.weighted([
      [85, valid],
      [4, foreign],
      [4, random.string(32, "0123456789abcdef")],
      [3, random.pick(HOSTILE_STRINGS)],
      [2, ""],
      [2, oversized(random, 5_000)],
    ]);
  }

  /** A scalar's text: valid for its name where the demo data knows one, else an edge or hostile value. */
  private scalar(random: Random, name: string, type: string): string {
    const valid = this.context.known[name];
    if (valid && valid.length > 0 && random.chance(0.6)) return random.pick(valid);
    return random.weighted<() => string>([
      [3, () => String(random.int(1, 50))],
      [2, () => random.pick(HOSTILE_STRINGS)],
      [2, () => String(random.pick(EDGE_NUMBERS))],
      [1, () => (type === "xsd:boolean" ? random.pick(["true", "false", "1", "0", "yes"]) : random.string(random.int(0, 20)))],
      [1, () => oversized(random, random.int(1_000, 40_000))],
    ])();
  }

  /** One SOAP-encoded value of a WSDL type, at most `depth` levels deep. */
  private encode(random: Random, name: string, type: string, depth: number): string {
    const local = type.replace(/^\w+:/, "");
    const itemType = this.v2.types.arrays.get(local);
    if (itemType && depth < 4) {
      const count = random.int(0, 3);
      const declared = random.chance(0.9) ? count : random.int(-1, 1_000_000);
      const items = Array.from({ length: count }, () => this.encode(random, "item", `typens:${itemType}`, depth + 1)).join("");
      return `<${name} SOAP-ENC:arrayType="ns1:${itemType}[${declared}]" xsi:type="ns1:${local}">${items}</${name}>`;
    }
    const fields = this.v2.types.structs.get(local);
    if (fields && depth < 4) {
      const inner = fields
        .filter(() => random.chance(0.7))
        .map((field) => this.encode(random, field.name, field.type, depth + 1))
        .join("");
      return `<${name} xsi:type="ns1:${local}">${inner}</${name}>`;
    }
    const xsiType = random.chance(0.9) ? type.replace(/^typens:/, "ns1:") : random.pick(["xsd:int", "xsd:string", "SOAP-ENC:Array", "ns2:Map", "xsd:nonsense"]);
    return `<${name} xsi:type="${xsiType}">${xmlText(this.scalar(random, name, type))}</${name}>`;
  }

  private v2Call(random: Random): { operation: string; body: string } {
    const operation = random.pick(this.v2.operations);
    const parts = operation.parts
      .filter((part) => part.name === "sessionId" || random.chance(0.93))
      .map((part) => {
        if (part.name === "sessionId") return `<sessionId xsi:type="xsd:string">${xmlText(this.session(random, "v2", operation.name === "endSession"))}</sessionId>`;
        if (operation.name === "login") return this.loginPart(random, part.name);
        return this.encode(random, part.name, part.type, 0);
      });
    if (random.chance(0.05)) parts.push(parts[parts.length - 1] ?? "<extra/>");
    if (random.chance(0.05)) parts.reverse();
    return { operation: operation.name, body: `${ENVELOPE_OPEN}<ns1:${operation.name}>${parts.join("")}</ns1:${operation.name}>${ENVELOPE_CLOSE}` };
  }

  private loginPart(random: Random, name: string, literal = false): string {
    const { username, apiKey } = this.context.soap;
    // A wrong key counts as a failed sign-in (30 a minute per address): most logins are the real user's.
    const value = random.chance(0.97) ? (name === "username" ? username : apiKey) : random.chance(0.5) ? random.pick(HOSTILE_STRINGS) : `fuzz-${random.string(8)}`;
    return literal ? `<${name}>${xmlText(value)}</${name}>` : `<${name} xsi:type="xsd:string">${xmlText(value)}</${name}>`;
  }

  /**
   * A WS-I call: the operation's request element holding its fields in the WSDL's order, some left out, repeated or
   * reordered, now and then under another operation's element name (V2's, or one that does not exist).
   */
  private wsiCall(random: Random): { operation: string; body: string } {
    const operation = random.pick(this.wsi.operations);
    const element = random.chance(0.97) ? (operation.element ?? operation.name) : random.pick([operation.name, `${operation.name}Request`, "frobnicateRequestParam"]);
    const fields = operation.parts
      .filter((part) => part.name === "sessionId" || random.chance(0.93))
      .map((part) => {
        if (part.name === "sessionId") return `<sessionId>${xmlText(this.session(random, "wsi", operation.name === "endSession"))}</sessionId>`;
        if (operation.name === "login") return this.loginPart(random, part.name, true);
        return this.literal(random, part.name, part.type, 0);
      });
    if (random.chance(0.05)) fields.push(fields[fields.length - 1] ?? "<extra/>");
    if (random.chance(0.05)) fields.reverse();
    return { operation: operation.name, body: `${LITERAL_OPEN}<ns1:${element}>${fields.join("")}</ns1:${element}>${ENVELOPE_CLOSE}` };
  }

  /** One literal value of a WS-I type: lists as `complexObjectArray` children (now and then V2's `item`), no xsi:type. */
  private literal(random: Random, name: string, type: string, depth: number): string {
    const local = type.replace(/^\w+:/, "");
    const itemType = this.wsi.types.arrays.get(local);
    if (itemType && depth < 4) {
      const child = random.chance(0.9) ? "complexObjectArray" : "item";
      const items = Array.from({ length: random.int(0, 3) }, () => this.literal(random, child, `typens:${itemType}`, depth + 1));
      return `<${name}>${items.join("")}</${name}>`;
    }
    const fields = this.wsi.types.structs.get(local);
    if (fields && depth < 4) {
      const inner = fields.filter(() => random.chance(0.7)).map((field) => this.literal(random, field.name, field.type, depth + 1));
      if (random.chance(0.05)) inner.reverse();
      return `<${name}>${inner.join("")}</${name}>`;
    }
    if (random.chance(0.03)) return `<${name} xsi:nil="true"/>`;
    return `<${name}>${xmlText(this.scalar(random, name, type))}</${name}>`;
  }

  /** V1's `call`, `multiCall` and the generic operations, with the V2 operation's arguments as an indexed or named array. */
  private v1Call(random: Random): { operation: string; body: string } {
    const generic = random.pick(this.v1.operations);
    const session = `<sessionId xsi:type="xsd:string">${xmlText(this.session(random, "v1", generic.name === "endSession"))}</sessionId>`;
    if (generic.name === "login") {
      return { operation: "login", body: `${ENVELOPE_OPEN}<ns1:login>${this.loginPart(random, "username")}${this.loginPart(random, "apiKey")}</ns1:login>${ENVELOPE_CLOSE}` };
    }
    if (generic.name !== "call" && generic.name !== "multiCall") {
      const parts = generic.parts.map((part) => (part.name === "sessionId" ? session : `<${part.name} xsi:type="xsd:string">${xmlText(random.pick(["storecredit", "order_creditmemo", "sales_order_creditmemo", ...HOSTILE_STRINGS]))}</${part.name}>`));
      return { operation: generic.name, body: `${ENVELOPE_OPEN}<ns1:${generic.name}>${parts.join("")}</ns1:${generic.name}>${ENVELOPE_CLOSE}` };
    }
    const call = () => {
      const target = random.pick(this.v2.operations.filter((operation) => v1ResourcePath(operation.name)));
      const resourcePath = random.chance(0.9) ? (v1ResourcePath(target.name) as string) : random.pick(["storecredit.nothing", "order_creditmemo", ".", "", ...HOSTILE_STRINGS]);
      const args = target.parts.filter((part) => part.name !== "sessionId");
      const named = random.chance(0.4);
      const items = args
        .filter(() => random.chance(0.9))
        .map((part) => {
          const value = this.encode(random, named ? "value" : "item", part.type, 1);
          return named ? `<item><key xsi:type="xsd:string">${part.name}</key>${value}</item>` : value;
        });
      const argsXml = named
        ? `<args xsi:type="ns2:Map">${items.join("")}</args>`
        : random.chance(0.2) && items.length === 1
          ? (items[0] as string).replace(/^<item/, "<args").replace(/<\/item>$/, "</args>")
          : `<args SOAP-ENC:arrayType="xsd:anyType[${items.length}]" xsi:type="SOAP-ENC:Array">${items.join("")}</args>`;
      return { resourcePath, argsXml };
    };
    if (generic.name === "call") {
      const { resourcePath, argsXml } = call();
      return { operation: `call ${resourcePath}`, body: `${ENVELOPE_OPEN}<ns1:call>${session}<resourcePath xsi:type="xsd:string">${xmlText(resourcePath)}</resourcePath>${argsXml}</ns1:call>${ENVELOPE_CLOSE}` };
    }
    const calls = Array.from({ length: random.int(0, 4) }, () => {
      const { resourcePath, argsXml } = call();
      return `<item SOAP-ENC:arrayType="xsd:anyType[2]" xsi:type="SOAP-ENC:Array"><item xsi:type="xsd:string">${xmlText(resourcePath)}</item>${argsXml.replace(/^<args/, "<item").replace(/<\/args>$/, "</item>")}</item>`;
    });
    const options = random.chance(0.3) ? `<options xsi:type="ns2:Map"><item><key xsi:type="xsd:string">break</key><value xsi:type="xsd:boolean">${random.pick(["true", "false"])}</value></item></options>` : "";
    return {
      operation: "multiCall",
      body: `${ENVELOPE_OPEN}<ns1:multiCall>${session}<calls SOAP-ENC:arrayType="SOAP-ENC:Array[${calls.length}]" xsi:type="SOAP-ENC:Array">${calls.join("")}</calls>${options}</ns1:multiCall>${ENVELOPE_CLOSE}`,
    };
  }

  /** Envelopes broken below the operation: not XML, not SOAP 1.1, DTDs, deep nesting, truncation, wrong namespaces. */
  private brokenEnvelope(random: Random): { operation: string; body: string } {
    const login = `<ns1:login><username>${this.context.soap.username}</username><apiKey>x</apiKey></ns1:login>`;
    const valid = `${ENVELOPE_OPEN}${login}${ENVELOPE_CLOSE}`;
    const body = random.pick<() => string>([
      () => valid.slice(0, random.int(0, valid.length - 1)),
      () => "",
      () => "not xml at all",
      () => JSON.stringify({ method: "login" }),
      () => `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${"a".repeat(100)}">]>${valid.replace(/^<\?xml[^>]*>/, "")}`,
      () => `<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>`,
      () => `${ENVELOPE_OPEN}${"<a>".repeat(random.int(50, 5000))}${ENVELOPE_CLOSE}`,
      () => `${ENVELOPE_OPEN}<ns1:login>${"<username>".repeat(200)}</ns1:login>${ENVELOPE_CLOSE}`,
      () => `${ENVELOPE_OPEN}${ENVELOPE_CLOSE}`,
      () => valid.replace("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"),
      () => valid.replace('xmlns:ns1="urn:Magento"', 'xmlns:ns1="urn:Other"'),
      () => valid.replace("<ns1:login>", "<ns1:frobnicate>").replace("</ns1:login>", "</ns1:frobnicate>"),
      () => valid.replace("SOAP-ENV:Body>", "SOAP-ENV:Header/><SOAP-ENV:Body>"),
      () => valid.replace("x</apiKey>", "&undefined;</apiKey>"),
      () => valid.replace("x</apiKey>", "&#0;&#xD800;&#x110000;</apiKey>"),
      () => valid.replace("x</apiKey>", "<![CDATA[x]]></apiKey>"),
      () => `${valid}<trailing/>`,
      () => `\ufeff${valid}`,
      () => valid.replace('encoding="UTF-8"', 'encoding="UTF-16"'),
      () => valid.replace("x</apiKey>", `${"\u00ff".repeat(3)}</apiKey>`),
      () => `${ENVELOPE_OPEN}<ns1:login xmlns:ns1="urn:Magento"><username a="1" a="2">x</username></ns1:login>${ENVELOPE_CLOSE}`,
      () => `${ENVELOPE_OPEN}<ns1:login><username xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="xsd:string[99999999999]"/></ns1:login>${ENVELOPE_CLOSE}`,
      () => `${ENVELOPE_OPEN}<ns1:call><sessionId href="#id1"/><resourcePath id="id1">storecredit.balance</resourcePath></ns1:call>${ENVELOPE_CLOSE}`,
      () => `${ENVELOPE_OPEN}<ns1:call><sessionId href="#loop"/><args id="loop"><item href="#loop"/></args></ns1:call>${ENVELOPE_CLOSE}`,
      () => `${ENVELOPE_OPEN}${login}${"<!-- c -->".repeat(1000)}${ENVELOPE_CLOSE}`,
    ])();
    return { operation: "broken envelope", body };
  }
}
