import { ConfigError, loadConfig } from "../../src/config.js";
import { PRODUCTION_ENV } from "../helpers/production-env.js";

test("an empty environment gives the documented defaults: embedded database, port 3000, demo data outside production", () => {
  const config = loadConfig({});
  expect(config).toMatchObject({ PORT: 3000, HOST: "0.0.0.0", LOG_LEVEL: "info", DATABASE_POOL_SIZE: 10, EMBEDDED_SEED_DEMO: true });
  expect(config.DATABASE_URL).toBeUndefined();
  expect(config.EMBEDDED_DATA_DIR).toMatch(/\/data\/pglite$/);
  expect(Object.isFrozen(config)).toBe(true);
});

test("values are converted from their string form", () => {
  const config = loadConfig({ PORT: "8080", TRUST_PROXY: "true", DATABASE_URL: "postgresql://u@db:5432/tally" });
  expect(config.PORT).toBe(8080);
  expect(config.TRUST_PROXY).toBe(true);
  expect(config.DATABASE_URL).toBe("postgresql://u@db:5432/tally");
});

const productionKeys = { ...PRODUCTION_ENV, DATABASE_URL: "postgresql://tally@db:5432/tally" };

test("production does not load demo data (and its demo credentials) unless asked to", () => {
  expect(loadConfig({ ...productionKeys }).EMBEDDED_SEED_DEMO).toBe(false);
  expect(loadConfig({ ...productionKeys, EMBEDDED_SEED_DEMO: "true" }).EMBEDDED_SEED_DEMO).toBe(true);
});

test("production refuses to start without its token keys; development generates its own later", () => {
  expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/AUTH_SIGNING_KEYS: required in production/);
  expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/SHOPPER_TOKEN_SECRET or SHOPPER_TOKEN_PUBLIC_KEY_FILE or SHOPPER_JWKS_FILE/);
  expect(() => loadConfig({})).not.toThrow();
});

test("signing keys must be kid:secret pairs with long secrets, and only one shopper key source is allowed", () => {
  expect(() => loadConfig({ AUTH_SIGNING_KEYS: "k1:short" })).toThrow(/AUTH_SIGNING_KEYS/);
  expect(() => loadConfig({ SHOPPER_TOKEN_SECRET: "c".repeat(32), SHOPPER_JWKS_FILE: "/keys.json" })).toThrow(
    /set only one way to verify shopper tokens/,
  );
});

test("every wrong variable is named in one error, once each", () => {
  let caught: unknown;
  try {
    loadConfig({ PORT: "abc", LOG_LEVEL: "loud", DATABASE_URL: "mysql://x", DATABASE_POOL_SIZE: "0" });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const problems = (caught as ConfigError).problems;
  expect(problems).toHaveLength(4);
  expect(problems.join("\n")).toMatch(/PORT="abc": must be integer/);
  expect(problems.join("\n")).toMatch(/LOG_LEVEL="loud".*one of fatal, error, warn, info, debug, trace, silent/);
  // A database URL may hold a password: named, never echoed.
  expect(problems.join("\n")).toMatch(/DATABASE_URL=\[redacted\]: must match pattern/);
  expect(problems.join("\n")).toMatch(/DATABASE_POOL_SIZE="0"/);
});

test.each(["80.7", "1e3", "0x50", "80abc"])("an integer variable written as %s is refused, not rounded", (port) => {
  expect(() => loadConfig({ PORT: port })).toThrow(new RegExp(`PORT="${port}": must be integer`));
});

test("an integer variable may carry a sign or surrounding spaces", () => {
  expect(loadConfig({ PORT: " 8080 " }).PORT).toBe(8080);
  expect(loadConfig({ PORT: "+8080" }).PORT).toBe(8080);
});

test("an empty variable counts as unset", () => {
  const config = loadConfig({ PORT: "", DATABASE_URL: "" });
  expect(config.PORT).toBe(3000);
  expect(config.DATABASE_URL).toBeUndefined();
});

test("idempotency keys are kept 24 hours and purged hourly unless configured; the TTL is at least an hour", () => {
  expect(loadConfig({})).toMatchObject({ IDEMPOTENCY_KEY_TTL_HOURS: 24, IDEMPOTENCY_PURGE_INTERVAL_MINUTES: 60 });
  expect(loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: "72", IDEMPOTENCY_PURGE_INTERVAL_MINUTES: "0" })).toMatchObject({
    IDEMPOTENCY_KEY_TTL_HOURS: 72,
    IDEMPOTENCY_PURGE_INTERVAL_MINUTES: 0,
  });
  expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: "0" })).toThrow(/IDEMPOTENCY_KEY_TTL_HOURS="0": must be >= 1/);
  expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: "day" })).toThrow(/IDEMPOTENCY_KEY_TTL_HOURS="day": must be integer/);
  expect(() => loadConfig({ IDEMPOTENCY_PURGE_INTERVAL_MINUTES: "-1" })).toThrow(/IDEMPOTENCY_PURGE_INTERVAL_MINUTES="-1"/);
});
