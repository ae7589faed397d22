import type { Random } from "./random.js";

/** Values for one parameter or body field: schema-valid ones, values at a schema's edges, and hostile ones. */

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  format?: string;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
};

/**
 * Strings no well-behaved client sends, already decoded (what a server sees after percent-decoding): control
 * characters, NUL, lone surrogates, right-to-left marks, SQL and filter syntax, XML and template metacharacters,
 * numbers in forms JavaScript parses but a decimal column does not.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\t\r\n",
  "\u0007\u001b[31m",
  "\ud800",
  "\udfff\ud800",
  "\u202e\u200b\ufeff",
  "😀".repeat(3),
  "é",
  "e\u0301",
  "Ω≈ç√∫",
  "'",
  "\"",
  "\\",
  "' OR '1'='1",
  "1; DROP TABLE \"Credit\"; --",
  "$(id)",
  "${7*7}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "]]><![CDATA[",
  "&amp;&lt;&#0;&#x110000;",
  "%00",
  "%",
  "..",
  "../../etc/passwd",
  "null",
  "undefined",
  "true",
  "NaN",
  "Infinity",
  "-Infinity",
  "-0",
  "0x1F",
  "1e309",
  "1e-400",
  "9".repeat(40),
  "-" + "9".repeat(30),
  "0." + "0".repeat(30) + "1",
  "12.50.3",
  "1,5",
  "١٢٣",
  "__proto__",
  "constructor",
  "toString",
  "eq",
  "code eq 'x' or 1 eq 1",
  "code sw ''' and",
  "((((((((((((((((((((",
  "a".repeat(64),
];

/** Numbers at and past the edges of the integer and decimal columns behind the API. */
export const EDGE_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 0.1, 0.125, 1.234, 12.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 63, Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, 1e15, 1e16, 99999999999.9999, 1e-7, -1e21,
];

/** A character string for values that must still pass an HTTP header or URL as Node's client writes them. */
export function oversized(random: Random, length: number): string {
  return random.pick(["a", "9", "é", "😀", "%", "ab "]).repeat(Math.ceil(length / 2)).slice(0, length);
}

/** What a JSON Schema's `$ref`s resolve to, within one document. */
export type Resolve = (schema: JsonSchema) => JsonSchema;

export function resolver(document: unknown): Resolve {
  return function resolve(schema) {
    let current = schema;
    for (let depth = 0; current.$ref && depth < 16; depth += 1) {
      const pointer = current.$ref.replace(/^#\//, "").split("/");
      let target: unknown = document;
      for (const segment of pointer) target = (target as Record<string, unknown>)[segment.replaceAll("~1", "/").replaceAll("~0", "~")];
      current = target as JsonSchema;
    }
    return current;
  };
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties) return ["object"];
  return [];
}

/** A value the schema accepts, preferring the document's own examples (they are rows of the demo data). */
export function validValue(random: Random, schema: JsonSchema, resolve: Resolve, depth = 0): unknown {
  const resolved = resolve(schema);
  const examples = [...(resolved.examples ?? []), ...(resolved.example === undefined ? [] : [resolved.example])];
  if (examples.length > 0 && random.chance(0.7)) return random.pick(examples);
  if (resolved.const !== undefined) return resolved.const;
  if (resolved.enum) return random.pick(resolved.enum);
  const alternatives = resolved.anyOf ?? resolved.oneOf;
  if (alternatives) return validValue(random, random.pick(alternatives), resolve, depth + 1);
  if (resolved.allOf) return Object.assign({}, ...resolved.allOf.map((part) => validValue(random, part, resolve, depth + 1)));
  const types = typesOf(resolved);
  const type = types.length > 0 ? random.pick(types) : random.pick(["string", "integer", "object"]);
  switch (type) {
    case "null":
      return null;
    case "boolean":
      return random.chance(0.5);
    case "integer":
      return random.int(Math.max(resolved.minimum ?? 0, -1000), Math.min(resolved.maximum ?? 1000, 1000));
    case "number":
      return Number((random.int(1, 100_000) / 100).toFixed(2));
    case "array": {
      const length = random.int(resolved.minItems ?? 0, Math.min(resolved.maxItems ?? 3, 3));
      return Array.from({ length }, () => (resolved.items && depth < 6 ? validValue(random, resolved.items, resolve, depth + 1) : random.string(4)));
    }
    case "object": {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(resolved.properties ?? {})) {
        if ((resolved.required ?? []).includes(name) || random.chance(0.5)) {
          if (depth < 6) value[name] = validValue(random, property, resolve, depth + 1);
        }
      }
      return value;
    }
    default:
      return stringFor(random, resolved);
  }
}

function stringFor(random: Random, schema: JsonSchema): string {
  switch (schema.format) {
    case "date-time":
      return new Date(Date.UTC(2026, random.int(0, 11), random.int(1, 28), random.int(0, 23))).toISOString();
    case "date":
      return `2026-${String(random.int(1, 12)).padStart(2, "0")}-${String(random.int(1, 28)).padStart(2, "0")}`;
    case "email":
      return `${random.string(6).toLowerCase()}@example.com`;
    case "uri":
      return `https://example.com/${random.string(6)}`;
  }
  if (schema.pattern && /\\d|\[0-9\]/.test(schema.pattern) && !/[A-Za-z]\]/.test(schema.pattern)) return String(random.int(1, 99_999));
  const min = schema.minLength ?? 1;
  const max = Math.min(schema.maxLength ?? 12, 24);
  return random.string(random.int(Math.min(min, max), Math.max(min, max)));
}

/** A value at or just past the schema's limits: its length and range edges, and one off them. */
export function boundaryValue(random: Random, schema: JsonSchema, resolve: Resolve): unknown {
  const resolved = resolve(schema);
  const options: unknown[] = [];
  if (resolved.maxLength !== undefined) options.push("x".repeat(resolved.maxLength), "x".repeat(resolved.maxLength + 1), "é".repeat(resolved.maxLength + 1));
  if (resolved.minLength !== undefined) options.push("x".repeat(resolved.minLength), "x".repeat(Math.max(0, resolved.minLength - 1)));
  for (const bound of [resolved.minimum, resolved.maximum, resolved.exclusiveMinimum, resolved.exclusiveMaximum]) {
    if (bound !== undefined) options.push(bound, bound - 1, bound + 1, bound + 0.5);
  }
  if (resolved.maxItems !== undefined) options.push(Array.from({ length: resolved.maxItems + 1 }, () => ({})));
  options.push(...EDGE_NUMBERS.slice(0, 6), "", random.pick(EDGE_NUMBERS));
  return random.pick(options);
}

/** A value of another JSON type than the schema's, or a deeply nested or hostile one. */
export function wrongValue(random: Random, depthLimit = 40): unknown {
  return random.weighted<() => unknown>([
    [3, () => random.pick(HOSTILE_STRINGS)],
    [2, () => random.pick(EDGE_NUMBERS) * (random.chance(0.5) ? -1 : 1)],
    [1, () => random.chance(0.5)],
    [1, () => null],
    [1, () => []],
    [1, () => ({})],
    [1, () => [random.pick(HOSTILE_STRINGS), random.int(-5, 5), null]],
    [1, () => ({ [random.pick(["__proto__", "constructor", "a", ""])]: random.pick(HOSTILE_STRINGS) })],
    [1, () => nested(random.int(10, depthLimit))],
    [1, () => oversized(random, random.int(1_000, 20_000))],
  ])();
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { a: value };
  return value;
}
