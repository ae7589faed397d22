import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config.js";

/** One HMAC key of Tally's own access tokens. */
export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

/** Parses `kid:secret,kid:secret` (first one signs). */
export function parseSigningKeys(value: string): SigningKey[] {
  return value.split(",").map((pair) => {
    const separator = pair.indexOf(":");
    return { kid: pair.slice(0, separator), secret: new TextEncoder().encode(pair.slice(separator + 1)) };
  });
}

interface DevSecrets {
  AUTH_SIGNING_KEYS: string;
  SHOPPER_TOKEN_SECRET: string;
  /** Added after the first two: a file written before has none until the next start fills it in. */
  EVENT_SECRET_KEYS?: string;
}

/**
 * Outside production, fills unset token keys from a per-installation file, generating it on first use, so a
 * fresh checkout works without setup while no key is ever a constant in the code. Production must configure
 * its keys (loadConfig refuses to start without them).
 */
export function withDevelopmentKeys(config: Config): Config {
  if (config.NODE_ENV === "production") return config;
  const needsAppKeys = !config.AUTH_SIGNING_KEYS;
  const needsShopperKey = !config.SHOPPER_TOKEN_SECRET && !config.SHOPPER_TOKEN_PUBLIC_KEY_FILE && !config.SHOPPER_JWKS_FILE;
  const needsEventKeys = !config.EVENT_SECRET_KEYS;
  if (!needsAppKeys && !needsShopperKey && !needsEventKeys) return config;
  const secrets = loadOrCreateDevSecrets(path.resolve(config.DEV_SECRETS_FILE));
  return Object.freeze({
    ...config,
    AUTH_SIGNING_KEYS: config.AUTH_SIGNING_KEYS ?? secrets.AUTH_SIGNING_KEYS,
    SHOPPER_TOKEN_SECRET: needsShopperKey ? secrets.SHOPPER_TOKEN_SECRET : config.SHOPPER_TOKEN_SECRET,
    EVENT_SECRET_KEYS: config.EVENT_SECRET_KEYS ?? secrets.EVENT_SECRET_KEYS,
  });
}

function loadOrCreateDevSecrets(file: string): Required<DevSecrets> {
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DevSecrets) : undefined;
  if (existing?.EVENT_SECRET_KEYS) return existing as Required<DevSecrets>;
  const secrets: Required<DevSecrets> = {
    AUTH_SIGNING_KEYS: existing?.AUTH_SIGNING_KEYS ?? `dev-${randomBytes(4).toString("hex")}:${randomBytes(32).toString("base64url")}`,
    SHOPPER_TOKEN_SECRET: existing?.SHOPPER_TOKEN_SECRET ?? randomBytes(32).toString("base64url"),
    EVENT_SECRET_KEYS: `dev-${randomBytes(4).toString("hex")}:${randomBytes(32).toString("base64url")}`,
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
