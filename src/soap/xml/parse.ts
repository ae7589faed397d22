import { SaxesParser } from "saxes";
import type { SaxesAttributeNS, SaxesTagNS } from "saxes";
import type { XmlAttribute, XmlElement } from "./tree.js";

/** A request body that is not XML Tally accepts; the message names the problem and, where known, where it is. */
export class XmlRequestError extends Error {
  override readonly name = "XmlRequestError";
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? message : `${message} (at line ${line}, column ${column ?? 0})`);
  }
}

export interface XmlLimits {
  /** Deepest element nesting accepted; the root is depth 1. */
  readonly maxDepth?: number;
  readonly maxElements?: number;
}

const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_ELEMENTS = 100_000;
const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NAMESPACE = "http://www.w3.org/2000/xmlns/";
const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([["xml", XML_NAMESPACE]]);
// A BOM or blank lines before `<?xml` come from hand-written or concatenated requests; saxes would reject the
// declaration after them.
const LEADING_BLANKS = /^[\uFEFF \t\r\n]+/;
// saxes prefixes its messages with "line:column: ".
const SAXES_POSITION = /^\d+:\d+: /;

interface OpenElement {
  readonly ns: string;
  readonly local: string;
  readonly attributes: XmlAttribute[];
  readonly children: XmlElement[];
  text: string;
  readonly namespaces: ReadonlyMap<string, string>;
}

/**
 * Parses a whole XML document into an element tree with namespaces resolved. DTDs are refused outright rather than
 * parsed with entities off: no SOAP client sends one, and refusing them closes XXE and entity expansion for good.
 */
export function parseXml(text: string, limits: XmlLimits = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const leading = LEADING_BLANKS.exec(text)?.[0] ?? "";
  const source = text.slice(leading.length);
  if (source === "") throw new XmlRequestError("empty XML document");
  // Positions are reported in the text as received, so what the leading blanks skipped is added back.
  const skippedLines = leading.split("\n").length - 1;
  const skippedColumns = leading.slice(leading.lastIndexOf("\n") + 1).replace("\uFEFF", "").length;

  const parser = new SaxesParser({ xmlns: true });
  const refuse = (message: string): never => {
    const column = parser.column + 1 + (parser.line === 1 ? skippedColumns : 0);
    throw new XmlRequestError(message, parser.line + skippedLines, column);
  };
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;

  parser.on("error", (error) => {
    const message = error.message.replace(SAXES_POSITION, "");
    if (message === "undefined entity.") {
      refuse(`undefined entity ${entityBefore(source, parser.position)}: ${ENTITY_RULE}`);
    }
    refuse(`not well-formed XML: ${message.replace(/\.$/, "")}`);
  });
  parser.on("doctype", () => refuse("DOCTYPE declarations (DTDs) are not accepted"));
  parser.on("processinginstruction", ({ target }) => refuse(`processing instructions are not accepted: <?${target}?>`));
  parser.on("opentagstart", () => {
    elements += 1;
    if (elements > maxElements) refuse(`more than ${maxElements} elements`);
    if (stack.length + 1 > maxDepth) refuse(`elements nested deeper than ${maxDepth} levels`);
  });
  parser.on("opentag", (tag) => {
    stack.push(openElement(tag, stack.at(-1)?.namespaces ?? ROOT_SCOPE));
  });
  parser.on("text", (chunk) => appendText(stack, chunk));
  parser.on("cdata", (chunk) => appendText(stack, chunk));
  parser.on("closetag", () => {
    const closed = stack.pop();
    if (closed === undefined) return;
    const parent = stack.at(-1);
    if (parent === undefined) root = closed;
    else parent.children.push(closed);
  });

  try {
    parser.write(source).close();
  } catch (error) {
    if (error instanceof XmlRequestError) throw error;
    throw new XmlRequestError(`not well-formed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (root === undefined) throw new XmlRequestError("XML document has no root element");
  return root;
}

const ENTITY_RULE = "only &amp; &lt; &gt; &quot; &apos; and character references are allowed";

/** saxes does not say which entity it could not resolve; the reference ends just before the parser's position. */
function entityBefore(source: string, position: number): string {
  const end = source.lastIndexOf(";", position);
  const start = source.lastIndexOf("&", end);
  return start === -1 || end === -1 ? "reference" : source.slice(start, end + 1);
}

function openElement(tag: SaxesTagNS, parentScope: ReadonlyMap<string, string>): OpenElement {
  const declarations = Object.values(tag.attributes).filter((attribute) => attribute.uri === XMLNS_NAMESPACE);
  return {
    ns: tag.uri,
    local: tag.local,
    // Namespace declarations live in `namespaces`; as attributes they would only be mistaken for data.
    attributes: Object.values(tag.attributes)
      .filter((attribute) => attribute.uri !== XMLNS_NAMESPACE)
      .map(({ uri, local, value }) => ({ ns: uri, local, value })),
    children: [],
    text: "",
    namespaces: declarations.length === 0 ? parentScope : withDeclarations(parentScope, declarations),
  };
}

function withDeclarations(parentScope: ReadonlyMap<string, string>, declarations: readonly SaxesAttributeNS[]) {
  const scope = new Map(parentScope);
  for (const { prefix, local, value } of declarations) scope.set(prefix === "" ? "" : local, value.trim());
  return scope;
}

function appendText(stack: OpenElement[], chunk: string): void {
  // Whitespace around the root is the only text saxes lets through outside an element.
  const current = stack.at(-1);
  if (current !== undefined) current.text += chunk;
}
