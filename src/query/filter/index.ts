import type { FieldSpecMap } from "../fields.js";
import type { FilterNode } from "./ast.js";
import { compileFilter, type PrismaWhere } from "./compile-prisma.js";
import { lex } from "./lexer.js";
import { resolveLimits, type FilterLimits } from "./limits.js";
import { parseTokens } from "./parser.js";

export type * from "./ast.js";
export { OPERATORS } from "./ast.js";
export { compileFilter, escapeLike, type PrismaWhere } from "./compile-prisma.js";
export { DEFAULT_FILTER_LIMITS, type FilterLimits } from "./limits.js";
export { lex } from "./lexer.js";
export { printFilter } from "./printer.js";
export type { Token, TokenKind } from "./tokens.js";

/** Parses a filter string into an AST; throws QueryError on any mistake. */
export function parseFilter(input: string, limits?: Partial<FilterLimits>): FilterNode {
  const resolved = resolveLimits(limits);
  return parseTokens(lex(input, resolved), resolved);
}

/** The Prisma `where` for a request's filter parameter; undefined when the client sent none or only blanks. */
export function filterToWhere(
  input: string | undefined,
  fields: FieldSpecMap,
  limits?: Partial<FilterLimits>,
): PrismaWhere | undefined {
  if (input === undefined || input.trim() === "") return undefined;
  return compileFilter(parseFilter(input, limits), fields, limits);
}
