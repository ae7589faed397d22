import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import type { Config } from "../../config.js";

/** Where push deliveries may go (EVENT_ALLOW_HTTP, EVENT_ALLOWED_HOSTS). */
export interface EndpointPolicy {
  readonly allowHttp: boolean;
  /** Lower-case host names and IP addresses exempt from the address check. */
  readonly allowedHosts: ReadonlySet<string>;
}

export function endpointPolicy(config: Pick<Config, "EVENT_ALLOW_HTTP" | "EVENT_ALLOWED_HOSTS">): EndpointPolicy {
  const hosts = config.EVENT_ALLOWED_HOSTS.split(",").map((host) => unbracket(host.trim().toLowerCase()));
  return { allowHttp: config.EVENT_ALLOW_HTTP, allowedHosts: new Set(hosts.filter((host) => host !== "")) };
}

/** Why an endpoint, as written, may not be subscribed to, before any name is resolved; null when it may. */
export function endpointUrlProblem(endpoint: string, policy: EndpointPolicy): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "endpoint: not an absolute URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "endpoint: must be an https:// URL";
  if (url.protocol === "http:" && !policy.allowHttp) {
    return "endpoint: must be https:// (http:// is accepted only outside production, or with EVENT_ALLOW_HTTP=true)";
  }
  if (url.username || url.password) return "endpoint: must not carry credentials; deliveries are signed instead";
  if (url.hash) return "endpoint: must not have a #fragment";
  const host = unbracket(url.hostname.toLowerCase());
  if (policy.allowedHosts.has(host)) return null;
  if (ipaddr.isValid(host)) return addressProblem(host);
  return null;
}

/**
 * Why an endpoint may not be used, its host resolved as a delivery would resolve it; null when it may. Subscribing
 * checks it once, and every delivery again (sendDelivery pins the connection to an address it checked), since a
 * name's addresses can change after it was accepted.
 */
export async function endpointProblem(endpoint: string, policy: EndpointPolicy): Promise<string | null> {
  const problem = endpointUrlProblem(endpoint, policy);
  if (problem) return problem;
  const host = unbracket(new URL(endpoint).hostname.toLowerCase());
  if (policy.allowedHosts.has(host) || ipaddr.isValid(host)) return null;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return `endpoint: the host ${host} does not resolve`;
  }
  for (const { address } of addresses) {
    const refused = addressProblem(address, host);
    if (refused) return refused;
  }
  return null;
}

/**
 * Why a delivery may not connect to `address` (loopback, link-local, private, carrier-grade NAT, multicast,
 * reserved… anything but a public unicast address); null when it may. IPv4-mapped IPv6 addresses are judged as the
 * IPv4 address they carry.
 */
export function addressProblem(address: string, host?: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return `endpoint: ${address} is not an IP address`;
  }
  const range = parsed.range();
  if (range === "unicast") return null;
  const via = host && host !== address ? ` (${host} resolves to it)` : "";
  return `endpoint: ${parsed.toString()} is a ${range} address${via}; only public addresses are delivered to, unless EVENT_ALLOWED_HOSTS lists the host`;
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
