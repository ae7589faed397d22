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
import { type SigningKey, parseSigningKeys } from "./keys.js";

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

/** Signs and verifies Tally's access tokens (JWT, HS256, key id in the header for rotation). */
export class AccessTokens {
  private readonly keys: SigningKey[];

  constructor(keys: string, readonly ttlSeconds: number) {
    this.keys = parseSigningKeys(keys);
  }

  /** Whether a token's header names one of Tally's own keys (otherwise it may be a shopper token). */
  isOwnToken(token: string): boolean {
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
      .sign(current.secret);
  }

  /** The application a valid token speaks for; 401 for anything else. */
  async verify(token: string): Promise<ApplicationCaller> {
    const getKey = (header: { kid?: string }) => {
      const key = this.keys.find((candidate) => candidate.kid === header.kid);
      if (!key) throw Errors.unauthorized("The token was signed with an unknown key.");
      return key.secret;
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
    return {
      kind: "application",
      tenantId,
      clientId: payload.sub,
      behaviors: new Set(behaviors.filter((b): b is Behavior => (BEHAVIORS as readonly string[]).includes(b))),
    };
  }
}

type VerifyKey = Uint8Array | CryptoKey | KeyObject | JWTVerifyGetKey;

/**
 * Verifies shopper tokens issued by the storefront: `sub` is the shopper's customer id and `tid` the tenant.
 * The algorithm allow-list follows the configured key, so an HMAC token can never be checked against a
 * public key (algorithm confusion) and `alg: none` never verifies.
 */
export class ShopperTokens {
  private constructor(
    private readonly key: VerifyKey,
    private readonly algorithms: string[],
  ) {}

  /** Builds the verifier from whichever shopper key the configuration names. */
  static async fromConfig(config: Pick<Config, "SHOPPER_TOKEN_SECRET" | "SHOPPER_TOKEN_PUBLIC_KEY_FILE" | "SHOPPER_JWKS_FILE">): Promise<ShopperTokens | undefined> {
    if (config.SHOPPER_TOKEN_SECRET) {
      return new ShopperTokens(new TextEncoder().encode(config.SHOPPER_TOKEN_SECRET), ["HS256"]);
    }
    if (config.SHOPPER_TOKEN_PUBLIC_KEY_FILE) {
      const pem = readFileSync(config.SHOPPER_TOKEN_PUBLIC_KEY_FILE, "utf8");
      const algorithm = pem.includes("BEGIN PUBLIC KEY") && /EC|ecdsa/i.test(pem) ? "ES256" : "RS256";
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
    const { payload } = await verifyOrUnauthorized(token, this.key, { algorithms: this.algorithms });
    const tenantId = payload["tid"];
    const customerId = Number(payload.sub);
    if (typeof tenantId !== "number" || !Number.isSafeInteger(customerId) || customerId <= 0) {
      throw Errors.unauthorized("The shopper token must carry the tenant (tid) and the customer id (sub).");
    }
    return { kind: "shopper", tenantId, customerId };
  }
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
