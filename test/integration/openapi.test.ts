import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { renderOpenApi } from "../../src/openapi.js";
import { useTestApp } from "../helpers/harness.js";

const run = promisify(execFile);

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, unknown> }>;
  parameters?: { name: string; in: string; description?: string; examples?: Record<string, unknown> }[];
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const harness = useTestApp({ env: { DOCS_ENABLED: "false" }, reset: false });
let fresh: string;

beforeAll(() => {
  fresh = renderOpenApi(harness.app);
});

// The per-operation checks read the committed document; the first test proves it equals the fresh one.
const committed = readFileSync("openapi/openapi.json", "utf8");
const operations = () =>
  Object.entries((JSON.parse(committed) as Document).paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

test("the committed OpenAPI document matches the routes (if not: run npm run openapi)", () => {
  if (committed !== fresh) throw new Error("openapi/openapi.json is stale: run npm run openapi and commit the result");
  expect((JSON.parse(fresh) as Document).openapi).toBe("3.1.0");
});

test("rendering the document twice gives the same text", () => {
  expect(renderOpenApi(harness.app)).toBe(fresh);
});

test("Redocly's recommended rules pass, with example checks as errors, and only the justified exceptions", async () => {
  const { stdout } = await run(
    "node_modules/.bin/redocly",
    ["lint", "--config", "openapi/redocly.yaml", "--format", "json", "openapi/openapi.json"],
    { env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  const report = JSON.parse(stdout) as { totals: Record<string, number>; problems: { ruleId: string; message: string }[] };
  expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
  expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 3 });
});

test("swagger-parser validates the document against the OpenAPI 3.1 schema and resolves every reference", async () => {
  const api = await SwaggerParser.validate(JSON.parse(fresh) as Parameters<typeof SwaggerParser.validate>[0]);
  expect(api.info.title).toBe("Tally");
});

test.each(operations().map((entry) => [`${entry.method.toUpperCase()} ${entry.path}`, entry]))(
  "%s has an operationId, a summary, a description, security and its failures",
  (_name, { path, operation }) => {
    expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
    expect(operation.summary).toBeTruthy();
    expect(operation.description).toBeTruthy();
    expect(Array.isArray(operation.security)).toBe(true);
    if (path.startsWith("/api")) {
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["400", "429", "500", "503"]));
    }
    for (const parameter of operation.parameters ?? []) {
      if (parameter.name === "filter") {
        expect(parameter.description).toMatch(/`field op value`|Filterable fields/);
        expect(Object.keys(parameter.examples ?? {}).length).toBeGreaterThan(0);
      }
    }
  },
);

test("Kibo's SDK method names are the operationIds of the credits API", () => {
  const ids = new Set(operations().map(({ operation }) => operation.operationId));
  for (const name of [
    "getCredits",
    "getCredit",
    "addCredit",
    "updateCredit",
    "deleteCredit",
    "getTransactions",
    "addTransaction",
    "getAuditEntries",
    "associateCreditToShopper",
    "resendCreditCreatedEmail",
    "oauthAuthenticateApp",
    "getTenant",
  ]) {
    expect(ids).toContain(name);
  }
});
