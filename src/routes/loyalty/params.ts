import { Errors } from "../../errors.js";
import { CALLBACK_MAX_LENGTH, CALLBACK_PATTERN, MAX_LIMIT, PARAMETER_RULES, type ReportParams } from "./schemas.js";
import type { ApiCredentials } from "./sign-in.js";
import type { OutputFormat } from "./writers.js";

/** The kind of campaign a coalition report pools. */
export type CoalitionKind = "Points" | "StoredValue";

/** A customers_balances request, read and checked. */
export interface ReportRequest {
  format: OutputFormat;
  credentials: ApiCredentials;
  campaignId: bigint;
  coalition: CoalitionKind | undefined;
  offset: number;
  /** Undefined: every customer. */
  limit: number | undefined;
}

/** The answer format, and what is wrong with the format parameters when something is. */
export interface FormatChoice {
  /** The format to answer in; with a problem, the closest format the caller can still read the error in. */
  format: OutputFormat;
  problem?: string;
}

const CALLBACK = new RegExp(CALLBACK_PATTERN);
const COALITION_KINDS = { coalition_points: "Points", coalition_storedvalue: "StoredValue" } as const;

/**
 * Reads `output`, `callback` and `condensed` from raw, possibly invalid parameters. Never throws: the error
 * handler uses it too, to answer even a malformed request in the format it asked for.
 */
export function readFormat(raw: unknown): FormatChoice {
  const params = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const output = present(params["output"]);
  const callback = present(params["callback"]);
  const condensed = typeof params["condensed"] === "string" && params["condensed"].toLowerCase() === "yes";
  const outputKind = typeof output === "string" ? output.toLowerCase() : output;
  const callbackOk = typeof callback === "string" && callback.length <= CALLBACK_MAX_LENGTH && CALLBACK.test(callback);
  // A callback means the caller runs the answer as a script, so even a bad request is answered in JSON(P).
  const json = outputKind === "json" || (outputKind !== "xml" && callback !== undefined);
  const format: OutputFormat = json
    ? { kind: "json", condensed, callback: callbackOk ? callback : undefined }
    : { kind: "xml" };
  if (outputKind !== undefined && outputKind !== "xml" && outputKind !== "json") {
    return { format, problem: repeated("output", output) ?? `Parameter 'output' ${PARAMETER_RULES["output"]}.` };
  }
  if (callback !== undefined && !callbackOk) {
    return { format, problem: repeated("callback", callback) ?? `Parameter 'callback' ${PARAMETER_RULES["callback"]}.` };
  }
  if (callback !== undefined && outputKind === "xml") {
    return { format, problem: "Parameter 'callback' (JSONP) applies only to JSON output; drop it or ask for output=JSON." };
  }
  return { format };
}

/** Checks validated parameters and the `api_access_key` header into a ReportRequest; throws a 400 ApiError. */
export function readReportRequest(params: ReportParams, headerKey: string | undefined): ReportRequest {
  const { format, problem } = readFormat(params);
  if (problem) throw Errors.invalidParameter(problem);
  if (params.type !== "reports") {
    throw Errors.invalidParameter(`Type '${params.type}' is not supported; this API answers type=reports.`);
  }
  if (params.report !== "customers_balances") {
    throw Errors.invalidParameter(`Report '${params.report}' is not supported; the supported report is customers_balances.`);
  }
  const limit = params.limit === undefined ? undefined : Number(params.limit);
  if (limit !== undefined && limit > MAX_LIMIT) throw Errors.invalidParameter(`Parameter 'limit' ${PARAMETER_RULES["limit"]}.`);
  return {
    format,
    // The header wins over the body, as the API documentation says, even when the header's key is the wrong one.
    credentials: { accountCode: params.account_id, userId: params.user_id, key: headerKey || params.user_password || "" },
    campaignId: BigInt(params.campaign_id),
    coalition: params.coalition_balance && COALITION_KINDS[params.coalition_balance],
    offset: params.offset === undefined ? 0 : Number(params.offset),
    limit,
  };
}

/** One Ajv validation error, as Fastify reports it. */
export interface ValidationIssue {
  instancePath?: string;
  params?: Record<string, unknown>;
}

/** A caller-facing message for a failed schema check of the parameters in `raw`. */
export function validationMessage(issue: ValidationIssue | undefined, raw: unknown): string {
  const missing = issue?.params?.["missingProperty"];
  if (typeof missing === "string") return `Missing required parameter '${missing}'.`;
  const name = issue?.instancePath?.replace(/^\//, "").split("/")[0] ?? "";
  if (!name) return "Send the parameters as form fields (POST) or as a query string (GET).";
  const value = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
  return repeated(name, value) ?? `Parameter '${name}' ${PARAMETER_RULES[name] ?? "has an invalid value"}.`;
}

function repeated(name: string, value: unknown): string | undefined {
  return Array.isArray(value) ? `Parameter '${name}' was given ${value.length} times; send it once.` : undefined;
}

function present(value: unknown): unknown {
  return value === "" ? undefined : value;
}
