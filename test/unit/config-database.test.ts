import { loadConfig } from "../../src/config.js";
import { PRODUCTION_ENV } from "../helpers/production-env.js";
import { configProblems } from "../helpers/config.js";

const production = PRODUCTION_ENV;

test("production without DATABASE_URL is refused, naming DATABASE_URL and the explicit embedded choice", () => {
  expect(() => loadConfig(production)).toThrow(
    "DATABASE_URL: required in production (or set EMBEDDED_DATABASE=true and EMBEDDED_DATA_DIR to a directory on a volume",
  );
});

test("production takes the embedded database only when chosen, on a data directory given by name", () => {
  expect(() => loadConfig({ ...production, EMBEDDED_DATABASE: "true" })).toThrow(
    /EMBEDDED_DATA_DIR: with EMBEDDED_DATABASE=true in production, set it to a directory on a volume/,
  );
  expect(() => loadConfig({ ...production, EMBEDDED_DATABASE: "true", EMBEDDED_DATA_DIR: "memory://" })).toThrow(/never memory:\/\//);
  const config = loadConfig({ ...production, EMBEDDED_DATABASE: "true", EMBEDDED_DATA_DIR: "/app/data/pglite" });
  expect(config.EMBEDDED_DATA_DIR).toBe("/app/data/pglite");
  expect(config.DATABASE_URL).toBeUndefined();
});

test("production with DATABASE_URL starts, and may not also choose the embedded database", () => {
  expect(loadConfig({ ...production, DATABASE_URL: "postgresql://tally@db:5432/tally" }).DATABASE_URL).toBe("postgresql://tally@db:5432/tally");
  expect(() => loadConfig({ ...production, DATABASE_URL: "postgresql://tally@db:5432/tally", EMBEDDED_DATABASE: "true" })).toThrow(
    /choose one database/,
  );
});

test("outside production the embedded database stays the default", () => {
  expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  expect(() => loadConfig({ NODE_ENV: "test", EMBEDDED_DATA_DIR: "memory://" })).not.toThrow();
});

test.each(["DATABASE_URL", "DATABASE_MIGRATE_URL"])("a malformed %s is named, never echoed (it may hold a password)", (name) => {
  const found = configProblems({ [name]: "mysql://tally:hunter2@db:3306/tally" });
  expect(found).toEqual([expect.stringMatching(new RegExp(`^${name}=\\[redacted\\]`))]);
  expect(found.join()).not.toContain("hunter2");
});
