import { XMLParser, XMLValidator } from "fast-xml-parser";
import fc from "fast-check";
import {
  CUSTOMER_FIELDS,
  type OutputFormat,
  type ReportCustomer,
  escapeXml,
  reportWriter,
} from "../../../src/routes/loyalty/writers.js";

const customer = (values: Partial<ReportCustomer> = {}): ReportCustomer => ({
  ...(Object.fromEntries(CUSTOMER_FIELDS.map((field) => [field, ""])) as ReportCustomer),
  card_number: "12345678",
  earned: "6021",
  ...values,
});

/** A whole report written the way the route writes it: batches in order. */
function write(format: OutputFormat, batches: ReportCustomer[][]): string {
  const writer = reportWriter(format);
  let text = writer.open();
  let count = 0;
  for (const batch of batches) {
    text += writer.customers(batch, count === 0);
    count += batch.length;
  }
  return text + writer.close(count);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  htmlEntities: true,
  isArray: (name) => name === "customer",
});

// Single UTF-16 code units (lone surrogates included) mixed with whole code points (emoji included).
const anyText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
});

describe("escapeXml", () => {
  test.each([
    ["plain text", "plain text"],
    ["<script>", "&lt;script&gt;"],
    ["Tom & Jerry", "Tom &amp; Jerry"],
    ["&amp;", "&amp;amp;"],
    [`"double" 'single'`, "&quot;double&quot; &apos;single&apos;"],
    ["tab\tnewline\n", "tab\tnewline\n"],
    ["carriage\r\nreturn", "carriage&#13;\nreturn"],
    ["bell\u0001 nul\u0000 esc\u001b", "bell nul esc"],
    ["vertical\u000b form\u000c", "vertical form"],
    ["emoji 😀 and 🎉", "emoji 😀 and 🎉"],
    ["lone high \ud800 and low \udc00", "lone high  and low "],
    ["reversed pair \udc00\ud800", "reversed pair "],
    ["not characters \ufffe\uffff", "not characters "],
    ["replacement \ufffd kept", "replacement \ufffd kept"],
    ["C1 \u0085 and DEL \u007f are allowed", "C1 \u0085 and DEL \u007f are allowed"],
    ["]]>", "]]&gt;"],
  ])("%p → %p", (input, expected) => {
    expect(escapeXml(input)).toBe(expected);
  });

  test("any string, escaped into an element, parses back as itself minus the characters XML forbids", () => {
    const notXml = /[^\t\n\r\u{20}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]/gu;
    fc.assert(
      fc.property(anyText, (text) => {
        const xml = `<a>${escapeXml(`[${text}]`)}</a>`;
        expect(XMLValidator.validate(xml)).toBe(true);
        expect(xml).not.toMatch(new RegExp(notXml.source, "u"));
        expect(parser.parse(xml).a).toBe(`[${text}]`.replace(notXml, ""));
      }),
    );
  });
});

describe("XML", () => {
  test("the envelope, one element per field in the documented order, absent values as empty elements", () => {
    const text = write({ kind: "xml" }, [[customer({ first_name: "Jane & <Co>" })]]);
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<response status="success">\n<customer>\n<card_number>/);
    expect(text).toContain("\n<first_name>Jane &amp; &lt;Co&gt;</first_name>\n<last_name></last_name>\n");
    expect([...text.matchAll(/<(\w+)>[^<]*<\/\1>/g)].map((match) => match[1])).toEqual(CUSTOMER_FIELDS);
    expect(text.endsWith("</redeemed_equivalent>\n</customer>\n</response>\n")).toBe(true);
    expect(XMLValidator.validate(text)).toBe(true);
  });

  test.each([
    ["no customers", []],
    ["one batch", [[customer({ card_number: "1" }), customer({ card_number: "2" })]]],
    ["batches, some empty", [[customer({ card_number: "1" })], [], [customer({ card_number: "2" }), customer({ card_number: "3" })]]],
  ])("%s: well-formed, every customer in order", (_name, batches) => {
    const text = write({ kind: "xml" }, batches);
    expect(XMLValidator.validate(text)).toBe(true);
    const parsed = parser.parse(text) as { response: { status: string; customer?: ReportCustomer[] } };
    expect(parsed.response.status).toBe("success");
    expect(parsed.response.customer ?? []).toEqual(batches.flat());
  });

  test("an error", () => {
    const text = reportWriter({ kind: "xml" }).error("Campaign <1> & 'two'");
    expect(text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<response status="error">\n<error>Campaign &lt;1&gt; &amp; &apos;two&apos;</error>\n</response>\n',
    );
  });

  test("content type", () => {
    expect(reportWriter({ kind: "xml" }).contentType).toBe("application/xml; charset=utf-8");
  });
});

describe("JSON and JSONP", () => {
  const batchesCases: [string, ReportCustomer[][]][] = [
    ["no customers", []],
    ["one customer", [[customer()]]],
    ["batches, some empty", [[customer({ card_number: "1" })], [], [customer({ card_number: "2" }), customer({ card_number: "3" })]]],
  ];

  test.each(batchesCases)("%s: pretty output is exactly JSON.stringify(…, null, 2)", (_name, batches) => {
    const text = write({ kind: "json", condensed: false }, batches);
    expect(text).toBe(JSON.stringify({ status: "success", customer: batches.flat() }, null, 2));
  });

  test.each(batchesCases)("%s: condensed output is exactly JSON.stringify(…)", (_name, batches) => {
    const text = write({ kind: "json", condensed: true }, batches);
    expect(text).toBe(JSON.stringify({ status: "success", customer: batches.flat() }));
  });

  test.each([
    [false, `/**/app.cb(${JSON.stringify({ status: "success", customer: [customer()] }, null, 2)});`],
    [true, `/**/app.cb(${JSON.stringify({ status: "success", customer: [customer()] })});`],
  ])("JSONP (condensed: %p) wraps the JSON after a comment", (condensed, expected) => {
    expect(write({ kind: "json", condensed, callback: "app.cb" }, [[customer()]])).toBe(expected);
  });

  test("line and paragraph separators are escaped, so the JSONP script parses everywhere", () => {
    const text = write({ kind: "json", condensed: true, callback: "cb" }, [[customer({ city: "a\u2028b\u2029c" })]]);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(text).toContain('"city":"a\\u2028b\\u2029c"');
  });

  test("control characters and lone surrogates are escaped, not lost", () => {
    const text = write({ kind: "json", condensed: true }, [[customer({ city: "a\u0001\ud800" })]]);
    expect(text).toContain('"city":"a\\u0001\\ud800"');
    expect((JSON.parse(text) as { customer: ReportCustomer[] }).customer[0]?.city).toBe("a\u0001\ud800");
  });

  const JSON_TYPE = "application/json; charset=utf-8";
  test.each([
    [{ kind: "json", condensed: false }, '{\n  "status": "error",\n  "error": "No \\"campaign\\""\n}', JSON_TYPE],
    [{ kind: "json", condensed: true }, '{"status":"error","error":"No \\"campaign\\""}', JSON_TYPE],
    [
      { kind: "json", condensed: true, callback: "cb" },
      '/**/cb({"status":"error","error":"No \\"campaign\\""});',
      "application/javascript; charset=utf-8",
    ],
  ] as const)("errors in %p", (format, expected, contentType) => {
    const writer = reportWriter(format);
    expect(writer.error('No "campaign"')).toBe(expected);
    expect(writer.contentType).toBe(contentType);
  });
});
