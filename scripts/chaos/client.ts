import { MAGENTO_API_USER } from "../../src/examples/index.js";

/**
 * The chaos run's client: one request to one replica, timed, with a client-side timeout, and the soap/rest bodies the
 * load sends. Every answer (or its absence) is recorded for the checks.
 */

/** How long the client waits for any answer before giving up on that attempt and retrying elsewhere. */
export const CLIENT_TIMEOUT_MS = 15_000;

export interface Exchange {
  replica: number;
  startedAt: number;
  ms: number;
  /** undefined: no answer (connection refused or cut, or the client's timeout). */
  status: number | undefined;
  timedOut: boolean;
  body: string;
}

export interface Call {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export async function send(replica: number, base: string, call: Call): Promise<Exchange> {
  const startedAt = Date.now();
  try {
    const response = await fetch(base + call.path, {
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const body = await response.text();
    return { replica, startedAt, ms: Date.now() - startedAt, status: response.status, timedOut: false, body };
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    return { replica, startedAt, ms: Date.now() - startedAt, status: undefined, timedOut, body: String((error as Error).message) };
  }
}

export async function applicationToken(base: string, app: { clientId: string; secret: string }): Promise<string> {
  const response = await fetch(`${base}/api/platform/applications/authtickets/oauth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: app.clientId, client_secret: app.secret, grant_type: "client_credentials" }),
  });
  if (!response.ok) throw new Error(`authticket for ${app.clientId}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export const SOAP_PATH = "/api/v2_soap/index/";

const SOAP_HEADERS = {
  "content-type": "text/xml; charset=utf-8",
  soapaction: '"urn:Mage_Api_Model_Server_V2_HandlerAction"',
};

/** A SOAP V2 call as PHP's SoapClient writes it (rpc/encoded, every part a string). */
export function soapCall(operation: string, parts: Record<string, string>): Call {
  const elements = Object.entries(parts)
    .map(([part, value]) => `<${part} xsi:type="xsd:string">${value}</${part}>`)
    .join("");
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:Magento" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<SOAP-ENV:Body><ns1:${operation}>${elements}</ns1:${operation}></SOAP-ENV:Body></SOAP-ENV:Envelope>\n`;
  return { method: "POST", path: SOAP_PATH, headers: SOAP_HEADERS, body };
}

export async function soapLogin(base: string): Promise<string> {
  const exchange = await send(0, base, soapCall("login", { username: MAGENTO_API_USER.username, apiKey: MAGENTO_API_USER.apiKey }));
  const session = /<loginReturn[^>]*>([^<]+)<\/loginReturn>/.exec(exchange.body)?.[1];
  if (exchange.status !== 200 || !session) throw new Error(`SOAP login: ${exchange.status} ${exchange.body}`);
  return session;
}

export function isSoapFault(exchange: Exchange): boolean {
  return exchange.body.includes(":Fault>");
}
