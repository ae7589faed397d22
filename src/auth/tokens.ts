import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyObject,
  SignJWT,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  importSPKI,
  jwtVerify,
} from "jose";
import type { Config } from "../config.js";
import { Errors } from "../errors.js";
import { type ApplicationCaller, BEHAVIORS, type Behavior, type ShopperCaller } from "./caller.js";
import { parseSigningKeys } from "./keys.js";
import { VerifiedTokenCache } from "./token-cache.js";

const ISSUER = "tally";
const AUDIENCE = "tally-api";
const APP_TOKEN_TYPE = "app";
// Tally's own tokens are HMAC-signed; no other algorithm (and never `none`) is accepted for them.
const APP_ALGORITHMS = ["HS256"];

/** The token of an `Authorization: Bearer <token>` header, or undefined when the header is missing or another kind. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

export interface AccessTokenClaims {
  tenantId: number;
  clientId: string;
  behaviors: readonly Behavior[];
}

interface HmacKey {
  kid: string;
  cryptoKey: () => Promise<CryptoKey>;
}

/**
 * Signs and verifies Tally's access tokens (JWT, HS256, key id in the header for rotation). A verified token is
 * remembered until it expires (`VerifiedTokenCache`). Access tokens are stateless: revoking an application stops it
 * from obtaining tokens, and one it already holds works until its `exp`, cached or not.
 */
export class AccessTokens {
  private readonly keys: HmacKey[];
  private readonly verified = new VerifiedTokenCache<ApplicationCaller>();

  constructor(keys: string, readonly ttlSeconds: number) {
    this.keys = parseSigningKeys(keys).map(({ kid, secret }) => ({ kid, cryptoKey: once(() => importHmacKey(secret)) }));
  }

  /** Whether a token's header names one of Tally's own keys (otherwise it may be a shopper token). */
  isOwnToken(token: string): boolean {
    // Only this instance's keys can have verified a token it cached: no need to decode the header again.
    if (this.verified.has(token)) return true;
    try {
      const { kid } = decodeProtectedHeader(token);
      return this.keys.some((key) => key.kid === kid);
    } catch {
      return false;
    }
  }

  /** A new access token for an application. */
  async sign(claims: AccessTokenClaims): Promise<string> {
    const [current] = this.keys;
    if (!current) throw new Error("no signing key configured");
    return new SignJWT({ tid: claims.tenantId, beh: [...claims.behaviors], typ: APP_TOKEN_TYPE })
      .setProtectedHeader({ alg: "HS256", kid: current.kid, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(claims.clientId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(await current.cryptoKey());
  }

  /** The application a valid token speaks for; 401 for anything else. */
  async verify(token: string): Promise<ApplicationCaller> {
    const cached = this.verified.get(token);
    if (cached) return cached;
    const getKey = (header: { kid?: string }) => {
      const key = this.keys.find((candidate) => candidate.kid === header.kid);
      if (!key) throw Errors.unauthorized("The token was signed with an unknown key.");
      return key.cryptoKey();
    };
    const { payload } = await verifyOrUnauthorized(token, getKey, { algorithms: APP_ALGORITHMS, issuer: ISSUER, audience: AUDIENCE });
    const tenantId = payload["tid"];
    const behaviors = payload["beh"];
    if (
      payload["typ"] !== APP_TOKEN_TYPE ||
      typeof tenantId !== "number" ||
      typeof payload.sub !== "string" ||
      !Array.isArray(behaviors)
    ) {
      throw Errors.unauthorized("The token is not an application access token.");
    }
    // Frozen: every request carrying this token now shares the object.
    const caller: ApplicationCaller = Object.freeze({
      kind: "application",
      tenantId,
      clientId: payload.sub,
      behaviors: new Set(behaviors.filter((b): b is Behavior => (BEHAVIORS as readonly string[]).includes(b))),
    });
    this.verified.set(token, caller, payload.exp);
    return caller;
  }
}

type VerifyKey = CryptoKey | KeyObject | JWTVerifyGetKey;

/**
 * Verifies shopper tokens issued by the storefront: `sub` is the shopper's customer id and `tid` the tenant.
 * The algorithm allow-list follows the configured key, so an HMAC token can never be checked against a
 * public key (algorithm confusion) and `alg: none` never verifies. Verified tokens are remembered until their `exp`
 * as application tokens are (a token without `exp` is verified every time); an RSA or EC signature costs more to
 * check than an HMAC, so the cache saves more here.
 */
export class ShopperTokens {
  private readonly verified = new VerifiedTokenCache<ShopperCaller>();

  private constructor(
    private readonly key: VerifyKey,
    private readonly algorithms: string[],
  ) {}

  /** Builds the verifier from whichever shopper key the configuration names. */
  static async fromConfig(config: Pick<Config, "SHOPPER_TOKEN_SECRET" | "SHOPPER_TOKEN_PUBLIC_KEY_FILE" | "SHOPPER_JWKS_FILE">): Promise<ShopperTokens | undefined> {
    if (config.SHOPPER_TOKEN_SECRET) {
      return new ShopperTokens(await importHmacKey(new TextEncoder().encode(config.SHOPPER_TOKEN_SECRET)), ["HS256"]);
    }
    if (config.SHOPPER_TOKEN_PUBLIC_KEY_FILE) {
      const pem = readFileSync(config.SHOPPER_TOKEN_PUBLIC_KEY_FILE, "utf8");
      const algorithm = publicKeyAlgorithm(pem);
      return new ShopperTokens(await importSPKI(pem, algorithm), [algorithm]);
    }
    if (config.SHOPPER_JWKS_FILE) {
      const jwks = JSON.parse(readFileSync(config.SHOPPER_JWKS_FILE, "utf8")) as Parameters<typeof createLocalJWKSet>[0];
      return new ShopperTokens(createLocalJWKSet(jwks), ["RS256", "ES256", "PS256", "EdDSA"]);
    }
    return undefined;
  }

  /** The shopper a valid token speaks for; 401 for anything else. */
  async verify(token: string): Promise<ShopperCaller> {
    const cached = this.verified.get(token);
    if (cached) return cached;
    const { payload } = await verifyOrUnauthorized(token, this.key, { algorithms: this.algorithms });
    const tenantId = payload["tid"];
    const customerId = Number(payload.sub);
    if (typeof tenantId !== "number" || !Number.isSafeInteger(customerId) || customerId <= 0) {
      throw Errors.unauthorized("The shopper token must carry the tenant (tid) and the customer id (sub).");
    }
    const caller: ShopperCaller = Object.freeze({ kind: "shopper", tenantId, customerId });
    this.verified.set(token, caller, payload.exp);
    return caller;
  }
}

/**
 * The algorithm a PEM public key verifies: RS256 for RSA, ES256 for a P-256 EC key. Read from the key itself, since
 * the PEM's base64 can contain any letters.
 */
function publicKeyAlgorithm(pem: string): "RS256" | "ES256" {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType === "rsa") return "RS256";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
  throw new Error("SHOPPER_TOKEN_PUBLIC_KEY_FILE must hold an RSA or a P-256 EC public key");
}

/**
 * An HMAC secret as a CryptoKey. Given the raw bytes, jose imports them again on every call (8 % of a busy list
 * request's CPU in the issue 15 profile); imported once, the key is only checked.
 */
function importHmacKey(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** `make`'s result, computed on the first call. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** Signs a shopper token with a shared secret, as a storefront would (development and tests). */
export function signShopperToken(secret: string, claims: { tenantId: number; customerId: number }, ttlSeconds = 86_400): Promise<string> {
  return new SignJWT({ tid: claims.tenantId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(claims.customerId))
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

async function verifyOrUnauthorized(
  token: string,
  key: VerifyKey,
  options: { algorithms: string[]; issuer?: string; audience?: string },
): Promise<{ payload: JWTPayload }> {
  try {
    return typeof key === "function" ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw Errors.unauthorized("The token has expired.");
    if (error instanceof joseErrors.JOSEError) throw Errors.unauthorized("The token is invalid.");
    throw error;
  }
}
