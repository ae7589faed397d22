/** One generated request, as it goes on the wire, and what it was generated for. */
export interface FuzzRequest {
  face: "rest" | "loyalty" | "soap" | "unrouted";
  /** What the request exercises, for the per-operation counts: `GET /api.php`, `SOAP v2 login`, … */
  operation: string;
  /** The OpenAPI operation the request targets, whose responses it must conform to (REST and loyalty). */
  route?: { method: string; path: string };
  method: string;
  /** The request target exactly as sent: path and query, percent-encoded (or deliberately mis-encoded). */
  path: string;
  /** Header values; a list sends the header once per value. */
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /**
   * `wsi`: for the Tally started with MAGENTO_SOAP_WSI=true, whose /api/v2_soap/ speaks WS-I (a Tally serves V2 or
   * WS-I there, not both); otherwise the one every other request goes to.
   */
  server?: "wsi";
}

/** What a generator needs to know about the running Tally to send requests that get past authentication. */
export interface FuzzContext {
  tenantId: number;
  /** A bearer token of an application of `tenantId` with every behavior. */
  appToken: string;
  /** A bearer token of a shopper of `tenantId`, and the shopper's customer id. */
  shopperToken: string;
  shopperCustomerId: number;
  /** A bearer token of an application of another tenant. */
  otherTenantToken: string;
  otherTenantId: number;
  /** Values of path parameters that exist in the data, by parameter name (`code`, `customerId`, …). */
  known: Record<string, readonly string[]>;
  /** SOAP logins: V1's and V2's at the Tally every request goes to, WS-I's at the one started with MAGENTO_SOAP_WSI. */
  soap: { username: string; apiKey: string; v1Session: string; v2Session: string; wsiSession: string };
  loyalty: { userId: string; password: string; accountId: string; campaignId: string };
}

/** Characters Node's HTTP client refuses in a request target; everything else is sent as generated. */
const UNSENDABLE = /[^\u0021-\u007e]/gu;

/** Percent-encodes only what cannot be sent raw, so deliberate mis-encodings (`%ZZ`, `%C0%AF`) survive. */
export function sendable(target: string): string {
  return target.replace(UNSENDABLE, (character) => percentEncoded(character));
}

/** Every UTF-8 byte of `text` as `%XX` (a lone surrogate becomes U+FFFD's bytes, as any UTF-8 encoder writes it). */
export function percentEncoded(text: string): string {
  return [...Buffer.from(text, "utf8")].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

/** A request as a reader can paste it into curl: method, target, headers and the body (base64 when not UTF-8). */
export function describeRequest(request: FuzzRequest): string {
  const target = request.path.length > 600 ? `${request.path.slice(0, 600)}… (${request.path.length} chars)` : request.path;
  const lines = [`${request.method} ${target}`];
  for (const [name, value] of Object.entries(request.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item.length > 300 ? `${item.slice(0, 300)}… (${item.length} chars)` : item}`);
  }
  if (request.body) {
    const text = request.body.toString("utf8");
    const printable = Buffer.from(text, "utf8").equals(request.body);
    const shown = printable ? text : `base64:${request.body.toString("base64")}`;
    lines.push("", shown.length > 2000 ? `${shown.slice(0, 2000)}… (${request.body.length} bytes)` : shown);
  }
  return lines.join("\n");
}
