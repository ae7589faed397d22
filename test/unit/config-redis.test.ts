import { loadConfig } from "../../src/config.js";
import { configProblems } from "../helpers/config.js";


test("without REDIS_URL limits are counted per process; keys are prefixed tally: by default", () => {
  const config = loadConfig({});
  expect(config.REDIS_URL).toBeUndefined();
  expect(config.REDIS_KEY_PREFIX).toBe("tally:");
});

test("REDIS_URL takes redis:// and rediss:// URLs", () => {
  expect(loadConfig({ REDIS_URL: "rediss://:pw@cache.internal:6380/2" }).REDIS_URL).toBe("rediss://:pw@cache.internal:6380/2");
  expect(configProblems({ REDIS_URL: "redis://127.0.0.1:6379" })).toEqual([]);
});

test("a malformed REDIS_URL is named, never echoed (it may hold a password)", () => {
  const found = configProblems({ REDIS_URL: "http://:hunter2@cache:6379" });
  expect(found).toEqual([expect.stringMatching(/^REDIS_URL=\[redacted\]/)]);
  expect(found.join()).not.toContain("hunter2");
});

test("REDIS_KEY_PREFIX is short and plain", () => {
  expect(configProblems({ REDIS_KEY_PREFIX: "tally-staging:" })).toEqual([]);
  expect(configProblems({ REDIS_KEY_PREFIX: "two words" })).toEqual([expect.stringMatching(/^REDIS_KEY_PREFIX=/)]);
});
