import { Ajv, type AnySchema, type ErrorObject, type Options, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler, FastifyServerOptions } from "fastify";
import { AMOUNT_PATTERN } from "../money/index.js";
import { findJsonProblem, jsonPointer, MAX_JSON_DEPTH } from "../validation/json-limits.js";

/**
 * How Fastify validates requests: two Ajv instances in place of Fastify's one. JSON bodies are validated as sent,
 * never type-coerced — with coercion `"0x10"` was a debit of 16.00, `true` one of 1.00 and `[0.05]` one of 0.05, and
 * `""`, `null` or `false` passed as an amount. Query strings, path parameters and headers are text by nature, so
 * they keep Fastify's coercion ("2" for an integer parameter, a single value for an array). Each body is also walked
 * for what the database would change or reject (lone surrogates, infinite numbers, nesting past MAX_JSON_DEPTH)
 * before the schema or anything else reads it.
 */

// Fastify's defaults (no defaults applied to other parts, no schema cached by reference, first error only: all
// errors lets one body make Ajv do unbounded work), with union types allowed for amounts (`["number", "string"]`)
// and unknown properties kept for the schemas to refuse or the services to ignore.
const COMMON_OPTIONS: Options = {
  useDefaults: true,
  removeAdditional: false,
  addUsedSchema: false,
  allErrors: false,
  allowUnionTypes: true,
};
const BODY_OPTIONS: Options = { ...COMMON_OPTIONS, coerceTypes: false };
const TEXT_OPTIONS: Options = { ...COMMON_OPTIONS, coerceTypes: "array" };

const AMOUNT_MESSAGE = 'must be a JSON number or a plain decimal string such as "12.50"';
const ID_MESSAGE = 'must be an integer or its digits as a string such as "775"';

type ExternalSchemas = Record<string, AnySchema | AnySchema[]>;
type FastifyValidator = ReturnType<FastifySchemaCompiler<AnySchema>>;

function newAjv(options: Options, externalSchemas: ExternalSchemas): Ajv {
  const ajv = new Ajv(options);
  addFormats.default(ajv);
  for (const schema of Object.values(externalSchemas)) ajv.addSchema(schema);
  return ajv;
}

/** Ajv compiles one schema per $id; a shared schema used by several routes is compiled once. */
function compile(ajv: Ajv, schema: AnySchema): ValidateFunction {
  const id = typeof schema === "object" ? schema.$id : undefined;
  return (typeof id === "string" ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
}

/**
 * The first problem of a body that no schema can express, as a validation error on the field it is in. Each property
 * of an object body is walked on its own, so nesting too deep is reported on the property (`data`), not the body.
 */
function bodyProblem(body: unknown): ErrorObject | undefined {
  const fields: [string[], unknown][] =
    body !== null && typeof body === "object" && !Array.isArray(body)
      ? Object.entries(body).map(([name, value]) => [[name], value])
      : [[[], body]];
  for (const [prefix, value] of fields) {
    const problem = findJsonProblem(value, { maxDepth: MAX_JSON_DEPTH });
    if (problem) {
      return { keyword: "json", instancePath: jsonPointer([...prefix, ...problem.path]), schemaPath: "#", params: {}, message: problem.message };
    }
  }
  return undefined;
}

/**
 * Ajv's wording for the two unions request schemas use (`must be number,string`, `must match pattern "^-?\d+…"`,
 * `must be integer,string`), said for a person.
 */
function reworded(error: ErrorObject): ErrorObject {
  const types = error.keyword === "type" ? String(error.params["type"]).split(",") : [];
  if (types.includes("string") && types.includes("number")) return { ...error, message: AMOUNT_MESSAGE };
  if (types.includes("string") && types.includes("integer")) return { ...error, message: ID_MESSAGE };
  if (error.keyword === "pattern" && error.params["pattern"] === AMOUNT_PATTERN) return { ...error, message: AMOUNT_MESSAGE };
  return error;
}

function bodyValidator(validate: ValidateFunction): FastifyValidator {
  const check = (body: unknown): boolean => {
    const problem = bodyProblem(body);
    if (problem) {
      check.errors = [problem];
      return false;
    }
    const valid = validate(body);
    check.errors = valid ? null : (validate.errors ?? []).map(reworded);
    return valid;
  };
  check.errors = null as ErrorObject[] | null;
  return check;
}

/**
 * Ajv's coercion turns `Infinity`, `1e400` or 400 nines into Infinity and lets it through `integer` and `maximum`, so a
 * coerced query, path or header value is also checked to be finite (the database's integer columns have no Infinity).
 */
function textValidator(validate: ValidateFunction): FastifyValidator {
  const check = (data: unknown): boolean => {
    const valid = validate(data);
    check.errors = valid ? null : (validate.errors ?? []);
    const infinite = valid ? nonFiniteValue(data) : undefined;
    if (infinite === undefined) return valid;
    check.errors = [{ keyword: "type", instancePath: jsonPointer([infinite]), schemaPath: "#", params: { type: "number" }, message: "must be a finite number" }];
    return false;
  };
  check.errors = null as ErrorObject[] | null;
  return check;
}

/** The name of the first value (or value in a list) of a flat object that is an infinite number. */
function nonFiniteValue(data: unknown): string | undefined {
  if (data === null || typeof data !== "object") return undefined;
  for (const [name, value] of Object.entries(data)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((item) => typeof item === "number" && !Number.isFinite(item))) return name;
  }
  return undefined;
}

/** Fastify's validator factory: called once per plugin context with the schemas added there (`addSchema`). */
function buildValidator(externalSchemas: ExternalSchemas): FastifySchemaCompiler<AnySchema> {
  const body = newAjv(BODY_OPTIONS, externalSchemas);
  const text = newAjv(TEXT_OPTIONS, externalSchemas);
  return ({ schema, httpPart }) => {
    return httpPart === "body" ? bodyValidator(compile(body, schema)) : textValidator(compile(text, schema));
  };
}

type SchemaController = NonNullable<FastifyServerOptions["schemaController"]>;
type ValidatorFactory = NonNullable<SchemaController["compilersFactory"]>["buildValidator"];

/** Fastify's `schemaController` option: request validation as described above. */
export const requestValidation: SchemaController = {
  // Fastify types this factory after Ajv's compile, but calls what it returns with a route's schema definition.
  compilersFactory: { buildValidator: buildValidator as unknown as ValidatorFactory },
};

/**
 * A validator for a value that arrives other than as a JSON body (the SOAP face's decoded arguments), checked exactly
 * as a body against the same schema: the errors Fastify would report, or undefined when the value is valid.
 */
export function compileValueValidator(schema: AnySchema): (value: unknown) => ErrorObject[] | undefined {
  const validate = bodyValidator(compile(newAjv(BODY_OPTIONS, {}), schema));
  return (value) => (validate(value) ? undefined : (validate.errors ?? []));
}
