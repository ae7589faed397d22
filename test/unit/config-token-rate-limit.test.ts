import { loadConfig } from "../../src/config.js";

const production = {
  NODE_ENV: "production",
  AUTH_SIGNING_KEYS: `k1:${"a".repeat(32)}`,
  SHOPPER_TOKEN_SECRET: "b".repeat(32),
  EVENT_SECRET_KEYS: `e1:${Buffer.alloc(32, 1).toString("base64")}`,
  MAIL_DISABLED: "true",
  DATABASE_URL: "postgresql://tally@db:5432/tally",
};

test("the token endpoint allows 10 requests a minute per client id in production", () => {
  expect(loadConfig(production).TOKEN_RATE_LIMIT_PER_MINUTE).toBe(10);
});

test("outside production the default lets a person take a token per step of the README's tour", () => {
  expect(loadConfig({}).TOKEN_RATE_LIMIT_PER_MINUTE).toBe(100);
  expect(loadConfig({ NODE_ENV: "test" }).TOKEN_RATE_LIMIT_PER_MINUTE).toBe(100);
});

test("an explicit TOKEN_RATE_LIMIT_PER_MINUTE wins everywhere and is validated", () => {
  expect(loadConfig({ TOKEN_RATE_LIMIT_PER_MINUTE: "5" }).TOKEN_RATE_LIMIT_PER_MINUTE).toBe(5);
  expect(loadConfig({ ...production, TOKEN_RATE_LIMIT_PER_MINUTE: "30" }).TOKEN_RATE_LIMIT_PER_MINUTE).toBe(30);
  expect(() => loadConfig({ TOKEN_RATE_LIMIT_PER_MINUTE: "0" })).toThrow(/TOKEN_RATE_LIMIT_PER_MINUTE="0"/);
});
