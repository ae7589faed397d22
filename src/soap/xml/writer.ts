/**
 * Characters XML 1.0 cannot carry in any form, not even as character references: C0 controls other than tab, LF and
 * CR, U+FFFE, U+FFFF, and UTF-16 surrogates without their pair. They become U+FFFD instead of failing the response:
 * one stray control character in a stored comment must not make every list that contains it unreadable, libxml2
 * (PHP's parser) rejects the whole document if they are sent, and U+FFFD shows the reader that a character was lost
 * where dropping it would not.
 */
const UNREPRESENTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// `>` is escaped too so that `]]>` can never appear in character data. CR goes as a reference because parsers turn a
// literal "\r\n" into "\n" (XML end-of-line handling); in attributes tab and LF too, which attribute-value
// normalisation would turn into spaces.
const TEXT_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  ...TEXT_ESCAPES,
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
};

export function escapeText(value: string): string {
  return value.replace(UNREPRESENTABLE, "\uFFFD").replace(/[&<>\r]/g, (char) => TEXT_ESCAPES[char] ?? char);
}

/** For attribute values written between double quotes. */
export function escapeAttribute(value: string): string {
  return value.replace(UNREPRESENTABLE, "\uFFFD").replace(/[&<>"\r\t\n]/g, (char) => ATTRIBUTE_ESCAPES[char] ?? char);
}

// Element and attribute names are chosen by Tally's code, never by a caller: a bad one is a programming error.
const QNAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

/**
 * One element: attribute values are escaped here, `content` is markup already (use escapeText for text). An element
 * without content is written self-closing.
 */
export function xmlElement(name: string, attributes: Readonly<Record<string, string>>, content = ""): string {
  if (!QNAME.test(name)) throw new Error(`not an XML element name: ${JSON.stringify(name)}`);
  let start = `<${name}`;
  for (const [attribute, value] of Object.entries(attributes)) {
    if (!QNAME.test(attribute)) throw new Error(`not an XML attribute name: ${JSON.stringify(attribute)}`);
    start += ` ${attribute}="${escapeAttribute(value)}"`;
  }
  return content === "" ? `${start}/>` : `${start}>${content}</${name}>`;
}
