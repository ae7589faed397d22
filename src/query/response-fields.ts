import { QueryError, show, type QueryErrorCode } from "./errors.js";

/**
 * A responseFields selection keyed by lower-cased property name: `true` keeps the property whole, a nested tree
 * keeps only the listed sub-properties.
 */
export type ResponseFieldTree = ReadonlyMap<string, ResponseFieldTree | true>;

export interface ResponseFieldLimits {
  maxLength: number;
  maxDepth: number;
}

const DEFAULT_LIMITS: ResponseFieldLimits = { maxLength: 2000, maxDepth: 32 };
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Parses `items(code,auditInfo(createDate)),totalCount`; undefined when the parameter is absent or blank. */
export function parseResponseFields(
  input: string | undefined,
  limits: Partial<ResponseFieldLimits> = {},
): ResponseFieldTree | undefined {
  if (input === undefined || input.trim() === "") return undefined;
  const resolved = {
    maxLength: limits.maxLength ?? DEFAULT_LIMITS.maxLength,
    maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
  if (input.length > resolved.maxLength) {
    throw fieldsError(
      "LIMIT_EXCEEDED",
      `responseFields is longer than ${resolved.maxLength} characters at position ${resolved.maxLength + 1}`,
      resolved.maxLength,
      input.length - resolved.maxLength,
    );
  }
  return new SelectionParser(input, resolved.maxDepth).parseSelection();
}

/** Keeps only the selected properties of a response (case-insensitively), recursing through objects and arrays. */
export function projectResponse(value: unknown, tree: ResponseFieldTree | undefined): unknown {
  if (!tree || tree.size === 0) return value;
  if (Array.isArray(value)) return value.map((item) => projectResponse(item, tree));
  if (!isPlainObject(value)) return value;

  const kept: [string, unknown][] = [];
  for (const [key, child] of Object.entries(value)) {
    const selection = tree.get(key.toLowerCase());
    if (selection) kept.push([key, selection === true ? child : projectResponse(child, selection)]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data instead of replacing the prototype.
  return Object.fromEntries(kept);
}

/** Dates, Decimals and other class instances are values, not records to project. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

class SelectionParser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly input: string,
    private readonly maxDepth: number,
  ) {}

  /** selection := list EOF */
  parseSelection(): ResponseFieldTree {
    const tree = this.parseList();
    if (this.index < this.input.length) {
      const ch = this.input.charAt(this.index);
      if (ch === ")") throw this.error("UNBALANCED_PARENTHESES", `Unmatched ')' at position ${this.index + 1}`);
      throw this.error("UNEXPECTED_TOKEN", `Unexpected ${show(ch)} at position ${this.index + 1}; expected ','`);
    }
    return tree;
  }

  /** list := item (',' item)* */
  private parseList(): Map<string, ResponseFieldTree | true> {
    const tree = new Map<string, ResponseFieldTree | true>();
    do {
      const [name, selection] = this.parseItem();
      tree.set(name, merge(tree.get(name), selection));
    } while (this.accept(","));
    return tree;
  }

  /** item := name ('(' list ')')? */
  private parseItem(): [string, ResponseFieldTree | true] {
    this.skipWhitespace();
    NAME.lastIndex = this.index;
    const name = NAME.exec(this.input)?.[0];
    if (!name) {
      const found = this.index < this.input.length ? show(this.input.charAt(this.index)) : "the end of responseFields";
      throw this.error("UNEXPECTED_TOKEN", `Expected a field name at position ${this.index + 1}, found ${found}`);
    }
    this.index += name.length;
    this.skipWhitespace();
    if (this.input.charAt(this.index) !== "(") return [name.toLowerCase(), true];

    const open = this.index;
    if (this.depth === this.maxDepth) {
      const message = `responseFields is nested more than ${this.maxDepth} levels deep at position ${open + 1}`;
      throw this.error("LIMIT_EXCEEDED", message);
    }
    this.index += 1;
    this.depth += 1;
    const children = this.parseList();
    if (!this.accept(")")) {
      if (this.index >= this.input.length) {
        throw this.error("UNBALANCED_PARENTHESES", `Missing ')' for '(' at position ${open + 1}`, open);
      }
      const found = show(this.input.charAt(this.index));
      throw this.error("UNEXPECTED_TOKEN", `Expected ',' or ')' at position ${this.index + 1}, found ${found}`);
    }
    this.depth -= 1;
    return [name.toLowerCase(), children];
  }

  /** Consumes `ch` (after any whitespace) if it comes next. */
  private accept(ch: string): boolean {
    this.skipWhitespace();
    if (this.input.charAt(this.index) !== ch) return false;
    this.index += 1;
    return true;
  }

  private skipWhitespace(): void {
    while (/\s/.test(this.input.charAt(this.index))) this.index += 1;
  }

  private error(code: QueryErrorCode, message: string, at = this.index): QueryError {
    return fieldsError(code, message, at, at < this.input.length ? 1 : 0);
  }
}

/** Selecting a property twice selects the union; naming it bare anywhere keeps it whole. */
function merge(
  existing: ResponseFieldTree | true | undefined,
  added: ResponseFieldTree | true,
): ResponseFieldTree | true {
  if (existing === undefined) return added;
  if (existing === true || added === true) return true;
  const union = new Map(existing);
  for (const [name, selection] of added) union.set(name, merge(union.get(name), selection));
  return union;
}

function fieldsError(code: QueryErrorCode, message: string, offset: number, length: number): QueryError {
  return new QueryError({ code, message, parameter: "responseFields", position: offset + 1, length });
}
