import type { FastifyServerOptions } from "fastify";
import type { Config } from "./config.js";

/** Query-string parameters whose values are credentials (the loyalty API accepts its key in a GET query). */
const SECRET_QUERY_PARAMS = /^(user_password|api_access_key|access_token|refresh_token|token|client_secret|password|secret)$/i;

/** Object paths whose values never reach a log line, wherever a log call puts them. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["api_access_key"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  'headers["api_access_key"]',
  "*.password",
  "*.user_password",
  "*.client_secret",
  "*.clientSecret",
  "*.sharedSecret",
  "*.secret",
  "*.token",
  "*.access_token",
  "*.refresh_token",
  "*.api_access_key",
  "*.apiKey",
  "*.secretHash",
  "*.keyHash",
];

/** Replaces credential values in a URL's query string with `[redacted]`. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart < 0) return url;
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
export function loggerOptions(config: Pick<Config, "LOG_LEVEL">): NonNullable<FastifyServerOptions["logger"]> {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: {
      req(request: { method: string; url: string; hostname?: string; ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), hostname: request.hostname, remoteAddress: request.ip };
      },
    },
  };
}
