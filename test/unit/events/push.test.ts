import { createRequire } from "node:module";
import fc from "fast-check";
import { pushSigningKey, secretBox, SecretBoxError } from "../../../src/auth/secret-box.js";
import { MAX_RETRY_DELAY_MS, retryDelayMs } from "../../../src/delivery/retry.js";
import { addressProblem, endpointPolicy, endpointUrlProblem } from "../../../src/events/push/endpoint-policy.js";
import { pushMessage } from "../../../src/events/push/message.js";

// Kibo's own hashing, as its Node SDK's receivers run it.
const hashStream = createRequire(import.meta.url)("mozu-node-sdk/security/hash-stream") as (
  secret: string,
  date: string,
  body: string,
) => NodeJS.ReadWriteStream & { read(): string | null };

const key = (byte: number) => Buffer.alloc(32, byte).toString("base64");

describe("secretBox", () => {
  test("opens what it sealed; every seal differs", () => {
    const box = secretBox(`a:${key(1)}`);
    const sealed = [box.seal("signing-key"), box.seal("signing-key")];
    expect(sealed[0]).not.toBe(sealed[1]);
    expect(sealed.map((value) => box.open(value))).toEqual(["signing-key", "signing-key"]);
    expect(sealed[0]).not.toContain("signing-key");
  });

  test("a rotated configuration opens values sealed by an older key, and seals with the new one", () => {
    const old = secretBox(`old:${key(1)}`).seal("v");
    const rotated = secretBox(`new:${key(2)},old:${key(1)}`);
    expect(rotated.open(old)).toBe("v");
    expect(rotated.seal("v")).toMatch(/^v1\.new\./);
  });

  test.each([
    ["a key that is no longer configured", (sealed: string) => sealed, `b:${key(2)}`, /key "a", which EVENT_SECRET_KEYS does not list/],
    ["a changed ciphertext", (sealed: string) => sealed.slice(0, -2) + (sealed.endsWith("A") ? "B" : "A") + sealed.slice(-1), `a:${key(1)}`, /does not decrypt/],
    ["a relabelled key id", (sealed: string) => sealed.replace("v1.a.", "v1.b."), `a:${key(1)},b:${key(1)}`, /does not decrypt/],
  ])("refuses %s", (_name, change, keys, message) => {
    const sealed = secretBox(`a:${key(1)}`).seal("secret value");
    expect(() => secretBox(keys).open(change(sealed))).toThrow(SecretBoxError);
    expect(() => secretBox(keys).open(change(sealed))).toThrow(message);
  });
});

describe("pushMessage", () => {
  const event = {
    eventId: "0c6f4a0e-3f55-4c1b-9a0a-1d2e3f4a5b6c",
    tenantId: 26507,
    siteId: 41315,
    topic: "credit.updated",
    entityId: "GC-0001-ABCD",
    correlationId: "checkout-1",
    isTest: false,
    extendedProperties: [{ key: "currentBalance", value: "12.5000" }],
    createdAt: new Date("2026-12-01T10:00:00.000Z"),
  };

  test("is signed exactly as Kibo's SDK computes it from the shared secret", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (secret, entityId) => {
        const sentAt = new Date("2026-12-01T10:00:05Z");
        const { headers, body } = pushMessage({ ...event, entityId }, pushSigningKey(secret), sentAt);
        const kibo = hashStream(secret, headers["date"]!, body);
        kibo.end();
        expect(headers["x-vol-hmac-sha256"]).toBe(kibo.read());
        // A receiver re-serializes the parsed body before checking: it must come out the same.
        expect(JSON.stringify(JSON.parse(body))).toBe(body);
      }),
    );
  });

  test("carries Kibo's body and headers", () => {
    const { headers, body } = pushMessage(event, pushSigningKey("s"), new Date("2026-12-01T10:00:05Z"));
    expect(JSON.parse(body)).toEqual({
      eventId: event.eventId,
      topic: "credit.updated",
      entityId: "GC-0001-ABCD",
      timestamp: "2026-12-01T10:00:00.000Z",
      correlationId: "checkout-1",
      isTest: false,
      extendedProperties: [{ key: "currentBalance", value: "12.5000" }],
    });
    expect(headers).toMatchObject({ date: "Tue, 01 Dec 2026 10:00:05 GMT", "x-vol-tenant": "26507", "x-vol-site": "41315", "x-vol-correlation": "checkout-1" });
    const withoutSite = pushMessage({ ...event, siteId: null, correlationId: null }, "k", new Date()).headers;
    expect(withoutSite).not.toHaveProperty("x-vol-site");
    expect(withoutSite).not.toHaveProperty("x-vol-correlation");
  });
});

describe("endpoint policy", () => {
  const production = endpointPolicy({ EVENT_ALLOW_HTTP: false, EVENT_ALLOWED_HOSTS: "" });
  const local = endpointPolicy({ EVENT_ALLOW_HTTP: true, EVENT_ALLOWED_HOSTS: "127.0.0.1,receiver.internal,[::1]" });

  test.each([
    ["https://hooks.example.com/tally", production, null],
    ["http://hooks.example.com/tally", production, /must be https:\/\//],
    ["http://hooks.example.com/tally", local, null],
    ["ftp://hooks.example.com/", local, /must be an https:\/\/ URL/],
    ["/relative", local, /not an absolute URL/],
    ["https://user:pass@hooks.example.com/", production, /must not carry credentials/],
    ["https://hooks.example.com/#x", production, /fragment/],
    ["https://127.0.0.1/", production, /127\.0\.0\.1 is a loopback address/],
    ["https://10.0.0.8/", production, /private address/],
    ["https://192.168.1.1/", production, /private address/],
    ["https://172.16.0.1/", production, /private address/],
    ["https://100.64.0.1/", production, /carrierGradeNat address/],
    ["https://169.254.169.254/", production, /linkLocal address/],
    ["https://0.0.0.0/", production, /unspecified address/],
    ["https://[::1]/", production, /loopback address/],
    ["https://[fd00::1]/", production, /uniqueLocal address/],
    ["https://[fe80::1]/", production, /linkLocal address/],
    ["https://[::ffff:10.0.0.1]/", production, /10\.0\.0\.1 is a private address/],
    ["https://8.8.8.8/", production, null],
    ["http://127.0.0.1:8080/hook", local, null],
    ["http://[::1]:8080/hook", local, null],
    ["http://RECEIVER.internal/hook", local, null],
  ])("%s", (endpoint, policy, expected) => {
    const problem = endpointUrlProblem(endpoint, policy);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  test("an IPv4 address and its IPv4-mapped IPv6 form get the same verdict", () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const verdict = (value: string) => addressProblem(value) === null;
        expect(verdict(`::ffff:${address}`)).toBe(verdict(address));
      }),
    );
  });
});

describe("retryDelayMs", () => {
  test("starts at the base, doubles, is capped at an hour, and is spread by at most 20 %", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 2_000, middle))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(30, 2_000, middle)).toBe(MAX_RETRY_DELAY_MS);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 10, max: 3_600_000 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (attempt, base, random) => {
        const nominal = Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (attempt - 1));
        const delay = retryDelayMs(attempt, base, () => random);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal * 0.8));
        expect(delay).toBeLessThanOrEqual(Math.ceil(nominal * 1.2));
      }),
    );
  });
});
