/**
 * A parsed XML element with namespaces resolved. Prefixes are kept only to resolve QName-valued attributes
 * (`xsi:type="ns2:Map"`), which must be read by namespace URI: every SOAP client picks its own prefixes.
 */
export interface XmlElement {
  /** Namespace URI of the element ("" when it has none). */
  readonly ns: string;
  readonly local: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** The character data directly inside the element (CDATA included), concatenated; "" when there is none. */
  readonly text: string;
  /** prefix → namespace URI in scope at this element ("" is the default namespace). */
  readonly namespaces: ReadonlyMap<string, string>;
}

export interface XmlAttribute {
  /** Namespace URI ("" for an unprefixed attribute). */
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

/** A QName resolved against the element's in-scope namespaces. */
export interface QName {
  readonly ns: string;
  readonly local: string;
}

export function attribute(element: XmlElement, ns: string, local: string): string | undefined {
  return element.attributes.find((candidate) => candidate.ns === ns && candidate.local === local)?.value;
}

/** Resolves a QName value such as `xsd:int`; undefined when its prefix is not bound. */
export function resolveQName(element: XmlElement, value: string): QName | undefined {
  const colon = value.indexOf(":");
  const prefix = colon === -1 ? "" : value.slice(0, colon);
  const ns = element.namespaces.get(prefix);
  if (ns === undefined && prefix !== "") return undefined;
  return { ns: ns ?? "", local: colon === -1 ? value : value.slice(colon + 1) };
}

/** The first child with this local name, whatever its namespace (rpc/encoded parts are unqualified). */
export function child(element: XmlElement, local: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.local === local);
}
