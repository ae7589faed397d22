import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { truncate } from "../../delivery/text.js";
import { addressProblem, type EndpointPolicy, endpointUrlProblem } from "./endpoint-policy.js";

/** How a POST to a push endpoint ended. */
export type SendOutcome =
  | { ok: true; httpStatus: number; durationMs: number }
  | { ok: false; httpStatus: number | null; errorType: SendErrorType; message: string; durationMs: number };

/**
 * Why a delivery failed, as its attempts show it: the endpoint answered something other than 2xx, did not answer
 * in time, could not be reached, or may not be delivered to (the SSRF rules).
 */
export type SendErrorType = "HttpStatus" | "Timeout" | "Network" | "Refused";

export interface SendRequest {
  endpoint: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: EndpointPolicy;
}

/** The most of a response Tally reads: enough for an error message, never a receiver's whole page. */
const RESPONSE_LIMIT_BYTES = 16_384;
const MESSAGE_LIMIT = 500;

// Kept-alive connections per process: a busy subscription reuses its TLS session instead of a handshake per event.
// A pooled socket was checked when it connected (the lookup below), so reusing it reaches the same checked address.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 32 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

class RefusedAddress extends Error {}

/**
 * POSTs one delivery. The endpoint is checked again here, after DNS resolution, and the connection goes to the
 * address that was checked (the lookup itself refuses), so a name that turned private after it was subscribed to, or
 * resolves differently each time, cannot reach an internal address. Redirects are not followed: a 3xx is a failure.
 */
export async function sendDelivery({ endpoint, headers, body, timeoutMs, policy }: SendRequest): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const problem = endpointUrlProblem(endpoint, policy);
  if (problem) return { ok: false, httpStatus: null, errorType: "Refused", message: problem, durationMs: 0 };
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const guarded = !policy.allowedHosts.has(host);
  const transport = url.protocol === "https:" ? https : http;

  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = transport.request(
      url,
      {
        method: "POST",
        agent: agents[url.protocol as "http:" | "https:"],
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        ...(guarded ? { lookup: checkedLookup } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < RESPONSE_LIMIT_BYTES) chunks.push(chunk.subarray(0, RESPONSE_LIMIT_BYTES - size));
          size += chunk.length;
          // Enough read: the rest of a large answer is not worth the time or memory.
          if (size >= RESPONSE_LIMIT_BYTES) response.destroy();
        });
        const done = () => {
          if (status >= 200 && status < 300) return finish({ ok: true, httpStatus: status, durationMs: elapsed() });
          const text = Buffer.concat(chunks).toString("utf8").replace(/\s+/g, " ").trim();
          const where = status >= 300 && status < 400 ? ` (redirects are not followed${locationOf(response.headers.location)})` : "";
          finish({
            ok: false,
            httpStatus: status,
            errorType: "HttpStatus",
            message: truncate(`HTTP ${status}${where}${text ? `: ${text}` : ""}`, MESSAGE_LIMIT),
            durationMs: elapsed(),
          });
        };
        response.on("end", done);
        response.on("close", done);
        response.on("error", done);
      },
    );
    const timer = setTimeout(() => {
      finish({
        ok: false,
        httpStatus: null,
        errorType: "Timeout",
        message: `no 2xx answer within ${timeoutMs} ms (EVENT_DELIVERY_TIMEOUT_MS)`,
        durationMs: elapsed(),
      });
      request.destroy();
    }, timeoutMs);
    request.on("error", (error) => {
      const refused = error instanceof RefusedAddress;
      finish({
        ok: false,
        httpStatus: null,
        errorType: refused ? "Refused" : "Network",
        message: truncate(refused ? error.message : describeNetworkError(error), MESSAGE_LIMIT),
        durationMs: elapsed(),
      });
    });
    request.end(body);
  });
}

/** dns.lookup, refusing every answer that includes an address deliveries may not reach. */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 4);
    for (const { address } of addresses) {
      const problem = addressProblem(address, hostname);
      if (problem) return callback(new RefusedAddress(problem), "", 4);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    return first ? callback(null, first.address, first.family) : callback(new Error(`${hostname} has no address`), "", 4);
  });
};

function describeNetworkError(error: Error & { code?: string }): string {
  return error.code ? `${error.code}: ${error.message}` : error.message;
}

function locationOf(location: string | undefined): string {
  return location ? `; Location: ${location}` : "";
}
