import type { ApiError } from "../../errors.js";
import { ApiFaults } from "../../magento/index.js";
import { MAX_INT32 } from "../../services/creditmemos/input-parts.js";

/**
 * Reading SOAP arguments, which arrive in whatever type the client's encoding gave them: V1 clients send PHP's own
 * types (`4` as xsd:int, `'4'` as xsd:string, `true` or `1` for a flag), V2 the WSDL's declared ones. Each reader
 * accepts the spellings Magento accepts and refuses anything else with the resource's "invalid data" fault, naming
 * the parameter.
 */

export type Args = Readonly<Record<string, unknown>>;
type Invalid = (message: string, parameter: string) => ApiError;

const DIGITS = /^[0-9]{1,10}$/;

/** A required argument: fault 6 when it is missing. */
export function required(args: Args, name: string): unknown {
  const value = args[name];
  if (value === undefined || value === null || value === "") throw ApiFaults.missingParameter(name);
  return value;
}

/** A positive 32-bit id given as a number or its digits. */
export function positiveId(value: unknown, name: string, invalid: Invalid): number {
  const id = typeof value === "number" ? value : typeof value === "string" && DIGITS.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_INT32) {
    throw invalid(`${name} must be a positive integer (at most ${MAX_INT32}), not ${describe(value)}.`, name);
  }
  return id;
}

/** Text: a string, or a number a V1 client sent for it (`'200000001'` and `200000001` alike). */
export function text(value: unknown, name: string, invalid: Invalid): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw invalid(`${name} must be a string, not ${describe(value)}.`, name);
}

/** Magento's flags: PHP sends true/false, 1/0 or '1'/'0'; missing is false. */
export function flag(value: unknown, name: string, invalid: Invalid): boolean {
  if (value === undefined || value === null || value === "" || value === false || value === 0 || value === "0") return false;
  if (value === true || value === 1 || value === "1") return true;
  throw invalid(`${name} must be 0 or 1, not ${describe(value)}.`, name);
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a structure";
  return `'${String(value).slice(0, 40)}'`;
}
