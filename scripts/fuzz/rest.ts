import type { Random } from "./random.js";
import { type FuzzContext, type FuzzRequest, percentEncoded, sendable } from "./request.js";
import { HOSTILE_STRINGS, type JsonSchema, type Resolve, boundaryValue, oversized, resolver, validValue, wrongValue } from "./values.js";

/** Requests for every operation of an OpenAPI document: valid ones, and every way a parameter, header or body can be wrong. */

interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  schema?: JsonSchema;
  example?: unknown;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema; example?: unknown }> };
  security?: Record<string, unknown>[];
}

export interface RestOperation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: { mediaType: string; schema: JsonSchema; example?: unknown } | undefined;
  /** What the operation authenticates with: a bearer token, the loyalty key, or nothing. */
  auth: "bearer" | "loyalty" | "none";
}

/** The document's operations, in document order. */
export function restOperations(document: { paths: Record<string, Record<string, unknown>> }): RestOperation[] {
  const operations: RestOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!["get", "post", "put", "delete", "patch"].includes(method)) continue;
      const operation = value as Operation;
      const [mediaType, content] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: mediaType && content ? { mediaType, schema: content.schema ?? {}, example: content.example } : undefined,
        auth: schemes.includes("bearerAuth") ? "bearer" : schemes.includes("loyaltyApiKey") ? "loyalty" : "none",
      });
    }
  }
  return operations;
}

type Mutation = "valid" | "boundary" | "wrong" | "missing" | "duplicate" | "encoding" | "oversized";

/** How each value of a request is chosen: most requests are valid but for one thing, so each mistake is reached on its own. */
function mutation(random: Random, validShare: number): Mutation {
  if (random.chance(validShare)) return "valid";
  return random.weighted<Mutation>([
    [3, "boundary"],
    [3, "wrong"],
    [2, "missing"],
    [2, "duplicate"],
    [3, "encoding"],
    [1, "oversized"],
  ]);
}

/** A parameter value as text: JSON for structures, as a careless client would send them. */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Percent-encodings a URL parser must survive: invalid escapes, overlong UTF-8, NUL, lone bytes, raw reserved characters. */
const ODD_ENCODINGS: readonly ((value: string) => string)[] = [
  (value) => `${safeEncode(value)}%`,
  (value) => `${safeEncode(value)}%ZZ`,
  (value) => `%C0%AF${safeEncode(value)}`,
  (value) => `${safeEncode(value)}%00`,
  (value) => `%FF%FE${safeEncode(value)}`,
  (value) => `%E2%82${safeEncode(value)}`,
  (value) => `%ED%A0%80${safeEncode(value)}`,
  () => `%F4%90%80%80`,
  (value) => `${safeEncode(value)}%2F..%2F..`,
  (value) => `${safeEncode(value)}#fragment`,
  (value) => `${safeEncode(value)}&`,
  (value) => percentEncoded(value),
  (value) => value.replace(/[^\u0021-\u007e]/gu, (character) => percentEncoded(character)),
  (value) => `${value}+${value}`.replace(/[^\u0021-\u007e]/gu, (character) => percentEncoded(character)),
];

function encoded(random: Random, value: string, odd: boolean): string {
  if (!odd) return safeEncode(value);
  return random.pick(ODD_ENCODINGS)(value);
}

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate: send its replacement character's bytes.
    return percentEncoded(value);
  }
}

/** The value of one parameter for one mutation; undefined leaves it out. */
function parameterValue(random: Random, parameter: Parameter, kind: Mutation, context: FuzzContext, resolve: Resolve): string[] | undefined {
  const schema = parameter.schema ?? {};
  const known = context.known[parameter.name];
  const valid = () =>
    known && known.length > 0 && random.chance(0.85)
      ? random.pick(known)
      : text(parameter.example !== undefined && random.chance(0.6) ? parameter.example : validValue(random, schema, resolve));
  switch (kind) {
    case "valid":
    case "encoding":
      return [valid()];
    case "boundary":
      return [text(boundaryValue(random, schema, resolve))];
    case "wrong":
      return [text(wrongValue(random, 12)).slice(0, 1_500)];
    case "missing":
      return undefined;
    case "duplicate":
      return [valid(), random.chance(0.5) ? valid() : text(wrongValue(random, 4)).slice(0, 1_500)];
    case "oversized":
      // Up to 12 KiB once percent-encoded: with the headers, within the 16 KiB Node reads before answering 431.
      return [oversized(random, random.int(500, 2_000))];
  }
}

const CONTENT_TYPES: readonly string[] = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=UTF-8",
  "application/json; charset=latin1",
  "application/json; charset=utf-16",
  "application/json;;;",
  "application/vnd.api+json",
  "APPLICATION/JSON",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=fuzz",
  "text/plain",
  "text/xml",
  "application/xml",
  "application/octet-stream",
  "*/*",
  "",
  "json",
];

/** A body for an operation that takes one: valid, one field off, random JSON, or text that is not JSON at all. */
function jsonBody(random: Random, operation: RestOperation, resolve: Resolve): { body: Buffer; contentType: string } {
  const body = operation.body;
  const schema = resolve(body?.schema ?? {});
  const valid = () => (body?.example !== undefined && random.chance(0.5) ? structuredClone(body.example) : validValue(random, schema, resolve));
  const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? "null");
  const kind = random.weighted<string>([
    [10, "valid"],
    [4, "field-wrong"],
    [3, "field-boundary"],
    [2, "field-missing"],
    [2, "field-extra"],
    [2, "random-json"],
    [2, "broken-json"],
    [1, "invalid-utf8"],
    [1, "duplicate-keys"],
    [1, "bom"],
    [1, "empty"],
    [1, "deep"],
    [0.05, "huge"],
  ]);
  const contentType = random.chance(0.9) ? (body?.mediaType ?? "application/json") : random.pick(CONTENT_TYPES);
  const fieldOf = (value: unknown): [Record<string, unknown>, string] | undefined => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const names = Object.keys(schema.properties ?? {});
    return names.length > 0 ? [value as Record<string, unknown>, random.pick(names)] : undefined;
  };
  switch (kind) {
    case "field-wrong":
    case "field-boundary":
    case "field-missing": {
      const value = valid();
      const field = fieldOf(value);
      if (field) {
        const [target, name] = field;
        if (kind === "field-missing") delete target[name];
        else target[name] = kind === "field-wrong" ? wrongValue(random, 50) : boundaryValue(random, schema.properties?.[name] ?? {}, resolve);
      }
      return { body: json(value), contentType };
    }
    case "field-extra": {
      const value = valid();
      if (typeof value === "object" && value !== null) (value as Record<string, unknown>)[random.pick(["__proto__", "constructor", "extra", "id", "tenantId"])] = wrongValue(random, 8);
      return { body: Buffer.from(JSON.stringify(value).replace('"constructor"', '"__proto__"')), contentType };
    }
    case "random-json":
      return { body: json(wrongValue(random, 64)), contentType };
    case "broken-json": {
      const textBody = JSON.stringify(valid()) ?? "{}";
      const broken = random.pick([
        textBody.slice(0, random.int(0, Math.max(0, textBody.length - 1))),
        `${textBody},`,
        textBody.replace(/"/g, "'"),
        `{"a":1e99999}`,
        `{"a":-}`,
        `[${"[".repeat(5000)}`,
        `{"a":"\\ud800"}`,
        `{"a":"\\u0000"}`,
        "NaN",
        "undefined",
        `{"a":1}{"b":2}`,
        `{"a":0x10}`,
        `// comment\n${textBody}`,
      ]);
      return { body: Buffer.from(broken), contentType };
    }
    case "invalid-utf8": {
      const textBody = JSON.stringify(valid()) ?? "{}";
      const cut = textBody.lastIndexOf('"');
      const bytes = random.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x00]]);
      const head = Buffer.from(cut > 0 ? textBody.slice(0, cut) : textBody);
      const tail = Buffer.from(cut > 0 ? textBody.slice(cut) : "");
      return { body: Buffer.concat([head, Buffer.from(bytes), tail]), contentType };
    }
    case "duplicate-keys": {
      const textBody = JSON.stringify(valid()) ?? "{}";
      const name = Object.keys(schema.properties ?? { a: 1 })[0] ?? "a";
      return { body: Buffer.from(textBody.replace(/^\{/, `{"${name}":${JSON.stringify(wrongValue(random, 4))},`)), contentType };
    }
    case "bom":
      return { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(valid())]), contentType };
    case "empty":
      return { body: Buffer.alloc(0), contentType };
    case "deep":
      return { body: Buffer.from(`${"[".repeat(random.int(100, 3000))}1${"]".repeat(random.int(0, 3000))}`), contentType };
    case "huge":
      return { body: Buffer.from(JSON.stringify({ comments: "x".repeat(1_100_000) })), contentType };
    default:
      return { body: json(valid()), contentType };
  }
}

/** Authorization for a request: the right token most of the time, else a shopper's, another tenant's, none or garbage. */
function authorization(random: Random, operation: RestOperation, context: FuzzContext): { authorization?: string | string[]; tenant?: string } {
  if (operation.auth !== "bearer") return random.chance(0.05) ? { authorization: `Bearer ${context.appToken}` } : {};
  const choice = random.weighted<string>([
    [80, "app"],
    [8, "shopper"],
    [3, "other-tenant"],
    [2, "none"],
    [5, "garbage"],
    [1, "twice"],
  ]);
  switch (choice) {
    case "shopper":
      return { authorization: `Bearer ${context.shopperToken}` };
    case "other-tenant":
      return { authorization: `Bearer ${context.otherTenantToken}`, tenant: random.chance(0.5) ? String(context.tenantId) : String(context.otherTenantId) };
    case "none":
      return {};
    case "twice":
      return { authorization: [`Bearer ${context.appToken}`, `Bearer ${context.shopperToken}`] };
    case "garbage":
      return {
        authorization: random.pick([
          "Bearer",
          "Bearer ",
          "Bearer x.y.z",
          `Bearer ${context.appToken.slice(0, -4)}AAAA`,
          `Bearer ${context.appToken}x`,
          `bearer ${context.appToken}`,
          `Basic ${Buffer.from("a:b").toString("base64")}`,
          "Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnRJZCI6MX0.",
          `Bearer ${"A".repeat(4000)}`,
          `Bearer ${context.appToken.split(".").slice(0, 2).join(".")}.`,
          "Bearer \u00ff\u00fe",
        ]),
      };
    default:
      return { authorization: `Bearer ${context.appToken}` };
  }
}

/** Headers beyond the operation's own: content negotiation, encodings, hop-by-hop and oversized ones (within Node's 16 KiB). */
function randomHeaders(random: Random): Record<string, string> {
  const headers: Record<string, string> = {};
  if (random.chance(0.2)) headers["accept"] = random.pick(["application/json", "text/html", "*/*", "application/xml", "", "application/json;q=0", "image/png, */*;q=0.1"]);
  if (random.chance(0.1)) headers["accept-encoding"] = random.pick(["gzip", "br", "deflate, gzip;q=0", "identity;q=0", "zstd", "*"]);
  if (random.chance(0.05)) headers["x-request-id"] = random.pick(["", "a".repeat(400), "\u00ff", random.string(16)]);
  if (random.chance(0.05)) headers["x-forwarded-for"] = random.pick(["1.2.3.4", "::1", "garbage", "1.2.3.4, 5.6.7.8", "999.999.999.999"]);
  if (random.chance(0.03)) headers["x-fuzz-large"] = oversized(random, random.int(3_000, 6_000)).replace(/[^\u0021-\u007e]/gu, "x");
  if (random.chance(0.02)) headers["content-encoding"] = random.pick(["gzip", "br", "deflate", "identity", "x-unknown"]);
  if (random.chance(0.02)) headers["expect"] = "100-continue";
  if (random.chance(0.02)) headers["x-http-method-override"] = random.pick(["DELETE", "PUT", "GET"]);
  return headers;
}

/** The mutation of the `x-vol-tenant` / `x-vol-site` headers: absent or right, usually. */
function tenantHeader(random: Random, context: FuzzContext, forced: string | undefined): string | string[] | undefined {
  if (forced !== undefined) return forced;
  return random.weighted<() => string | string[] | undefined>([
    [60, () => undefined],
    [30, () => String(context.tenantId)],
    [3, () => String(context.otherTenantId)],
    [3, () => random.pick(HOSTILE_STRINGS.filter((value) => /^[\u0020-\u007e]+$/.test(value)))],
    [1, () => [String(context.tenantId), String(context.tenantId)]],
    [1, () => ` ${context.tenantId} `],
    [1, () => `${context.tenantId}.0`],
    [1, () => "0"],
  ])();
}

/** A header value Node's client will send: bytes outside Latin-1 printable become `?`. */
function headerText(value: string): string {
  return value.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/gu, "?");
}

/** Parameters whose wrong values count as failed sign-ins. */
const CREDENTIAL_PARAMETERS = new Set(["user_id", "user_password", "account_id", "client_id", "client_secret"]);

export class RestGenerator {
  readonly operations: RestOperation[];
  private readonly resolve: Resolve;

  constructor(
    document: { paths: Record<string, Record<string, unknown>> },
    private readonly context: FuzzContext,
  ) {
    this.operations = restOperations(document);
    this.resolve = resolver(document);
  }

  /**
   * A failed sign-in counts against the caller's address (30 a minute, src/auth/sign-in-throttle.ts): credentials
   * are mutated rarely, so that the run keeps reaching what lies behind the sign-in instead of a 429.
   */
  private kindFor(random: Random, name: string, validShare: number): Mutation {
    if (CREDENTIAL_PARAMETERS.has(name)) return random.chance(0.01) ? mutation(random, 0) : "valid";
    return mutation(random, validShare);
  }

  /** A form (urlencoded or multipart, as the loyalty API's clients post), its fields mutated as query parameters are. */
  private formBody(random: Random, schema: JsonSchema, validShare: number): { body: Buffer; contentType: string } {
    const resolved = this.resolve(schema);
    const fields: [string, string][] = [];
    for (const [name, property] of Object.entries(resolved.properties ?? {})) {
      const required = (resolved.required ?? []).includes(name);
      const kind = this.kindFor(random, name, validShare);
      if (!required && kind === "valid" && random.chance(0.5)) continue;
      const parameter: Parameter = { name, in: "query", required, schema: property, example: property.examples?.[0] };
      for (const value of parameterValue(random, parameter, kind, this.context, this.resolve) ?? []) fields.push([name, value]);
    }
    if (random.chance(0.6)) {
      const body = fields.map(([name, value]) => `${name}=${encoded(random, value, random.chance(0.1))}`).join("&");
      return { body: Buffer.from(random.chance(0.02) ? `${body}%` : body), contentType: "application/x-www-form-urlencoded" };
    }
    const boundary = random.chance(0.95) ? `fuzz${random.string(12)}` : "";
    const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    if (random.chance(0.05)) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n${"x".repeat(random.int(1, 5000))}\r\n`);
    const closing = random.chance(0.95) ? `--${boundary}--\r\n` : "";
    return { body: Buffer.from(parts.join("") + closing), contentType: boundary ? `multipart/form-data; boundary=${boundary}` : "multipart/form-data" };
  }

  /** A request for `operation`. */
  request(random: Random, operation: RestOperation): FuzzRequest {
    const validShare = random.pick([0.95, 0.8, 0.5]);
    const headers: Record<string, string | string[]> = {};
    const auth = authorization(random, operation, this.context);
    if (auth.authorization !== undefined) headers["authorization"] = auth.authorization;
    let path = operation.path;
    const query: string[] = [];
    for (const parameter of operation.parameters) {
      const kind = this.kindFor(random, parameter.name, validShare);
      if (parameter.in === "header") {
        if (parameter.name === "x-vol-tenant") {
          const value = tenantHeader(random, this.context, auth.tenant);
          if (value !== undefined) headers[parameter.name] = value;
          continue;
        }
        if (kind === "missing" || (!parameter.required && kind === "valid" && random.chance(0.5))) continue;
        const values = parameterValue(random, parameter, kind, this.context, this.resolve) ?? [];
        const sent = values.map((value) => headerText(value).slice(0, 8_000));
        if (sent.length > 0) headers[parameter.name] = sent.length === 1 ? (sent[0] as string) : sent;
        continue;
      }
      if (parameter.in === "path") {
        // A path parameter cannot be missing or repeated without becoming another route: those mutations are a
        // wrong value instead, and an empty one a space.
        const pathKind = kind === "missing" || kind === "duplicate" ? "wrong" : kind;
        const value = ((parameterValue(random, parameter, pathKind, this.context, this.resolve) ?? [" "])[0] || " ").slice(0, 600);
        const segment = kind === "encoding" ? encoded(random, value, true) : safeEncode(value);
        path = path.replace(`{${parameter.name}}`, segment.replace(/#/g, "%23"));
        continue;
      }
      // Query: optional parameters are sent about half the time when valid.
      if (!parameter.required && kind === "valid" && random.chance(0.5)) continue;
      const values = parameterValue(random, parameter, kind, this.context, this.resolve);
      if (values === undefined) continue;
      const name = kind === "encoding" && random.chance(0.2) ? random.pick([`${parameter.name}[]`, `${parameter.name}[a]`, parameter.name.toUpperCase(), `${parameter.name}%00`]) : parameter.name;
      for (const value of values) query.push(`${name}=${encoded(random, value, kind === "encoding")}`);
    }
    if (random.chance(0.05)) query.push(`${random.pick(["unknown", "__proto__", "constructor", "", "a[b][c]", "%ZZ"])}=${safeEncode(text(wrongValue(random, 4)).slice(0, 1_500))}`);
    if (random.chance(0.02)) query.push(random.pick(["&", "=", "==", "a", "a=b=c", "&&&", ";"]));
    // Node answers 431 before Tally sees a request line and headers over 16 KiB: the longest values go until it fits.
    while (query.join("&").length + path.length > 9_000) query.splice(query.indexOf(query.reduce((a, b) => (b.length > a.length ? b : a))), 1);
    const target = query.length > 0 ? `${path}?${query.join("&")}` : path;
    let body: Buffer | undefined;
    if (operation.body && operation.body.mediaType !== "application/json") {
      const generated = this.formBody(random, operation.body.schema, validShare);
      body = generated.body;
      headers["content-type"] = generated.contentType;
    } else if (operation.body) {
      const generated = jsonBody(random, operation, this.resolve);
      body = generated.body;
      if (generated.contentType || random.chance(0.5)) headers["content-type"] = generated.contentType;
    } else if (operation.method !== "GET" && random.chance(0.05)) {
      body = Buffer.from(JSON.stringify(wrongValue(random, 4)));
      headers["content-type"] = random.pick(CONTENT_TYPES);
    }
    if (operation.auth === "loyalty" && random.chance(0.3)) {
      headers["api_access_key"] = random.chance(0.97) ? this.context.loyalty.password : random.pick(["", "wrong", "a".repeat(300)]);
    }
    Object.assign(headers, randomHeaders(random));
    return {
      face: operation.auth === "loyalty" ? "loyalty" : "rest",
      operation: `${operation.method} ${operation.path}`,
      route: { method: operation.method, path: operation.path },
      method: operation.method,
      path: sendable(target),
      headers,
      ...(body ? { body } : {}),
    };
  }
}

/** Requests to routes that do not exist, or with methods a route does not have: the 404 answer is the API's own. */
export function unroutedRequest(random: Random, context: FuzzContext): FuzzRequest {
  const method = random.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);
  const path = random.pick([
    "/",
    "/api",
    "/api/",
    "/api/commerce/customer/credits/",
    "/api/commerce/customer/credits//transactions",
    "/api/commerce/customer/credits/x/unknown",
    "/api/commerce/customer/../customer/credits",
    "/api/%ZZ",
    "/api/%C0%AF",
    "/%00",
    "/api.php/extra",
    "/docs/../../etc/passwd",
    "//api//commerce",
    `/${"a".repeat(4000)}`,
    "/api/event/pull/",
    "/api/platform/tenants/",
    "/HEALTH",
    "/health/",
    "/ready?x=%ZZ",
    "/api/commerce/orders/%2F/creditmemos",
  ]);
  const headers: Record<string, string> = { authorization: `Bearer ${context.appToken}`, ...randomHeaders(random) };
  const body = method === "GET" || random.chance(0.5) ? undefined : Buffer.from(JSON.stringify(wrongValue(random, 4)));
  if (body) headers["content-type"] = random.pick(CONTENT_TYPES);
  return { face: "unrouted", operation: "unrouted", method, path: sendable(path), headers, ...(body ? { body } : {}) };
}
