import type { FastifyServerOptions } from "fastify";
import type { Config } from "./config.js";

/** Query-string parameters whose values are credentials (the loyalty API accepts its key in a GET query). */
const SECRET_QUERY_PARAMS = /^(user_password|api_access_key|access_token|refresh_token|token|client_secret|password|secret)$/i;

const CENSOR = "[redacted]";

// Every name SECRET_QUERY_PARAMS matches contains one of these words, and a percent-encoding can spell any of them:
// a query string matching neither names no secret, and the URL is logged as it is without splitting it (a list
// request's URL is logged on every request).
const MAY_NAME_A_SECRET = /%|password|key|token|secret/i;

/**
 * Keys whose values never reach a log line, one level down in what a log call passes (`{ body: { password } }`,
 * `{ headers: request.headers }`). A request itself is logged through the `req` serializer, which keeps no headers.
 */
export const SECRET_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "password",
  "user_password",
  "client_secret",
  "clientSecret",
  "sharedSecret",
  "secret",
  "token",
  "access_token",
  "refresh_token",
  "api_access_key",
  "apiKey",
  "secretHash",
  "keyHash",
] as const;

const SECRETS: ReadonlySet<string> = new Set(SECRET_KEYS);

/**
 * A log call's object with SECRET_KEYS censored in each of its object values: what pino's `redact` paths
 * (`*.password`, `headers.authorization`…) did, at a fraction of the cost. Measured per line on this machine: pino's
 * redact with those paths 33 µs, without any 6 µs, with this instead under 1 µs more; one line is written per request.
 * Copies only what it censors; the caller's objects are never changed.
 */
export function censorSecrets(object: Record<string, unknown>): Record<string, unknown> {
  let censored: Record<string, unknown> | undefined;
  for (const key in object) {
    const value = object[key];
    if (typeof value !== "object" || value === null) continue;
    let copy: Record<string, unknown> | undefined;
    for (const inner of Object.keys(value)) {
      if (SECRETS.has(inner)) (copy ??= copyOf(value))[inner] = CENSOR;
    }
    if (copy) (censored ??= { ...object })[key] = copy;
  }
  return censored ?? object;
}

/** A copy with the same prototype and every own property, so an Error keeps its message and stack for its serializer. */
function copyOf(value: object): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(value) as object | null, Object.getOwnPropertyDescriptors(value)) as Record<string, unknown>;
  // Newer V8 (Node 24) keeps an error's stack behind an accessor that reads it from the original object only.
  if (value instanceof Error) Object.defineProperty(copy, "stack", { value: value.stack, writable: true, configurable: true });
  return copy;
}

/** Replaces credential values in a URL's query string with `[redacted]`. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart < 0 || !MAY_NAME_A_SECRET.test(url.slice(queryStart + 1))) return url;
  const params = url
    .slice(queryStart + 1)
    .split("&")
    .map((pair) => {
      const [name = ""] = pair.split("=", 1);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // A malformed name is logged as it came; it cannot be one of ours.
      }
      return SECRET_QUERY_PARAMS.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, queryStart)}?${params.join("&")}`;
}

/** Pino options for Fastify's logger: level from config, credentials redacted, request ids on every line. */
export function loggerOptions(config: Pick<Config, "LOG_LEVEL">): Exclude<FastifyServerOptions["logger"], boolean | undefined> {
  return {
    level: config.LOG_LEVEL,
    formatters: { log: censorSecrets },
    serializers: {
      req(request: { method: string; url: string; hostname?: string; ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), hostname: request.hostname, remoteAddress: request.ip };
      },
    },
  };
}
