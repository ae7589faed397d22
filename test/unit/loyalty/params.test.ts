import { ApiError } from "../../../src/errors.js";
import { readFormat, readReportRequest, validationMessage } from "../../../src/routes/loyalty/params.js";
import type { ReportParams } from "../../../src/routes/loyalty/schemas.js";

describe("readFormat", () => {
  test.each([
    [{}, { kind: "xml" }],
    [{ output: "XML" }, { kind: "xml" }],
    [{ output: "" }, { kind: "xml" }],
    [{ output: "json" }, { kind: "json", condensed: false, callback: undefined }],
    [{ output: "Json", condensed: "yes" }, { kind: "json", condensed: true, callback: undefined }],
    [{ output: "JSON", condensed: "YES" }, { kind: "json", condensed: true, callback: undefined }],
    [{ output: "JSON", condensed: "no" }, { kind: "json", condensed: false, callback: undefined }],
    [{ output: "XML", condensed: "yes" }, { kind: "xml" }],
    [{ callback: "cb" }, { kind: "json", condensed: false, callback: "cb" }],
    [{ output: "JSON", callback: "jQuery123.cb", condensed: "yes" }, { kind: "json", condensed: true, callback: "jQuery123.cb" }],
    [{ callback: "$_.a1" }, { kind: "json", condensed: false, callback: "$_.a1" }],
    [{ callback: "" }, { kind: "xml" }],
  ])("%p → %p", (params, format) => {
    expect(readFormat(params)).toEqual({ format });
  });

  const PLAIN_JSON = { kind: "json", condensed: false, callback: undefined } as const;
  test.each([
    ["an unknown output", { output: "csv" }, { kind: "xml" }, "Parameter 'output' must be XML or JSON."],
    ["a repeated output", { output: ["JSON", "XML"] }, { kind: "xml" }, "Parameter 'output' was given 2 times; send it once."],
    ["a bad callback", { callback: "alert(1)" }, PLAIN_JSON, /Parameter 'callback' must be/],
    [
      "a bad callback with output=JSON",
      { output: "JSON", callback: "a.", condensed: "yes" },
      { ...PLAIN_JSON, condensed: true },
      /callback/,
    ],
    ["a repeated callback", { callback: ["a", "b"] }, PLAIN_JSON, /given 2 times/],
    ["a callback with output=XML", { output: "XML", callback: "cb" }, { kind: "xml" }, /applies only to JSON output/],
    ["an unknown output with a callback", { output: "csv", callback: "cb" }, { ...PLAIN_JSON, callback: "cb" }, /output/],
  ])("%s is a problem, answered in the closest readable format", (_name, params, format, problem) => {
    const choice = readFormat(params);
    expect(choice.format).toEqual(format);
    expect(choice.problem).toEqual(typeof problem === "string" ? problem : expect.stringMatching(problem));
  });

  test.each([undefined, null, "text", 42])("survives a body that is not an object (%p)", (raw) => {
    expect(readFormat(raw)).toEqual({ format: { kind: "xml" } });
  });
});

describe("readReportRequest", () => {
  const params: ReportParams = {
    user_id: "john1970",
    user_password: "body-key",
    account_id: "greatwidgets",
    type: "reports",
    report: "customers_balances",
    campaign_id: "123456789012",
  };

  test("reads the documented example", () => {
    expect(readReportRequest({ ...params, offset: "100", limit: "50" }, undefined)).toEqual({
      format: { kind: "xml" },
      credentials: { accountCode: "greatwidgets", userId: "john1970", key: "body-key" },
      campaignId: 123456789012n,
      coalition: undefined,
      offset: 100,
      limit: 50,
    });
  });

  test.each([
    [undefined, "body-key"],
    ["", "body-key"],
    ["header-key", "header-key"],
  ])("header %p → key %p", (header, key) => {
    expect(readReportRequest(params, header).credentials.key).toBe(key);
  });

  test("no key anywhere is an empty key, which never matches", () => {
    const { user_password: _key, ...withoutKey } = params;
    expect(readReportRequest(withoutKey, undefined).credentials.key).toBe("");
  });

  test.each([
    ["coalition_points", "Points"],
    ["coalition_storedvalue", "StoredValue"],
  ] as const)("coalition_balance=%s → %s", (coalition, kind) => {
    expect(readReportRequest({ ...params, coalition_balance: coalition }, undefined).coalition).toBe(kind);
  });

  test.each([
    ["no limit: everything", {}, { offset: 0, limit: undefined }],
    ["limit 0", { limit: "0" }, { offset: 0, limit: 0 }],
    ["the largest limit", { limit: "100000" }, { offset: 0, limit: 100_000 }],
  ])("%s", (_name, paging, expected) => {
    expect(readReportRequest({ ...params, ...paging }, undefined)).toMatchObject(expected);
  });

  test.each([
    [{ type: "transactions" }, "Type 'transactions' is not supported; this API answers type=reports."],
    [{ report: "customers" }, "Report 'customers' is not supported; the supported report is customers_balances."],
    [{ limit: "100001" }, "Parameter 'limit' must be an integer from 0 to 100000."],
    [{ output: "XML", callback: "cb" }, "Parameter 'callback' (JSONP) applies only to JSON output; drop it or ask for output=JSON."],
  ])("%p → 400 %p", (change, message) => {
    let thrown: unknown;
    try {
      readReportRequest({ ...params, ...change }, undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ statusCode: 400, message });
  });
});

describe("validationMessage", () => {
  test.each([
    [{ params: { missingProperty: "campaign_id" } }, {}, "Missing required parameter 'campaign_id'."],
    [{ instancePath: "/campaign_id" }, { campaign_id: ["1", "2", "3"] }, "Parameter 'campaign_id' was given 3 times; send it once."],
    [{ instancePath: "/campaign_id" }, { campaign_id: "12x" }, "Parameter 'campaign_id' must be a campaign number (digits only)."],
    [{ instancePath: "/offset" }, { offset: "-1" }, "Parameter 'offset' must be a non-negative integer."],
    [{ instancePath: "/user_id" }, {}, "Parameter 'user_id' must be 1 to 100 characters."],
    [{ instancePath: "/mystery" }, {}, "Parameter 'mystery' has an invalid value."],
    [{ instancePath: "" }, [], "Send the parameters as form fields (POST) or as a query string (GET)."],
    [undefined, undefined, "Send the parameters as form fields (POST) or as a query string (GET)."],
  ])("%p with %p → %p", (issue, raw, message) => {
    expect(validationMessage(issue, raw)).toBe(message);
  });
});
