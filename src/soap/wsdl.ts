import {
  COMPLEX_TYPES,
  OPERATIONS,
  isScalar,
  resultType,
  type ComplexType,
  type ElementSpec,
  type OperationSpec,
  type TypeRef,
} from "./contract.js";
import { NS } from "./namespaces.js";
import { escapeAttribute, escapeText } from "./xml/writer.js";

/**
 * The WSDLs of Tally's three Magento SOAP dialects, named as Magento 1.9 names them (handler classes in the port,
 * binding and portType names), so that clients generated from Magento's own WSDLs keep working. V2 and WS-I are
 * rendered from src/soap/contract.ts; V1's generic operations are Mage_Api's wsdl.xml.
 */
export type WsdlDialect = "v1" | "v2" | "wsi";

const HANDLERS: Readonly<Record<WsdlDialect, string>> = {
  v1: "Mage_Api_Model_Server_Handler",
  v2: "Mage_Api_Model_Server_V2_Handler",
  wsi: "Mage_Api_Model_Server_Wsi_Handler",
};

const ENCODED_BODY = `<soap:body namespace="${NS.magento}" use="encoded" encodingStyle="${NS.soapEncoding}"/>`;
const HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http";

interface Part {
  readonly name: string;
  readonly type: string;
}

interface RpcOperation {
  readonly name: string;
  readonly documentation: string;
  readonly input: readonly Part[];
  readonly output: readonly Part[];
}

/** Mage_Api's V1 operations, parts in its order (resourceFaults takes the resource name first). */
const V1_OPERATIONS: readonly RpcOperation[] = [
  v1("call", "Call api functionality", ["sessionId", "resourcePath", ["args", "xsd:anyType"]], "xsd:anyType"),
  v1(
    "multiCall",
    "Multiple calls of resource functionality",
    ["sessionId", ["calls", "soapenc:Array"], ["options", "xsd:anyType"]],
    "soapenc:Array",
  ),
  v1("endSession", "End web service session", ["sessionId"], "xsd:boolean"),
  v1("login", "Login user and retrieve session id", ["username", "apiKey"], "xsd:string"),
  v1("startSession", "Start web service session", [], "xsd:string"),
  v1("resources", "List of available resources", ["sessionId"], "soapenc:Array"),
  v1("globalFaults", "List of global faults", ["sessionId"], "soapenc:Array"),
  v1("resourceFaults", "List of resource faults", ["resourceName", "sessionId"], "soapenc:Array"),
];

/** A V1 operation: parts are strings unless typed, the single output part is `<name>Return`. */
function v1(name: string, documentation: string, input: (string | [string, string])[], output: string): RpcOperation {
  return {
    name,
    documentation,
    input: input.map((part) => (typeof part === "string" ? { name: part, type: "xsd:string" } : { name: part[0], type: part[1] })),
    output: [{ name: `${name}Return`, type: output }],
  };
}

const qualified = (type: TypeRef): string => (isScalar(type) ? type : `typens:${type}`);

const v2Operation = (spec: OperationSpec): RpcOperation => ({
  name: spec.name,
  documentation: spec.documentation,
  input: spec.params.map((param) => ({ name: param.name, type: qualified(param.type) })),
  output: [{ name: spec.v2ResultPart, type: qualified(resultType("v2", spec)) }],
});

// The address is the only part that varies (it follows the request's host), so each dialect is rendered once and
// the address spliced in: a cache keyed by address would grow with every Host header a client cares to send.
const ADDRESS = "\u0000address\u0000";
const rendered = new Map<WsdlDialect, readonly [string, string]>();

/** The WSDL of a dialect, its port at `address` (where PHP's SoapClient posts, whatever URL it read the WSDL from). */
export function renderWsdl(dialect: WsdlDialect, address: string): string {
  let halves = rendered.get(dialect);
  if (halves === undefined) {
    const [before = "", after = ""] = render(dialect).split(ADDRESS);
    halves = [before, after];
    rendered.set(dialect, halves);
  }
  return halves[0] + escapeAttribute(address) + halves[1];
}

function render(dialect: WsdlDialect): string {
  switch (dialect) {
    case "v1":
      return rpcDefinitions(HANDLERS.v1, "", V1_OPERATIONS);
    case "v2":
      return rpcDefinitions(HANDLERS.v2, v2Schema(), OPERATIONS.map(v2Operation));
    case "wsi":
      return wsiDefinitions();
  }
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const namespaceDeclarations = (extra: string): string =>
  `xmlns:typens="${NS.magento}" xmlns:xsd="${NS.xsd}" xmlns:soap="${NS.wsdlSoap}" xmlns:soapenc="${NS.soapEncoding}" ` +
  `xmlns:wsdl="${NS.wsdl}"${extra} name="Magento" targetNamespace="${NS.magento}"`;

const documentation = (text: string): string => `<documentation>${escapeText(text)}</documentation>`;

/** rpc/encoded (V1, V2): one message per direction, parts typed; every operation shares the handler's soapAction. */
function rpcDefinitions(handler: string, types: string, operations: readonly RpcOperation[]): string {
  const messages = operations.map(
    (operation) =>
      message(`${operation.name}Request`, operation.input) + message(`${operation.name}Response`, operation.output),
  );
  const portOperations = operations.map(
    (operation) =>
      `<operation name="${operation.name}">${documentation(operation.documentation)}` +
      `<input message="typens:${operation.name}Request"/><output message="typens:${operation.name}Response"/></operation>`,
  );
  const bindingOperations = operations.map(
    (operation) =>
      `<operation name="${operation.name}"><soap:operation soapAction="urn:${handler}Action"/>` +
      `<input>${ENCODED_BODY}</input><output>${ENCODED_BODY}</output></operation>`,
  );
  return (
    DECLARATION +
    `<definitions ${namespaceDeclarations(` xmlns="${NS.wsdl}"`)}>` +
    types +
    messages.join("") +
    `<portType name="${handler}PortType">${portOperations.join("")}</portType>` +
    `<binding name="${handler}Binding" type="typens:${handler}PortType">` +
    `<soap:binding style="rpc" transport="${HTTP_TRANSPORT}"/>${bindingOperations.join("")}</binding>` +
    service(handler, "") +
    "</definitions>\n"
  );
}

function message(name: string, parts: readonly Part[]): string {
  return `<message name="${name}">${parts.map((part) => `<part name="${part.name}" type="${part.type}"/>`).join("")}</message>`;
}

function service(handler: string, prefix: string): string {
  return (
    `<${prefix}service name="MagentoService"><${prefix}port name="${handler}Port" binding="typens:${handler}Binding">` +
    `<soap:address location="${ADDRESS}"/></${prefix}port></${prefix}service>`
  );
}

const minOccurs = (element: ElementSpec): string => (element.optional ? ' minOccurs="0"' : "");

const field = (element: ElementSpec, occurs: string): string =>
  `<xsd:element name="${element.name}" type="${qualified(element.type)}"${occurs}/>`;

/**
 * V2's schema: structs as `all` (rpc/encoded members come in any order) and lists as SOAP-encoded arrays. The
 * encoding schema is imported by namespace only: PHP resolves soapenc:Array itself, and a schemaLocation would make
 * it fetch the schema from the network, which fails offline and fails the whole WSDL.
 */
function v2Schema(): string {
  const types = Object.entries(COMPLEX_TYPES).map(([name, type]) => `<xsd:complexType name="${name}">${v2Content(type)}</xsd:complexType>`);
  return (
    `<types><xsd:schema targetNamespace="${NS.magento}">` +
    `<xsd:import namespace="${NS.soapEncoding}"/>` +
    `${types.join("")}</xsd:schema></types>`
  );
}

function v2Content(type: ComplexType): string {
  if (type.kind === "struct") return `<xsd:all>${type.fields.map((element) => field(element, minOccurs(element))).join("")}</xsd:all>`;
  return (
    '<xsd:complexContent><xsd:restriction base="soapenc:Array">' +
    `<xsd:attribute ref="soapenc:arrayType" wsdl:arrayType="typens:${type.item}[]"/>` +
    "</xsd:restriction></xsd:complexContent>"
  );
}

/** WS-I: document/literal wrapped, one request and one response element per operation, lists as complexObjectArray. */
function wsiDefinitions(): string {
  const handler = HANDLERS.wsi;
  const types = Object.entries(COMPLEX_TYPES).map(
    ([name, type]) => `<xsd:complexType name="${name}"><xsd:sequence>${wsiContent(type)}</xsd:sequence></xsd:complexType>`,
  );
  const elements = OPERATIONS.map(
    (spec) =>
      wrapper(spec.wsiRequestElement, spec.params) +
      wrapper(`${spec.name}ResponseParam`, [{ name: "result", type: resultType("wsi", spec), optional: false }]),
  );
  const messages = OPERATIONS.map(
    (spec) =>
      `<wsdl:message name="${spec.name}Request"><wsdl:part name="parameters" element="typens:${spec.wsiRequestElement}"/></wsdl:message>` +
      `<wsdl:message name="${spec.name}Response"><wsdl:part name="parameters" element="typens:${spec.name}ResponseParam"/></wsdl:message>`,
  );
  const portOperations = OPERATIONS.map(
    (spec) =>
      `<wsdl:operation name="${spec.name}"><wsdl:documentation>${escapeText(spec.documentation)}</wsdl:documentation>` +
      `<wsdl:input message="typens:${spec.name}Request"/><wsdl:output message="typens:${spec.name}Response"/></wsdl:operation>`,
  );
  const literal = '<soap:body use="literal"/>';
  const bindingOperations = OPERATIONS.map(
    (spec) =>
      `<wsdl:operation name="${spec.name}"><soap:operation soapAction=""/>` +
      `<wsdl:input>${literal}</wsdl:input><wsdl:output>${literal}</wsdl:output></wsdl:operation>`,
  );
  return (
    DECLARATION +
    `<wsdl:definitions ${namespaceDeclarations("")}>` +
    `<wsdl:types><xsd:schema targetNamespace="${NS.magento}">${types.join("")}${elements.join("")}</xsd:schema></wsdl:types>` +
    messages.join("") +
    `<wsdl:portType name="${handler}PortType">${portOperations.join("")}</wsdl:portType>` +
    `<wsdl:binding name="${handler}Binding" type="typens:${handler}PortType">` +
    `<soap:binding style="document" transport="${HTTP_TRANSPORT}"/>${bindingOperations.join("")}</wsdl:binding>` +
    service(handler, "wsdl:") +
    "</wsdl:definitions>\n"
  );
}

function wsiContent(type: ComplexType): string {
  if (type.kind === "struct") return type.fields.map((element) => field(element, minOccurs(element))).join("");
  return `<xsd:element minOccurs="0" maxOccurs="unbounded" name="complexObjectArray" type="typens:${type.item}"/>`;
}

/** A wrapper element: its fields say minOccurs and maxOccurs outright, as Magento's wsi.xml does. */
function wrapper(name: string, fields: readonly ElementSpec[]): string {
  const members = fields.map((element) => field(element, ` minOccurs="${element.optional ? 0 : 1}" maxOccurs="1"`));
  return `<xsd:element name="${name}"><xsd:complexType><xsd:sequence>${members.join("")}</xsd:sequence></xsd:complexType></xsd:element>`;
}
