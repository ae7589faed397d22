import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SignJWT, importPKCS8 } from "jose";
import { AccessTokens, ShopperTokens, signShopperToken } from "../../../src/auth/tokens.js";

const CURRENT = `new-1:${"n".repeat(40)}`;
const OLD = `old-1:${"o".repeat(40)}`;
const claims = { tenantId: 7, clientId: "app-7", behaviors: ["CreditRead"] } as const;

const unauthorized = (message: string) => expect.objectContaining({ errorCode: "UNAUTHORIZED", message });

/** An application token of `keys`' first key that expires at `exp` (seconds since the epoch). */
async function appTokenExpiringAt(keys: string, exp: number): Promise<string> {
  const [kid, secret] = keys.split(":") as [string, string];
  return new SignJWT({ tid: 7, beh: ["CreditRead"], typ: "app" })
    .setProtectedHeader({ alg: "HS256", kid })
    .setIssuer("tally")
    .setAudience("tally-api")
    .setSubject("app-7")
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

// A timer may fire a millisecond before Date.now() reaches its target: wait until the clock itself says so.
async function sleepUntil(ms: number): Promise<void> {
  while (Date.now() < ms) await new Promise((resolve) => setTimeout(resolve, Math.max(1, ms - Date.now())));
}

describe("application tokens", () => {
  test("a token verified again answers the same caller, without checking the signature again", async () => {
    const tokens = new AccessTokens(CURRENT, 3600);
    const token = await tokens.sign(claims);
    const first = await tokens.verify(token);
    expect(first).toMatchObject({ kind: "application", tenantId: 7, clientId: "app-7" });
    expect([...first.behaviors]).toEqual(["CreditRead"]);
    expect(await tokens.verify(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  test("a cached token is refused from the instant it expires", async () => {
    const tokens = new AccessTokens(CURRENT, 3600);
    // At least a second of life left, so it verifies (and is cached) before it expires.
    const exp = Math.ceil(Date.now() / 1000) + 1;
    const token = await appTokenExpiringAt(CURRENT, exp);
    await expect(tokens.verify(token)).resolves.toMatchObject({ clientId: "app-7" });
    await sleepUntil(exp * 1000);
    await expect(tokens.verify(token)).rejects.toEqual(unauthorized("The token has expired."));
  });

  test("a token changed after a valid one was cached is refused", async () => {
    const tokens = new AccessTokens(CURRENT, 3600);
    const token = await tokens.sign(claims);
    await tokens.verify(token);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const otherPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), tid: 8 })).toString(
      "base64url",
    );
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
    for (const tampered of [`${header}.${otherPayload}.${signature}`, `${header}.${payload}.${flipped}`]) {
      await expect(tokens.verify(tampered)).rejects.toEqual(unauthorized("The token is invalid."));
    }
  });

  test("after rotation, verifiers configured without the old key refuse a token another verifier cached", async () => {
    const beforeRotation = new AccessTokens(`${OLD},${CURRENT}`, 3600);
    const token = await beforeRotation.sign(claims);
    await beforeRotation.verify(token);
    expect(beforeRotation.isOwnToken(token)).toBe(true);

    const rotating = new AccessTokens(`${CURRENT},${OLD}`, 3600);
    await expect(rotating.verify(token)).resolves.toMatchObject({ clientId: "app-7" });
    const rotated = new AccessTokens(CURRENT, 3600);
    expect(rotated.isOwnToken(token)).toBe(false);
    await expect(rotated.verify(token)).rejects.toEqual(unauthorized("The token was signed with an unknown key."));
  });
});

describe("shopper tokens", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), "tally-shopper-keys-"));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  function keyFile(name: string, publicPem: string): string {
    const file = path.join(directory, name);
    writeFileSync(file, publicPem);
    return file;
  }

  // An RSA key whose PEM text happens to contain "ec" was once taken for an EC key: one is picked on purpose.
  function rsaKeyWithEcInItsPem() {
    for (;;) {
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const pem = pair.publicKey.export({ type: "spki", format: "pem" }) as string;
      if (/ec/i.test(pem)) return { pem, privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string };
    }
  }

  function ecKey() {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return {
      pem: pair.publicKey.export({ type: "spki", format: "pem" }) as string,
      privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    };
  }

  test.each([
    ["RS256", rsaKeyWithEcInItsPem],
    ["ES256", ecKey],
  ] as const)("a %s public key file verifies the storefront's tokens, and a verified token is remembered", async (alg, makeKey) => {
    const { pem, privatePem } = makeKey();
    const verifier = await ShopperTokens.fromConfig({ SHOPPER_TOKEN_PUBLIC_KEY_FILE: keyFile(`${alg}.pem`, pem) });
    const token = await new SignJWT({ tid: 3 })
      .setProtectedHeader({ alg })
      .setSubject("41")
      .setExpirationTime("1h")
      .sign(await importPKCS8(privatePem, alg));
    const first = await verifier!.verify(token);
    expect(first).toEqual({ kind: "shopper", tenantId: 3, customerId: 41 });
    expect(await verifier!.verify(token)).toBe(first);
  });

  test("a public key file of another kind is refused at start-up, saying what it must hold", async () => {
    const file = keyFile("ed25519.pem", generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }) as string);
    await expect(ShopperTokens.fromConfig({ SHOPPER_TOKEN_PUBLIC_KEY_FILE: file })).rejects.toThrow(
      "SHOPPER_TOKEN_PUBLIC_KEY_FILE must hold an RSA or a P-256 EC public key",
    );
  });

  test("a token without exp is accepted as before but verified every time, never remembered", async () => {
    const secret = "s".repeat(40);
    const verifier = await ShopperTokens.fromConfig({ SHOPPER_TOKEN_SECRET: secret });
    const withoutExp = await new SignJWT({ tid: 3 }).setProtectedHeader({ alg: "HS256" }).setSubject("41").sign(new TextEncoder().encode(secret));
    const first = await verifier!.verify(withoutExp);
    expect(first).toEqual({ kind: "shopper", tenantId: 3, customerId: 41 });
    expect(await verifier!.verify(withoutExp)).not.toBe(first);

    const withExp = await signShopperToken(secret, { tenantId: 3, customerId: 41 });
    expect(await verifier!.verify(withExp)).toBe(await verifier!.verify(withExp));
  });

  test("a cached shopper token is refused from the instant it expires", async () => {
    const secret = "s".repeat(40);
    const verifier = await ShopperTokens.fromConfig({ SHOPPER_TOKEN_SECRET: secret });
    const exp = Math.ceil(Date.now() / 1000) + 1;
    const token = await new SignJWT({ tid: 3 })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("41")
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));
    await verifier!.verify(token);
    await sleepUntil(exp * 1000);
    await expect(verifier!.verify(token)).rejects.toEqual(unauthorized("The token has expired."));
  });
});
