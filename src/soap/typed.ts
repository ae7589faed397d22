import {
  COMPLEX_TYPES,
  findOperation,
  isScalar,
  resultType,
  type ArrayType,
  type ElementSpec,
  type OperationSpec,
  type ScalarType,
  type StructType,
  type TypeRef,
} from "./contract.js";
import { NS } from "./namespaces.js";
import { attribute, type XmlElement } from "./xml/tree.js";
import { escapeText, xmlElement } from "./xml/writer.js";

/**
 * The typed codec of V2 (rpc/encoded) and WS-I (document/literal): request parameters read, and results written,
 * by the types src/soap/contract.ts declares, which is what PHP's SoapClient reads from the WSDL.
 */
export type TypedDialect = "v2" | "wsi";

/** A decoded parameter: xsd:double stays its lexical string (money never passes through a float). */
export type TypedValue = string | number | boolean | undefined | TypedValue[] | { [name: string]: TypedValue };

const DIALECT_NAMES: Readonly<Record<TypedDialect, string>> = { v2: "SOAP V2", wsi: "SOAP V2 (WS-I)" };

export class UnknownOperationError extends Error {
  override readonly name = "UnknownOperationError";
  constructor(
    readonly operation: string,
    readonly dialect: TypedDialect,
  ) {
    super(`${DIALECT_NAMES[dialect]} has no operation "${operation}"`);
  }
}

/** A parameter whose XML does not have its declared shape; `path` names it (`creditmemoData.qtys[1].qty`). */
export class TypedArgError extends Error {
  override readonly name = "TypedArgError";
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

const INTEGER = /^[+-]?\d+$/;

function operation(dialect: TypedDialect, name: string): OperationSpec {
  const spec = findOperation(name);
  if (spec === undefined) throw new UnknownOperationError(name, dialect);
  return spec;
}

// ---- requests ---------------------------------------------------------------------------------------------------

interface DecodeContext {
  readonly dialect: TypedDialect;
  readonly scope: XmlElement;
  ids?: ReadonlyMap<string, XmlElement>;
  /** What each referenced element decoded to, per type: a value referenced a thousand times is decoded once. */
  readonly referencedValues: Map<XmlElement, Map<TypeRef, TypedValue>>;
}

/**
 * The named parameters of a call. `element` is the operation element (V2) or the request wrapper (WS-I); its
 * children are the parameters, unqualified. Missing and xsi:nil parameters are left out. `scope` is where V2's
 * `href="#id"` references are looked up: PHP writes the `id` on the first occurrence of an object passed twice,
 * so dispatchers pass the SOAP Body. References cannot loop (every step descends the contract's types, which are
 * not recursive, and a referenced element's own href is not followed), and decoding stays linear in the request's
 * size however often an element is referenced.
 */
export function decodeTypedArgs(
  dialect: TypedDialect,
  operationName: string,
  element: XmlElement,
  scope: XmlElement = element,
): Record<string, TypedValue> {
  const spec = operation(dialect, operationName);
  return decodeFields(element, spec.params, "", { dialect, scope, referencedValues: new Map() });
}

/** The declared members of an element, by local name; members it does not declare are ignored, as PHP's SoapServer does. */
function decodeFields(
  element: XmlElement,
  fields: readonly ElementSpec[],
  path: string,
  context: DecodeContext,
): Record<string, TypedValue> {
  const members = new Map<string, XmlElement[]>();
  for (const child of element.children) {
    const named = members.get(child.local);
    if (named === undefined) members.set(child.local, [child]);
    else named.push(child);
  }
  const decoded: Record<string, TypedValue> = {};
  for (const field of fields) {
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    const [member, ...again] = members.get(field.name) ?? [];
    if (again.length > 0) throw new TypedArgError(fieldPath, "is given more than once");
    const value = member === undefined ? undefined : decodeValue(member, field.type, fieldPath, context);
    if (value !== undefined) decoded[field.name] = value;
  }
  return decoded;
}

function decodeValue(element: XmlElement, type: TypeRef, path: string, context: DecodeContext): TypedValue {
  const href = context.dialect === "v2" ? attribute(element, "", "href") : undefined;
  return href === undefined ? decodeElement(element, type, path, context) : decodeReference(href, type, path, context);
}

function decodeReference(href: string, type: TypeRef, path: string, context: DecodeContext): TypedValue {
  context.ids ??= indexIds(context.scope);
  const target = href.startsWith("#") ? context.ids.get(href.slice(1)) : undefined;
  if (target === undefined) throw new TypedArgError(path, `href "${href}" points to no element of the message`);
  let byType = context.referencedValues.get(target);
  if (byType === undefined) context.referencedValues.set(target, (byType = new Map()));
  if (!byType.has(type)) byType.set(type, decodeElement(target, type, path, context));
  return byType.get(type);
}

function indexIds(scope: XmlElement): ReadonlyMap<string, XmlElement> {
  const ids = new Map<string, XmlElement>();
  const pending = [scope];
  for (let element = pending.pop(); element !== undefined; element = pending.pop()) {
    const id = attribute(element, "", "id");
    if (id !== undefined && !ids.has(id)) ids.set(id, element);
    pending.push(...element.children);
  }
  return ids;
}

function decodeElement(element: XmlElement, type: TypeRef, path: string, context: DecodeContext): TypedValue {
  const nil = attribute(element, NS.xsi, "nil");
  if (nil === "true" || nil === "1") return undefined;
  if (isScalar(type)) return decodeScalar(element, type, path);
  const complex = COMPLEX_TYPES[type];
  if (element.children.length === 0 && element.text.trim() !== "") {
    throw new TypedArgError(path, `expected ${type}, got text`);
  }
  return complex.kind === "struct" ? decodeFields(element, complex.fields, path, context) : decodeArray(element, complex, path, context);
}

/** Integers become numbers while they are safe; anything else is kept as written, for the operation to refuse. */
function decodeScalar(element: XmlElement, type: ScalarType, path: string): TypedValue {
  if (element.children.length > 0) throw new TypedArgError(path, `expected ${type}, got elements`);
  if (type === "xsd:string") return element.text;
  // XML Schema collapses the whitespace around every other simple value.
  const lexical = element.text.trim();
  switch (type) {
    case "xsd:int": {
      const number = Number(lexical);
      // "-0" is 0.
      return INTEGER.test(lexical) && Number.isSafeInteger(number) ? (number === 0 ? 0 : number) : lexical;
    }
    case "xsd:double":
      return lexical;
    case "xsd:boolean":
      if (lexical === "true" || lexical === "1") return true;
      if (lexical === "false" || lexical === "0") return false;
      throw new TypedArgError(path, `expected xsd:boolean, got "${lexical}"`);
  }
}

/** V2: every child of a SOAP-ENC array is an item, whatever its name; WS-I: the `complexObjectArray` children. */
function decodeArray(element: XmlElement, type: ArrayType, path: string, context: DecodeContext): TypedValue {
  const items = context.dialect === "v2" ? element.children : element.children.filter((child) => child.local === "complexObjectArray");
  return items.map((item, index) => decodeValue(item, type.item, `${path}[${index}]`, context));
}

// ---- results ----------------------------------------------------------------------------------------------------

export interface TypedResult {
  /** The element that goes inside the SOAP Body. */
  readonly body: string;
  /** The prefixes `body` uses, for the envelope to declare. */
  readonly namespaces: Readonly<Record<string, string>>;
}

const V2_NAMESPACES = { ns1: NS.magento, xsd: NS.xsd, xsi: NS.xsi, "SOAP-ENC": NS.soapEncoding };
const WSI_NAMESPACES = { ns1: NS.magento };

/**
 * The Body content answering an operation: `<ns1:XResponse>` holding the result part for V2, `<ns1:XResponseParam>`
 * holding `<result>` for WS-I. Struct fields are written in the WSDL's order; null and undefined ones are left out
 * (PHP drops them anyway), as are properties the type does not declare. V2 types every element with xsi:type, which
 * PHP needs to decode structs and arrays; WS-I is literal. A value that does not fit the declared type is a bug of
 * the caller and throws.
 */
export function encodeTypedResult(dialect: TypedDialect, operationName: string, value: unknown): TypedResult {
  const spec = operation(dialect, operationName);
  const type = resultType(dialect, spec);
  const missing = value === null || value === undefined;
  if (dialect === "v2") {
    // As PHP's SoapServer answers a null return; WS-I's schema has no nillable result, so there it is left out.
    const part = spec.v2ResultPart;
    const result = missing ? xmlElement(part, { "xsi:nil": "true" }) : encodeV2(part, type, value, part);
    return { body: xmlElement(`ns1:${spec.name}Response`, {}, result), namespaces: V2_NAMESPACES };
  }
  const result = missing ? "" : encodeWsi("result", type, value, "result");
  return { body: xmlElement(`ns1:${spec.name}ResponseParam`, {}, result), namespaces: WSI_NAMESPACES };
}

function encodeV2(name: string, type: TypeRef, value: unknown, path: string): string {
  if (isScalar(type)) return xmlElement(name, { "xsi:type": type }, escapeText(lexical(type, value, path)));
  const complex = COMPLEX_TYPES[type];
  if (complex.kind === "struct") {
    return xmlElement(name, { "xsi:type": `ns1:${type}` }, encodeFields(complex, value, path, encodeV2));
  }
  const items = listItems(value, path);
  return xmlElement(
    name,
    { "xsi:type": "SOAP-ENC:Array", "SOAP-ENC:arrayType": `ns1:${complex.item}[${items.length}]` },
    items.map((item, index) => encodeV2("item", complex.item, item, `${path}[${index}]`)).join(""),
  );
}

function encodeWsi(name: string, type: TypeRef, value: unknown, path: string): string {
  if (isScalar(type)) return xmlElement(name, {}, escapeText(lexical(type, value, path)));
  const complex = COMPLEX_TYPES[type];
  if (complex.kind === "struct") return xmlElement(name, {}, encodeFields(complex, value, path, encodeWsi));
  const items = listItems(value, path).map((item, index) => encodeWsi("complexObjectArray", complex.item, item, `${path}[${index}]`));
  return xmlElement(name, {}, items.join(""));
}

type Encoder = (name: string, type: TypeRef, value: unknown, path: string) => string;

function encodeFields(type: StructType, value: unknown, path: string, encode: Encoder): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${path}: expected an object`);
  const record = value as Record<string, unknown>;
  let content = "";
  for (const field of type.fields) {
    const member = Object.hasOwn(record, field.name) ? record[field.name] : undefined;
    if (member !== null && member !== undefined) content += encode(field.name, field.type, member, `${path}.${field.name}`);
  }
  return content;
}

function listItems(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new Error(`${path}: expected a list`);
  const missing = value.findIndex((item) => item === null || item === undefined);
  if (missing !== -1) throw new Error(`${path}[${missing}]: a list item is missing`);
  return value;
}

/** A scalar's text. Booleans where a string or int is declared are written as PHP casts them: "1", and "" or 0. */
function lexical(type: ScalarType, value: unknown, path: string): string {
  if (type === "xsd:boolean") {
    if (typeof value !== "boolean") throw new Error(`${path}: expected a boolean`);
    return value ? "true" : "false";
  }
  if (typeof value === "boolean") {
    if (value) return "1";
    return type === "xsd:string" ? "" : "0";
  }
  if (type === "xsd:int") {
    if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
    if (typeof value === "string" && INTEGER.test(value)) return value;
    throw new Error(`${path}: expected an integer`);
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new Error(`${path}: expected ${type === "xsd:string" ? "a string" : "a number"}`);
}
