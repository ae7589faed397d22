/**
 * What Tally refuses in parsed JSON before it stores or hashes it: values JSON.parse accepts but the database would
 * change or reject. A lone UTF-16 surrogate (`"\ud800"`) is stored as U+FFFD or fails PostgreSQL's json parser, a
 * number past the float range (`1e309`) parses to Infinity and is stored as null, NUL cannot be held by jsonb or
 * text, and nesting thousands of levels deep overflows every recursive reader. The walk is iterative, so a deep
 * value cannot overflow it.
 */

/** How deeply a request's JSON may nest: a property of a body, or a transaction's `data`, counts from 1. */
export const MAX_JSON_DEPTH = 32;
/** The largest free-form JSON (a transaction's `data`) Tally stores, in bytes of its JSON text. */
export const MAX_FREE_JSON_BYTES = 16_384;

export type JsonPath = readonly (string | number)[];

/** Where a value goes wrong and what is wrong, phrased to follow the field's name ("data.x contains …"). */
export interface JsonProblem {
  path: JsonPath;
  message: string;
}

export interface JsonCheck {
  /** Objects and arrays nested deeper than this are refused (a scalar has depth 0, `{}` and `[]` depth 1). */
  maxDepth: number;
  /** Refuse NUL characters in strings and property names too. */
  refuseNul?: boolean;
}

interface Frame {
  value: unknown;
  path: JsonPath;
  depth: number;
}

/** The first problem in `value`, in document order, or undefined. */
export function findJsonProblem(value: unknown, check: JsonCheck): JsonProblem | undefined {
  const stack: Frame[] = [{ value, path: [], depth: 0 }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { value: current, path, depth } = frame;
    if (typeof current === "string") {
      const problem = textProblem(current, check);
      if (problem) return { path, message: problem };
    } else if (typeof current === "number") {
      if (!Number.isFinite(current)) return { path, message: "is a number too large to store (it reads as infinity)" };
    } else if (current !== null && typeof current === "object") {
      if (depth + 1 > check.maxDepth) return { path: [], message: `is nested more than ${check.maxDepth} levels deep` };
      const children: Frame[] = [];
      if (Array.isArray(current)) {
        current.forEach((child, index) => children.push({ value: child, path: [...path, index], depth: depth + 1 }));
      } else {
        for (const [name, child] of Object.entries(current)) {
          const problem = textProblem(name, check);
          if (problem) return { path: [...path, name], message: `has a property name that ${problem}` };
          children.push({ value: child, path: [...path, name], depth: depth + 1 });
        }
      }
      // Reversed, so the stack hands them out first to last.
      for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index] as Frame);
    }
  }
  return undefined;
}

/**
 * Free-form JSON a client stores with a record (a transaction's `data`): within MAX_JSON_DEPTH, without NUL, lone
 * surrogates or infinite numbers, and at most MAX_FREE_JSON_BYTES of JSON text.
 */
export function freeJsonProblem(value: unknown): JsonProblem | undefined {
  const problem = findJsonProblem(value, { maxDepth: MAX_JSON_DEPTH, refuseNul: true });
  if (problem) return problem;
  // Only measured once the walk has bounded the depth, so stringifying cannot overflow.
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? "");
  return bytes > MAX_FREE_JSON_BYTES
    ? { path: [], message: `is ${bytes} bytes of JSON; at most ${MAX_FREE_JSON_BYTES} are stored` }
    : undefined;
}

/** A path as messages name it: `data.tags.0`, with a lone surrogate in a name written as its escape. */
export function jsonPathText(path: JsonPath, root?: string): string {
  return [...(root === undefined ? [] : [root]), ...path.map((segment) => escapeSurrogates(String(segment)))].join(".");
}

/** The JSON Pointer (RFC 6901) of a path, as Ajv's `instancePath`; a lone surrogate in a name is escaped too. */
export function jsonPointer(path: JsonPath): string {
  return path.map((segment) => `/${escapeSurrogates(String(segment)).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

// With the u flag a surrogate pair is one code point, so only an unpaired surrogate matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

function textProblem(text: string, check: JsonCheck): string | undefined {
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) {
    return `contains an unpaired UTF-16 surrogate (${escapeSurrogates(surrogate[0])} at character ${surrogate.index + 1}), which is not Unicode text`;
  }
  if (check.refuseNul && text.includes("\u0000")) return "contains a NUL character (\\u0000), which cannot be stored";
  return undefined;
}

function escapeSurrogates(text: string): string {
  return text.replace(LONE_SURROGATES, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
