import { loadConfig } from "../../src/config.js";
import { PRODUCTION_ENV } from "../helpers/production-env.js";

const production = { ...PRODUCTION_ENV, DATABASE_URL: "postgresql://tally@db:5432/tally" };

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
