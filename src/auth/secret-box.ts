import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Config } from "../config.js";

/**
 * Encrypts the few secrets Tally must be able to read back (the keys push deliveries are signed with) under keys
 * from configuration (EVENT_SECRET_KEYS: `kid:base64key,…`), so a copy of the database alone does not let anyone
 * sign deliveries. AES-256-GCM; a sealed value is `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url), so a key can be
 * rotated: the first key seals, every listed key opens.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** Whether `sealed` is under the key that seals now: after a rotation, values under older keys are sealed again. */
  isCurrent(sealed: string): boolean;
}

/** Thrown when a sealed value names a key that is not configured, or does not decrypt under it. */
export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

export function secretBox(keys: string): SecretBox {
  const parsed = keys.split(",").map((pair) => {
    const separator = pair.indexOf(":");
    const key = Buffer.from(pair.slice(separator + 1), "base64");
    if (key.length !== 32) throw new SecretBoxError(`key ${pair.slice(0, separator)} is not 32 bytes`);
    return { kid: pair.slice(0, separator), key };
  });
  const byKid = new Map(parsed.map(({ kid, key }) => [kid, key]));
  const sealer = parsed[0];
  if (!sealer) throw new SecretBoxError("no key configured");
  return {
    isCurrent: (sealed) => sealed.startsWith(`v1.${sealer.kid}.`),
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", sealer.key, iv);
      // The key id is authenticated too: a value cannot be relabelled to another key.
      cipher.setAAD(Buffer.from(sealer.kid));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v1", sealer.kid, iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
        .join(".");
    },
    open(sealed) {
      const [version, kid, iv, tag, ciphertext] = sealed.split(".");
      const key = kid === undefined ? undefined : byKid.get(kid);
      if (version !== "v1" || !key || !iv || !tag || ciphertext === undefined) {
        throw new SecretBoxError(`sealed with key ${JSON.stringify(kid ?? "")}, which EVENT_SECRET_KEYS does not list`);
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(kid!));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
      } catch (cause) {
        throw new SecretBoxError(`does not decrypt under key ${kid}`, { cause });
      }
    },
  };
}

/**
 * What Kibo's push signature is keyed with: base64(sha256(secret + secret)). Storing it (sealed) instead of the
 * secret lets Tally sign deliveries while the secret itself stays known only as its scrypt hash; it cannot be used
 * to obtain a token.
 */
export function pushSigningKey(sharedSecret: string): string {
  return createHash("sha256").update(sharedSecret + sharedSecret, "utf8").digest("base64");
}

/**
 * What seals the push-signing keys stored with applications (EVENT_SECRET_KEYS). Production requires the keys and
 * the server and commands generate them elsewhere, so only a configuration built by hand (the OpenAPI script) has
 * none; an application then gets its key at its first token request under a configured Tally.
 */
export function signingKeySealer(config: Pick<Config, "EVENT_SECRET_KEYS">): SecretBox | undefined {
  return config.EVENT_SECRET_KEYS ? secretBox(config.EVENT_SECRET_KEYS) : undefined;
}
