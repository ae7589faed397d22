import fc from "fast-check";
import { parseXml, XmlRequestError } from "../../../src/soap/xml/parse.js";
import { attribute, resolveQName } from "../../../src/soap/xml/tree.js";
import { escapeAttribute, escapeText, xmlElement } from "../../../src/soap/xml/writer.js";

function refusal(text: string, limits?: Parameters<typeof parseXml>[1]): XmlRequestError {
  try {
    parseXml(text, limits);
  } catch (error) {
    if (error instanceof XmlRequestError) return error;
    throw new Error(`parseXml threw ${String(error)} instead of an XmlRequestError`, { cause: error });
  }
  throw new Error("parseXml accepted the document");
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>`;

function nested(depth: number): string {
  return "<a>".repeat(depth) + "</a>".repeat(depth);
}

describe("parseXml", () => {
  test("resolves element and attribute namespaces and keeps the prefixes in scope at each element", () => {
    const root = parseXml(
      `<e:Envelope xmlns:e="urn:env" xmlns="urn:default"><e:Body><call xmlns:t="urn:types" t:kind="t:int" plain="1">` +
        `<arg/></call></e:Body></e:Envelope>`,
    );
    expect(root).toMatchObject({ ns: "urn:env", local: "Envelope" });
    const call = root.children[0]?.children[0];
    expect(call).toMatchObject({ ns: "urn:default", local: "call" });
    // Declarations are namespaces, not data.
    expect(call?.attributes).toEqual([
      { ns: "urn:types", local: "kind", value: "t:int" },
      { ns: "", local: "plain", value: "1" },
    ]);
    const arg = call?.children[0];
    expect(arg).toMatchObject({ ns: "urn:default", local: "arg" });
    expect(Object.fromEntries(arg?.namespaces ?? [])).toEqual({
      xml: "http://www.w3.org/XML/1998/namespace",
      e: "urn:env",
      "": "urn:default",
      t: "urn:types",
    });
    expect(call && resolveQName(call, attribute(call, "urn:types", "kind") ?? "")).toEqual({ ns: "urn:types", local: "int" });
    expect(root.namespaces.has("t")).toBe(false);
  });

  test("an inner declaration shadows an outer one for its element and below only", () => {
    const root = parseXml(`<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c/></p:b><p:d/></p:a>`);
    const [b, d] = root.children;
    expect([root.ns, b?.ns, b?.children[0]?.ns, d?.ns]).toEqual(["urn:1", "urn:2", "urn:2", "urn:1"]);
  });

  test("text: entities and character references decoded, CDATA included, CR only as a reference", () => {
    const root = parseXml(`<a>&lt;&amp;&gt;&quot;&apos;&#x1F600;&#233;<![CDATA[<raw & ]]>line\r\nnext&#13;&#10;end</a>`);
    expect(root.text).toBe("<&>\"'😀é<raw & line\nnext\r\nend");
  });

  test("a BOM and blank lines before the XML declaration are tolerated, and error lines count them", () => {
    expect(parseXml(`\uFEFF\r\n  <?xml version="1.0" encoding="UTF-8"?><a>x</a>`).text).toBe("x");
    const error = refusal(`\n\n<?xml version="1.0"?>\n<a>&nbsp;</a>`);
    expect(error.line).toBe(4);
  });

  test.each([
    ["a DOCTYPE", `<!DOCTYPE a><a/>`, /^DOCTYPE declarations \(DTDs\) are not accepted/],
    ["an entity declaration", `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, /^DOCTYPE declarations \(DTDs\) are not accepted/],
    ["billion laughs", BILLION_LAUGHS, /^DOCTYPE declarations \(DTDs\) are not accepted \(at line 7, column \d+\)$/],
    [
      "an external entity (XXE)",
      `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>`,
      /^DOCTYPE declarations \(DTDs\) are not accepted/,
    ],
    ["an undefined entity", `<a>&nbsp;</a>`, /^undefined entity &nbsp;: only &amp; &lt; &gt; &quot; &apos; and character references are allowed/],
    ["an undefined entity in an attribute", `<a b="x&foo;"/>`, /^undefined entity &foo;/],
    ["a character reference XML cannot carry", `<a>&#1;</a>`, /^not well-formed XML: malformed character entity/],
    ["a processing instruction", `<a><?php echo 1; ?></a>`, /^processing instructions are not accepted: <\?php\?>/],
    ["a processing instruction before the root", `<?xml-stylesheet href="x"?><a/>`, /^processing instructions are not accepted: <\?xml-stylesheet\?>/],
    ["an XML declaration after a comment", `<!-- c --><?xml version="1.0"?><a/>`, /^not well-formed XML: /],
    ["a mismatched end tag", `<a><b></a>`, /^not well-formed XML: unexpected close tag \(at line 1, column \d+\)$/],
    ["an unclosed element", `<a><b/>`, /^not well-formed XML: unclosed tag: a/],
    ["an unbound prefix", `<p:a/>`, /^not well-formed XML: unbound namespace prefix: "p"/],
    ["a duplicate attribute", `<a x="1" x="2"/>`, /^not well-formed XML: duplicate attribute: x/],
    ["text after the root", `<a/>trailing`, /^not well-formed XML: text data outside of root node/],
    ["text before the root", `leading<a/>`, /^not well-formed XML: text data outside of root node/],
    ["a second root", `<a/><b/>`, /^not well-formed XML: documents may contain only one root/],
    ["an empty document", ``, /^empty XML document$/],
    ["a blank document", ` \r\n\t`, /^empty XML document$/],
    ["a declaration without a root", `<?xml version="1.0"?>`, /^not well-formed XML: document must contain a root element/],
    ["not XML at all", `{"json": true}`, /^not well-formed XML: text data outside of root node/],
  ])("refuses %s", (_name, text, message) => {
    expect(refusal(text).message).toMatch(message);
  });

  test("refuses nesting deeper than maxDepth (64 by default) and accepts exactly the limit", () => {
    expect(refusal(nested(65)).message).toMatch(/^elements nested deeper than 64 levels \(at line 1, column \d+\)$/);
    expect(() => parseXml(nested(64))).not.toThrow();
    expect(refusal(nested(4), { maxDepth: 3 }).message).toMatch(/^elements nested deeper than 3 levels/);
  });

  test("refuses more than maxElements elements (100000 by default)", () => {
    const siblings = (count: number) => `<a>${"<b/>".repeat(count - 1)}</a>`;
    expect(refusal(siblings(100_001)).message).toMatch(/^more than 100000 elements/);
    expect(parseXml(siblings(3), { maxElements: 3 }).children).toHaveLength(2);
    expect(refusal(siblings(4), { maxElements: 3 }).message).toMatch(/^more than 3 elements/);
  });

  test("every refusal is an XmlRequestError, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          parseXml(text);
        } catch (error) {
          expect(error).toBeInstanceOf(XmlRequestError);
        }
      }),
    );
  });
});

// Strings XML 1.0 can carry: no C0 controls but tab/LF/CR, no U+FFFE/U+FFFF (fast-check's binary unit never yields lone surrogates).
const REPRESENTABLE = fc
  .string({ unit: "binary", maxLength: 30 })
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .filter((text) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(text));
const AWKWARD = fc.oneof(REPRESENTABLE, fc.constantFrom("]]>", `<&>"'`, "\t\n\r", "a\r\nb", " lead", "trail ", "😀"));

describe("escapeText and escapeAttribute", () => {
  test("whatever is escaped reads back unchanged, in text and in attributes", () => {
    fc.assert(
      fc.property(fc.array(AWKWARD, { maxLength: 4 }).map((parts) => parts.join("")), (value) => {
        const root = parseXml(xmlElement("a", { v: value }, escapeText(value)));
        expect(root.text).toBe(value);
        expect(attribute(root, "", "v")).toBe(value);
      }),
    );
  });

  test("`]]>` and the markup characters never appear raw", () => {
    expect(escapeText(`]]><&>"'`)).toBe(`]]&gt;&lt;&amp;&gt;"'`);
    expect(escapeAttribute(`<&>"'`)).toBe(`&lt;&amp;&gt;&quot;'`);
  });

  test("characters XML 1.0 cannot carry become U+FFFD; a surrogate pair stays whole", () => {
    const input = "a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf\uFFFFg\uD800h\uDC00i\uD83D\uDE00";
    const expected = "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh\uFFFDi😀";
    expect(escapeText(input)).toBe(expected);
    expect(parseXml(xmlElement("a", { v: input }, escapeText(input))).text).toBe(expected);
    expect(attribute(parseXml(xmlElement("a", { v: input })), "", "v")).toBe(expected);
  });

  test("xmlElement writes an element without content self-closing and refuses names that are not XML names", () => {
    expect(xmlElement("p:a", { "xsi:nil": "true" })).toBe(`<p:a xsi:nil="true"/>`);
    expect(xmlElement("a", {}, "<b/>")).toBe("<a><b/></a>");
    expect(() => xmlElement("a b", {})).toThrow("not an XML element name");
    expect(() => xmlElement("a", { 'x="1" y': "2" })).toThrow("not an XML attribute name");
  });
});
