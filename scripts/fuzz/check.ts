import { XMLValidator } from "fast-xml-parser";
import { DocumentChecker } from "../../test/helpers/openapi-conformance.js";
import type { FuzzRequest } from "./request.js";

/**
 * What every answer to a fuzzed request must be: never a 5xx (a SOAP fault of Tally's own failure, Magento's fault 1
 * or `Server`, counts as one), never a stack trace or framework code, and described by its face's contract — the
 * OpenAPI document for REST and `/api.php`, a well-formed SOAP 1.1 envelope (a result or a fault) for SOAP, the
 * loyalty API's XML, JSON or JSONP envelope for `/api.php`.
 */

export interface FuzzResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
  /** The kept-alive connection that answered (numbered in the order they opened) and the request answered on it before. */
  connection?: { id: number; previous: FuzzRequest | undefined };
}

export interface Verdict {
  /** A server error: HTTP 5xx, or a SOAP fault saying Tally failed. */
  serverError: boolean;
  /** What does not conform, if anything. */
  problems: string[];
}

// Frames of a stack trace, source positions, framework and Prisma error codes: what no answer may carry.
const LEAK = /node_modules|\bat (?:async )?[\w.<>]+ \(\/|\.(?:ts|js):\d+:\d+|FST_ERR_|\bP[12]\d{3}\b|PrismaClient|ECONNREFUSED/;

export class ResponseChecker {
  private readonly document: DocumentChecker;

  constructor(openapi: object) {
    this.document = new DocumentChecker(openapi as ConstructorParameters<typeof DocumentChecker>[0]);
  }

  check(request: FuzzRequest, response: FuzzResponse): Verdict {
    const text = response.body.toString("utf8");
    const problems: string[] = [];
    let serverError = response.status >= 500;
    if (LEAK.test(text)) problems.push(`the body leaks internals: ${text.slice(0, 300)}`);
    if (request.face === "soap") {
      const soap = checkSoap(request, response, text);
      serverError = soap.serverError;
      problems.push(...soap.problems);
    } else {
      if (request.route) {
        const problem = this.document.check(request.method, request.route.path, response.status, response.contentType, text);
        if (problem) problems.push(problem);
      }
      if (request.face === "loyalty") problems.push(...checkLoyalty(response, text));
      if (request.face === "unrouted") problems.push(...checkUnrouted(response, text));
    }
    return { serverError, problems };
  }
}

function mediaType(response: FuzzResponse): string {
  return response.contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
}

function wellFormed(text: string): string | undefined {
  const result = XMLValidator.validate(text);
  return result === true ? undefined : `${result.err.msg} (line ${result.err.line})`;
}

function checkSoap(request: FuzzRequest, response: FuzzResponse, text: string): Verdict {
  const problems: string[] = [];
  if (mediaType(response) !== "text/xml") problems.push(`SOAP answered ${response.contentType ?? "no content type"}, not text/xml`);
  const malformed = wellFormed(text);
  if (malformed) return { serverError: response.status >= 500, problems: [...problems, `SOAP answered XML that is not well-formed: ${malformed}`] };
  if (request.method === "GET" && response.status === 200) {
    if (!/^<\?xml[^>]*>\s*<(?:wsdl:)?definitions\b/.test(text)) problems.push("a 200 to GET is not a WSDL");
    return { serverError: false, problems };
  }
  if (!/^<\?xml[^>]*>\s*<SOAP-ENV:Envelope\b[^>]*>(?:<SOAP-ENV:Header\/>)?<SOAP-ENV:Body>/.test(text)) problems.push("not a SOAP 1.1 envelope with a Body");
  const fault = /<SOAP-ENV:Fault><faultcode>([^<]*)<\/faultcode><faultstring>([^<]*)<\/faultstring>/.exec(text);
  if (response.status === 500) {
    if (!fault) return { serverError: true, problems: [...problems, "HTTP 500 without a SOAP fault"] };
    // Magento's fault 1 is "Internal Error", and `Server` an unavailable database: Tally's failures, not the caller's.
    const failed = fault[1] === "1" || fault[1] === "Server";
    return { serverError: failed, problems };
  }
  if (response.status === 200) {
    if (fault) problems.push("a SOAP fault under HTTP 200");
    // V2 answers `<ns1:XResponse>`, WS-I its response element `<ns1:XResponseParam>`.
    else if (!(request.server === "wsi" ? /<SOAP-ENV:Body><ns1:\w+ResponseParam>/ : /<SOAP-ENV:Body><ns1:\w+Response\b/).test(text)) {
      problems.push("a 200 whose Body holds no operation response");
    }
    return { serverError: false, problems };
  }
  return { serverError: response.status >= 500, problems: [...problems, `SOAP answered HTTP ${response.status} (a SOAP 1.1 answer is 200 or a fault under 500)`] };
}

function checkLoyalty(response: FuzzResponse, text: string): string[] {
  const type = mediaType(response);
  if (type === "text/xml" || type === "application/xml") {
    const malformed = wellFormed(text);
    if (malformed) return [`the loyalty XML is not well-formed: ${malformed}`];
    return /<response>\s*<status>(success|error)<\/status>/.test(text) || /^<\?xml[^>]*>\s*<response\b/.test(text) ? [] : [`not the loyalty XML envelope: ${text.slice(0, 200)}`];
  }
  if (type === "application/json" || type === "application/javascript") {
    const json = type === "application/javascript" ? /^\/\*\*\/[A-Za-z_$][\w$.]*\(([\s\S]*)\);$/.exec(text)?.[1] : text;
    if (json === undefined) return [`not a JSONP callback: ${text.slice(0, 200)}`];
    try {
      const body = JSON.parse(json) as { status?: unknown };
      return body.status === "success" || body.status === "error" ? [] : [`a loyalty JSON answer without status success or error: ${text.slice(0, 200)}`];
    } catch {
      return [`the loyalty JSON is not JSON: ${text.slice(0, 200)}`];
    }
  }
  return [`the loyalty API answered ${response.contentType ?? "no content type"}`];
}

function checkUnrouted(response: FuzzResponse, text: string): string[] {
  if (response.status === 204 || text === "") return [];
  const type = mediaType(response);
  if (type !== "application/json" && !/\+json$/.test(type)) return [`an unrouted request answered ${response.contentType ?? "no content type"}: ${text.slice(0, 200)}`];
  try {
    JSON.parse(text);
    return [];
  } catch {
    return [`an unrouted request answered JSON that is not JSON: ${text.slice(0, 200)}`];
  }
}
