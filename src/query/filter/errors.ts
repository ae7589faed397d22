import { QueryError, show, type QueryErrorCode } from "../errors.js";
import { OPERATORS, type Literal, type Operator, type Span } from "./ast.js";
import type { Token } from "./tokens.js";

/** Builds the filter's QueryError; every message says "at position N" so clients can point at the mistake. */
function filterError(code: QueryErrorCode, message: string, span: Span): QueryError {
  return new QueryError({ code, message, parameter: "filter", position: span.position, length: span.length });
}

function describe(token: Token): string {
  return token.kind === "eof" ? "the end of the filter" : show(token.text);
}

function valueText(literal: Literal): string {
  return literal.kind === "string" ? literal.value : literal.raw;
}

const OPERATOR_LIST = OPERATORS.join(", ");

/** One factory per filter mistake, so messages stay consistent and the parser and compiler read as prose. */
export const filterErrors = {
  inputTooLong: (length: number, max: number) =>
    filterError("LIMIT_EXCEEDED", `Filter is longer than ${max} characters at position ${max + 1}`, {
      position: max + 1,
      length: length - max,
    }),

  tooManyTokens: (position: number, max: number) =>
    filterError("LIMIT_EXCEEDED", `Filter has more than ${max} tokens at position ${position}`, {
      position,
      length: 1,
    }),

  tooDeep: (open: Token, max: number) =>
    filterError(
      "LIMIT_EXCEEDED",
      `Parentheses are nested more than ${max} levels deep at position ${open.position}`,
      open,
    ),

  treeTooDeep: (max: number) =>
    filterError("LIMIT_EXCEEDED", `Filter is nested more than ${max} levels deep at position 1`, {
      position: 1,
      length: 0,
    }),

  tooManyValues: (literal: Literal, max: number) =>
    filterError(
      "LIMIT_EXCEEDED",
      `'in' list has more than ${max} values at position ${literal.position}`,
      literal,
    ),

  unterminatedString: (position: number, length: number, quote: string) =>
    filterError(
      "UNTERMINATED_STRING",
      `Unterminated string at position ${position}; close it with ${quote} (write ${quote}${quote} for a quote inside it)`,
      { position, length },
    ),

  expectedField: (token: Token) =>
    filterError(
      "UNEXPECTED_TOKEN",
      `Expected a field name at position ${token.position}, found ${describe(token)}`,
      token,
    ),

  notOperator: (token: Token) =>
    filterError(
      "UNSUPPORTED_OPERATOR",
      `Operator 'not' at position ${token.position} is not supported; write the opposite comparison instead (ne for eq, le for gt, ...)`,
      token,
    ),

  expectedOperator: (token: Token) =>
    filterError(
      "UNEXPECTED_TOKEN",
      `Expected an operator at position ${token.position}, found ${describe(token)}; use one of ${OPERATOR_LIST}`,
      token,
    ),

  unsupportedOperator: (token: Token) =>
    filterError(
      "UNSUPPORTED_OPERATOR",
      `Unsupported operator ${show(token.text)} at position ${token.position}; use one of ${OPERATOR_LIST}`,
      token,
    ),

  expectedValue: (token: Token) =>
    filterError("UNEXPECTED_TOKEN", `Expected a value at position ${token.position}, found ${describe(token)}`, token),

  nullNeedsEquality: (literal: Literal) =>
    filterError("INVALID_VALUE", `null at position ${literal.position} can only be compared with eq or ne`, literal),

  nullInList: (literal: Literal) =>
    filterError(
      "INVALID_VALUE",
      `null at position ${literal.position} is not allowed in an 'in' list; compare with eq null instead`,
      literal,
    ),

  expectedListOpen: (token: Token) =>
    filterError(
      "UNEXPECTED_TOKEN",
      `Expected '[' after 'in' at position ${token.position}, found ${describe(token)}`,
      token,
    ),

  emptyInList: (open: Token, close: Token) =>
    filterError("EMPTY_IN_LIST", `Empty 'in' list at position ${open.position}; give at least one value`, {
      position: open.position,
      length: close.position + close.length - open.position,
    }),

  missingCloseBracket: (open: Token) =>
    filterError("UNBALANCED_BRACKETS", `Missing ']' for '[' at position ${open.position}`, open),

  expectedListSeparator: (token: Token) =>
    filterError(
      "UNEXPECTED_TOKEN",
      `Expected ',' or ']' at position ${token.position}, found ${describe(token)}`,
      token,
    ),

  missingCloseParen: (open: Token) =>
    filterError("UNBALANCED_PARENTHESES", `Missing ')' for '(' at position ${open.position}`, open),

  unmatchedCloseParen: (token: Token) =>
    filterError("UNBALANCED_PARENTHESES", `Unmatched ')' at position ${token.position}`, token),

  expectedCloseParen: (token: Token) =>
    filterError(
      "UNEXPECTED_TOKEN",
      `Unexpected ${describe(token)} at position ${token.position}; expected 'and', 'or' or ')'`,
      token,
    ),

  trailingInput: (token: Token) =>
    filterError(
      "TRAILING_INPUT",
      `Unexpected ${describe(token)} at position ${token.position}; expected 'and', 'or' or the end of the filter`,
      token,
    ),

  unknownField: (field: Span & { name: string }, known: readonly string[]) =>
    filterError(
      "UNKNOWN_FIELD",
      `Unknown field ${show(field.name)} at position ${field.position}; filterable fields are ${known.join(", ")}`,
      field,
    ),

  operatorNotAllowed: (operator: Operator, position: number, fieldName: string, allowed: readonly Operator[]) =>
    filterError(
      "OPERATOR_NOT_ALLOWED",
      `Operator '${operator}' at position ${position} is not allowed for field '${fieldName}'; use one of ${allowed.join(", ")}`,
      { position, length: operator.length },
    ),

  notNullable: (literal: Literal, fieldName: string) =>
    filterError(
      "INVALID_VALUE",
      `Value null at position ${literal.position} is not allowed for field '${fieldName}', which is never null`,
      literal,
    ),

  invalidValue: (literal: Literal, fieldName: string, expected: string, hint?: string) =>
    filterError(
      "INVALID_VALUE",
      `Value ${show(valueText(literal))} at position ${literal.position} is not ${expected} for field '${fieldName}'` +
        (hint ? `; ${hint}` : ""),
      literal,
    ),
};
