import { SoapRequestError } from "./envelope.js";
import { NS } from "./namespaces.js";
import { attribute, resolveQName } from "./xml/tree.js";
import type { QName, XmlElement } from "./xml/tree.js";
import { escapeText, xmlElement } from "./xml/writer.js";

/**
 * A value of SOAP section-5 encoding as PHP's SoapClient speaks it: PHP arrays with keys are SoapMaps. A map's keys
 * are PHP's key strings, "5" for PHP's integer key 5; JavaScript lists integer-like keys first, so only a map whose
 * keys are all non-numeric keeps PHP's key order.
 */
export type SoapValue = string | number | boolean | null | SoapValue[] | SoapMap;
export type SoapMap = { [key: string]: SoapValue };

/** The prefixes encodeEncoded writes, for renderEnvelope to declare. */
export const ENCODED_NAMESPACES: Readonly<Record<string, string>> = {
  xsd: NS.xsd,
  xsi: NS.xsi,
  "SOAP-ENC": NS.soapEncoding,
  ns2: NS.apacheSoap,
};

// Multi-refs let a small request stand for a huge value (each level referring twice to the next), so decoding counts
// every value it produces and bounds how deep references may lead.
const MAX_DECODED_VALUES = 100_000;
const MAX_DECODE_DEPTH = 128;

const INTEGER_TYPES = new Set([
  "int",
  "integer",
  "long",
  "short",
  "byte",
  "unsignedInt",
  "unsignedLong",
  "unsignedShort",
  "unsignedByte",
  "nonNegativeInteger",
  "nonPositiveInteger",
  "positiveInteger",
  "negativeInteger",
]);
const STRING_TYPES = new Set(["string", "normalizedString", "token", "anyURI"]);
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const DOUBLE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN)$/;

interface DecodeState {
  readonly scope: XmlElement;
  ids?: ReadonlyMap<string, XmlElement>;
  /** The ids of the values being decoded right now: an href to one of them is a cycle. */
  readonly resolving: Set<string>;
  decoded: number;
}

/**
 * Decodes one rpc/encoded value. `scope` is where `href="#id"` references are looked up: PHP writes the `id` on the
 * first occurrence of a shared value, which may sit in another part of the call, so dispatchers pass the SOAP Body.
 * Numbers: integers as JavaScript numbers while they are safe integers (beyond that the lexical string); xsd:decimal,
 * float and double as their lexical string, so that no float rounding reaches money code.
 */
export function decodeEncoded(element: XmlElement, scope: XmlElement = element): SoapValue {
  return decodeValue(element, { scope, resolving: new Set(), decoded: 0 }, element.local, undefined, 0);
}

function decodeValue(
  element: XmlElement,
  state: DecodeState,
  path: string,
  impliedType: QName | undefined,
  depth: number,
): SoapValue {
  state.decoded += 1;
  if (state.decoded > MAX_DECODED_VALUES) fail(path, `the value has more than ${MAX_DECODED_VALUES} parts`);
  if (depth > MAX_DECODE_DEPTH) fail(path, `values are nested deeper than ${MAX_DECODE_DEPTH} levels`);
  const href = attribute(element, "", "href");
  if (href !== undefined) return decodeReference(href, state, path, impliedType, depth);
  // A value with an id may be referred to from inside itself; while it is decoded, such an href is a cycle.
  const id = attribute(element, "", "id");
  if (id === undefined) return decodeContent(element, state, path, impliedType, depth);
  state.resolving.add(id);
  try {
    return decodeContent(element, state, path, impliedType, depth);
  } finally {
    state.resolving.delete(id);
  }
}

function decodeContent(
  element: XmlElement,
  state: DecodeState,
  path: string,
  impliedType: QName | undefined,
  depth: number,
): SoapValue {
  const nil = attribute(element, NS.xsi, "nil");
  if (nil === "true" || nil === "1") return null;
  const type = declaredType(element, path) ?? impliedType;
  if (type === undefined) {
    if (attribute(element, NS.soapEncoding, "arrayType") !== undefined) return decodeArray(element, state, path, depth);
    return element.children.length === 0 ? element.text : decodeStruct(element, state, path, depth);
  }
  if (type.ns === NS.xsd || type.ns === NS.soapEncoding) {
    if (type.ns === NS.soapEncoding && type.local === "Array") return decodeArray(element, state, path, depth);
    if (type.ns === NS.soapEncoding && type.local === "Struct") return decodeStruct(element, state, path, depth);
    if (type.ns === NS.xsd && (type.local === "anyType" || type.local === "ur-type")) {
      return element.children.length === 0 ? element.text : decodeStruct(element, state, path, depth);
    }
    return decodeSimple(element, type.local, path);
  }
  if (type.ns === NS.apacheSoap && type.local === "Map") return decodeMap(element, state, path, depth);
  // Any other type is a complex type of the caller's schema (ns1:salesOrderCreditmemoEntity): a struct, which has no
  // text of its own; text there means a simple type this decoder does not know, which must not vanish as {}.
  if (element.children.length === 0 && element.text.trim() !== "") {
    fail(path, `unsupported type {${type.ns}}${type.local}`);
  }
  return decodeStruct(element, state, path, depth);
}

function declaredType(element: XmlElement, path: string): QName | undefined {
  const value = attribute(element, NS.xsi, "type");
  if (value === undefined) return undefined;
  const type = resolveQName(element, value.trim());
  if (type === undefined) fail(path, `xsi:type "${value}" uses an undeclared prefix`);
  return type;
}

function decodeReference(
  href: string,
  state: DecodeState,
  path: string,
  impliedType: QName | undefined,
  depth: number,
): SoapValue {
  if (!href.startsWith("#")) fail(path, `href "${href}" does not point into the message`);
  const id = href.slice(1);
  state.ids ??= indexIds(state.scope, path);
  const target = state.ids.get(id);
  if (target === undefined) fail(path, `href "${href}" points to no element`);
  if (state.resolving.has(id)) fail(path, `href "${href}" points into its own value (a cycle)`);
  return decodeValue(target, state, path, impliedType, depth + 1);
}

function indexIds(scope: XmlElement, path: string): ReadonlyMap<string, XmlElement> {
  const ids = new Map<string, XmlElement>();
  const pending = [scope];
  for (let element = pending.pop(); element !== undefined; element = pending.pop()) {
    const id = attribute(element, "", "id");
    if (id !== undefined) {
      if (ids.has(id)) fail(path, `id "${id}" is used by more than one element`);
      ids.set(id, element);
    }
    pending.push(...element.children);
  }
  return ids;
}

function decodeSimple(element: XmlElement, type: string, path: string): SoapValue {
  if (element.children.length > 0) fail(path, `xsd:${type} value contains elements`);
  if (STRING_TYPES.has(type)) return element.text;
  // XML Schema collapses whitespace around every non-string simple value.
  const lexical = element.text.trim();
  if (INTEGER_TYPES.has(type)) {
    if (!INTEGER.test(lexical)) fail(path, `xsd:${type} value "${lexical}" is not an integer`);
    const number = Number(lexical);
    if (!Number.isSafeInteger(number)) return lexical;
    return number === 0 ? 0 : number;
  }
  if (type === "decimal") {
    if (!DECIMAL.test(lexical)) fail(path, `xsd:decimal value "${lexical}" is not a decimal number`);
    return lexical;
  }
  if (type === "double" || type === "float") {
    if (!DOUBLE.test(lexical)) fail(path, `xsd:${type} value "${lexical}" is not a number`);
    return lexical;
  }
  if (type === "boolean") {
    if (lexical === "true" || lexical === "1") return true;
    if (lexical === "false" || lexical === "0") return false;
    fail(path, `xsd:boolean value "${lexical}" is not true, false, 1 or 0`);
  }
  return fail(path, `unsupported type xsd:${type}`);
}

function decodeArray(element: XmlElement, state: DecodeState, path: string, depth: number): SoapValue[] {
  if (attribute(element, NS.soapEncoding, "offset") !== undefined) {
    fail(path, "partially transmitted arrays are not supported");
  }
  const itemType = arrayItemType(element, path);
  return element.children.map((item, index) => {
    const itemPath = `${path}/${item.local}[${index + 1}]`;
    if (attribute(item, NS.soapEncoding, "position") !== undefined) fail(itemPath, "sparse arrays are not supported");
    return decodeValue(item, state, itemPath, itemType, depth + 1);
  });
}

/** The type arrayType gives items that carry no xsi:type of their own ("xsd:int[2]" → xsd:int). */
function arrayItemType(element: XmlElement, path: string): QName | undefined {
  const arrayType = attribute(element, NS.soapEncoding, "arrayType")?.trim();
  if (arrayType === undefined) return undefined;
  const match = /^([^[\]]+)((?:\[[\d,]*\])+)$/.exec(arrayType);
  if (match === null) fail(path, `SOAP-ENC:arrayType "${arrayType}" is not a type and a size`);
  const [, typeName = "", dimensions = ""] = match;
  if (dimensions.includes(",")) fail(path, "multi-dimensional arrays are not supported");
  const type = resolveQName(element, typeName);
  if (type === undefined) fail(path, `SOAP-ENC:arrayType "${arrayType}" uses an undeclared prefix`);
  // "xsd:int[][2]" is a list of lists of ints.
  return dimensions.lastIndexOf("[") > 0 ? { ns: NS.soapEncoding, local: "Array" } : type;
}

function decodeMap(element: XmlElement, state: DecodeState, path: string, depth: number): SoapMap {
  const entries = new Map<string, SoapValue>();
  element.children.forEach((item, index) => {
    const itemPath = `${path}/${item.local}[${index + 1}]`;
    const keyElement = item.children.find((part) => part.local === "key");
    const valueElement = item.children.find((part) => part.local === "value");
    if (keyElement === undefined) fail(itemPath, "Map item has no <key>");
    if (valueElement === undefined) fail(itemPath, "Map item has no <value>");
    const key = decodeValue(keyElement, state, `${itemPath}/key`, undefined, depth + 1);
    if (typeof key !== "string" && typeof key !== "number") {
      fail(`${itemPath}/key`, "Map key is not a string or a number");
    }
    const name = String(key);
    if (entries.has(name)) fail(itemPath, `Map repeats the key "${name}"`);
    entries.set(name, decodeValue(valueElement, state, `${itemPath}/value`, undefined, depth + 1));
  });
  // fromEntries defines own properties, so a key such as "__proto__" stays data.
  return Object.fromEntries(entries);
}

/** A struct's members by local name; a name that repeats collects its values into a list. */
function decodeStruct(element: XmlElement, state: DecodeState, path: string, depth: number): SoapMap {
  const members = new Map<string, SoapValue[]>();
  for (const member of element.children) {
    const value = decodeValue(member, state, `${path}/${member.local}`, undefined, depth + 1);
    const values = members.get(member.local);
    if (values === undefined) members.set(member.local, [value]);
    else values.push(value);
  }
  const entries = [...members].map(([name, values]): [string, SoapValue] => {
    const [first] = values;
    return [name, values.length === 1 && first !== undefined ? first : values];
  });
  return Object.fromEntries(entries);
}

function fail(path: string, problem: string): never {
  throw new SoapRequestError(`<${path}>: ${problem}`);
}

/** One element holding `value`, typed the way PHP's SoapClient decodes Magento V1 results into PHP values. */
export function encodeEncoded(name: string, value: SoapValue): string {
  if (value === null) return xmlElement(name, { "xsi:nil": "true" });
  if (Array.isArray(value)) return encodeArray(name, value);
  if (typeof value === "object") return encodeMap(name, value);
  return xmlElement(name, { "xsi:type": xsiType(value) }, escapeText(lexical(value)));
}

function encodeArray(name: string, items: readonly SoapValue[]): string {
  const types = new Set(items.map((item) => (item === null ? undefined : xsiType(item))));
  // One type shared by every item names the array's type (ns2:Map[2], xsd:string[3]); otherwise it is untyped.
  const [shared] = types;
  const itemType = types.size === 1 && shared !== undefined ? shared : "xsd:ur-type";
  return xmlElement(
    name,
    { "xsi:type": "SOAP-ENC:Array", "SOAP-ENC:arrayType": `${itemType}[${items.length}]` },
    items.map((item) => encodeEncoded("item", item)).join(""),
  );
}

function encodeMap(name: string, map: SoapMap): string {
  const prototype: unknown = Object.getPrototypeOf(map);
  if (prototype !== Object.prototype && prototype !== null) throw new Error("a SOAP map must be a plain object");
  if (isEmptyMap(map)) return encodeArray(name, []);
  const items = Object.entries(map).map(
    ([key, value]) => `<item>${encodeEncoded("key", key)}${encodeEncoded("value", value)}</item>`,
  );
  return xmlElement(name, { "xsi:type": "ns2:Map" }, items.join(""));
}

function xsiType(value: Exclude<SoapValue, null>): string {
  if (Array.isArray(value)) return "SOAP-ENC:Array";
  switch (typeof value) {
    case "string":
      return "xsd:string";
    case "boolean":
      return "xsd:boolean";
    case "number":
      return Number.isSafeInteger(value) ? "xsd:int" : "xsd:double";
    default:
      return isEmptyMap(value) ? "SOAP-ENC:Array" : "ns2:Map";
  }
}

/**
 * PHP decodes a Map without items as NULL (php_encoding.c, to_zval_map) and writes its own empty array as an empty
 * SOAP-ENC:Array; an empty map goes the same way, which PHP reads as array().
 */
function isEmptyMap(map: SoapMap): boolean {
  return Object.keys(map).length === 0;
}

function lexical(value: string | number | boolean): string {
  if (typeof value !== "number") return String(value);
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "INF";
  if (value === -Infinity) return "-INF";
  // String(-0) is already "0"; JavaScript's exponent form ("1e+21") is valid xsd:double.
  return String(value);
}
