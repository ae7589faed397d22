import { useSoapApps } from "./setup.js";

/**
 * Requests no SOAP client sends, written by hand (fetch, not PHP): whatever arrives, a SOAP endpoint answers a SOAP
 * 1.1 `Client` fault naming the problem, as text/xml with HTTP 500 — never HTML, never a stack trace — and
 * expands no entities.
 */

const suite = useSoapApps({ seed: false, apps: { small: { BODY_LIMIT_BYTES: "2048" } } });

const ENVELOPE = (body: string, prolog = `<?xml version="1.0" encoding="UTF-8"?>`) =>
  `${prolog}<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:Magento"><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;

const LOGIN = (username: string) =>
  `<ns1:login xmlns:ns1="urn:Magento"><username>${username}</username><apiKey>apiKey</apiKey></ns1:login>`;

const BILLION_LAUGHS = [
  `<?xml version="1.0"?>`,
  `<!DOCTYPE lolz [`,
  `<!ENTITY lol "lol">`,
  ...Array.from({ length: 8 }, (_, n) => `<!ENTITY lol${n + 2} "${`&lol${n === 0 ? "" : n + 1};`.repeat(10)}">`),
  `]>`,
].join("\n");

const XXE = `<?xml version="1.0"?><!DOCTYPE login [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`;

interface HostileCase {
  name: string;
  contentType: string;
  body: string;
  faultstring: RegExp;
}

const CASES: HostileCase[] = [
  {
    name: "malformed XML",
    contentType: "text/xml",
    body: ENVELOPE("<ns1:login><username>apiUser</ns1:login>"),
    faultstring: /^The request is not well-formed XML Tally accepts: not well-formed XML: .+ \(at line 1, column \d+\)\.$/,
  },
  {
    name: "a JSON body",
    contentType: "application/json",
    body: JSON.stringify({ method: "login", params: ["apiUser", "apiKey"] }),
    faultstring: /^A SOAP request is an XML envelope sent as text\/xml/,
  },
  { name: "a text/plain body", contentType: "text/plain", body: "login apiUser apiKey", faultstring: /^A SOAP request is an XML envelope sent as text\/xml/ },
  {
    name: "XML that is not an envelope",
    contentType: "text/xml",
    body: `<?xml version="1.0"?>${LOGIN("apiUser")}`,
    faultstring: /^not a SOAP envelope: root element is <login> in namespace urn:Magento/,
  },
  {
    name: "a SOAP 1.2 envelope",
    contentType: "application/soap+xml",
    body: `<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>${LOGIN("apiUser")}</e:Body></e:Envelope>`,
    faultstring: /^SOAP 1\.2 envelopes are not served/,
  },
  { name: "an empty Body", contentType: "text/xml", body: ENVELOPE(""), faultstring: /^SOAP Body is empty\.$/ },
  { name: "no body at all", contentType: "text/xml", body: "", faultstring: /empty/i },
  {
    name: "an unknown operation",
    contentType: "text/xml",
    body: ENVELOPE("<ns1:frobnicate><sessionId>x</sessionId></ns1:frobnicate>"),
    faultstring: /has no operation "frobnicate"\.$/,
  },
  {
    name: "a billion-laughs DTD",
    contentType: "text/xml",
    body: ENVELOPE(LOGIN("&lol9;"), BILLION_LAUGHS),
    faultstring: /DOCTYPE declarations \(DTDs\) are not accepted/,
  },
  {
    name: "an external entity (XXE)",
    contentType: "text/xml",
    body: ENVELOPE(LOGIN("&xxe;"), XXE),
    faultstring: /DOCTYPE declarations \(DTDs\) are not accepted/,
  },
  {
    name: "an entity reference without a DTD",
    contentType: "text/xml",
    body: ENVELOPE(LOGIN("&xxe;")),
    faultstring: /undefined entity &xxe;/,
  },
];

const ENDPOINTS = [
  ["V1", "main", "/api/soap/index/"],
  ["V2", "main", "/api/v2_soap/index/"],
  ["WS-I", "wsi", "/api/v2_soap/index/"],
] as const;

const XML_ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&" };
const unescape = (text: string) => text.replace(/&(lt|gt|quot|apos|amp);/g, (entity) => XML_ENTITIES[entity] ?? entity);

/** Posts `body` and checks the answer is a SOAP fault document; returns its faultcode and faultstring. */
async function post(url: string, contentType: string, body: string) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": contentType }, body });
  const text = await response.text();
  expect(response.status).toBe(500);
  expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
  expect(text.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope`)).toBe(true);
  expect(text).not.toMatch(/<html|<!DOCTYPE/i);
  // No stack frames, file paths or framework error codes leak out.
  expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|node_modules|FST_ERR/);
  const fault = /<SOAP-ENV:Fault><faultcode>([^<]*)<\/faultcode><faultstring>([^<]*)<\/faultstring>/.exec(text);
  expect(fault).not.toBeNull();
  return { faultcode: unescape(fault?.[1] ?? ""), faultstring: unescape(fault?.[2] ?? ""), text };
}

describe("hostile and broken SOAP requests", () => {
  const table = ENDPOINTS.flatMap(([dialect, app, path]) => CASES.map((c) => [dialect, c.name, app, path, c] as const));

  test.each(table)("%s, %s: HTTP 500 text/xml, a Client fault naming the problem", async (_dialect, _name, app, path, c) => {
    const fault = await post(`${suite.url(app)}${path}`, c.contentType, c.body);
    expect(fault.faultcode).toBe("Client");
    expect(fault.faultstring).toMatch(c.faultstring);
    // Nothing was expanded or read from disk into the answer.
    expect(fault.text).not.toMatch(/lollol|root:/);
  });

  test.each([
    ["V1", "/api/soap/index/"],
    ["V2", "/api/v2_soap/index/"],
  ])("%s: an envelope over BODY_LIMIT_BYTES is refused by size", async (_dialect, path) => {
    const fault = await post(`${suite.url("small")}${path}`, "text/xml", ENVELOPE(LOGIN("a".repeat(4096))));
    expect(fault).toMatchObject({ faultcode: "Client", faultstring: "The SOAP envelope is larger than the 2048-byte limit." });
  });

  test("an envelope over the default 1 MiB limit is refused by size", async () => {
    const fault = await post(`${suite.url("main")}/api/soap/index/`, "text/xml", ENVELOPE(LOGIN("a".repeat(1_100_000))));
    expect(fault).toMatchObject({ faultcode: "Client", faultstring: "The SOAP envelope is larger than the 1048576-byte limit." });
  });

  test("GET without ?wsdl says where the WSDL is, as a fault", async () => {
    const response = await fetch(`${suite.url("main")}/api/soap/index/`);
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(await response.text()).toContain("<faultcode>Client</faultcode><faultstring>POST a SOAP envelope to /api/soap/; the WSDL is at /api/soap/?wsdl.</faultstring>");
  });

  test("after all that, a well-formed login still works", async () => {
    const response = await fetch(`${suite.url("main")}/api/soap/index/`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: ENVELOPE(LOGIN("nobody")),
    });
    expect(await response.text()).toContain("<faultcode>2</faultcode><faultstring>Access denied.</faultstring>");
  });
});
