import {
  OPERATORS,
  type ComparisonOperator,
  type FilterNode,
  type Literal,
  type LogicalNode,
  type ValueLiteral,
} from "./ast.js";
import { filterErrors } from "./errors.js";
import type { FilterLimits } from "./limits.js";
import { IDENTIFIER_PATTERN, classifyBareValue, isKeyword, type Token } from "./tokens.js";

/** Parses the tokens of a filter (as produced by `lex`) into an AST. */
export function parseTokens(tokens: readonly Token[], limits: FilterLimits): FilterNode {
  return new Parser(tokens, limits).parseFilter();
}

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(OPERATORS.filter((op) => op !== "in"));

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly limits: FilterLimits,
  ) {}

  /** filter := or EOF */
  parseFilter(): FilterNode {
    const node = this.parseOr();
    const token = this.peek();
    if (token.kind === "eof") return node;
    if (token.kind === "rparen") throw filterErrors.unmatchedCloseParen(token);
    throw filterErrors.trailingInput(token);
  }

  /** or := and ('or' and)* — a loop, so long chains cost no stack */
  private parseOr(): FilterNode {
    const operands = [this.parseAnd()];
    while (isKeyword(this.peek(), "or")) {
      this.advance();
      operands.push(this.parseAnd());
    }
    return logical("or", operands);
  }

  /** and := unary ('and' unary)* */
  private parseAnd(): FilterNode {
    const operands = [this.parseUnary()];
    while (isKeyword(this.peek(), "and")) {
      this.advance();
      operands.push(this.parseUnary());
    }
    return logical("and", operands);
  }

  /** unary := 'not' unary | primary — 'not' is part of the grammar only to be refused with a clear message */
  private parseUnary(): FilterNode {
    const token = this.peek();
    if (isKeyword(token, "not")) throw filterErrors.notOperator(token);
    return this.parsePrimary();
  }

  /** primary := '(' or ')' | comparison */
  private parsePrimary(): FilterNode {
    const open = this.peek();
    if (open.kind !== "lparen") return this.parseComparison();

    if (this.depth === this.limits.maxDepth) throw filterErrors.tooDeep(open, this.limits.maxDepth);
    this.advance();
    this.depth += 1;
    const inner = this.parseOr();
    const close = this.advance();
    if (close.kind === "eof") throw filterErrors.missingCloseParen(open);
    if (close.kind !== "rparen") throw filterErrors.expectedCloseParen(close);
    this.depth -= 1;
    return inner;
  }

  /** comparison := field op value | field 'in' '[' value (',' value)* ']' */
  private parseComparison(): FilterNode {
    const fieldToken = this.advance();
    if (
      fieldToken.kind !== "word" ||
      !IDENTIFIER_PATTERN.test(fieldToken.text) ||
      isKeyword(fieldToken, "and") ||
      isKeyword(fieldToken, "or")
    ) {
      throw filterErrors.expectedField(fieldToken);
    }
    const field = { name: fieldToken.text, position: fieldToken.position, length: fieldToken.length };

    const operatorToken = this.advance();
    if (operatorToken.kind !== "word") throw filterErrors.expectedOperator(operatorToken);
    const operator = operatorToken.text.toLowerCase();
    if (operator === "in") {
      return { kind: "in", field, operatorPosition: operatorToken.position, values: this.parseList() };
    }
    if (!isComparisonOperator(operator)) throw filterErrors.unsupportedOperator(operatorToken);

    const value = this.parseValue();
    if (value.kind === "null" && operator !== "eq" && operator !== "ne") throw filterErrors.nullNeedsEquality(value);
    return { kind: "comparison", field, operator, operatorPosition: operatorToken.position, value };
  }

  /** list := '[' value (',' value)* ']' */
  private parseList(): ValueLiteral[] {
    const open = this.advance();
    if (open.kind !== "lbracket") throw filterErrors.expectedListOpen(open);
    const first = this.peek();
    if (first.kind === "rbracket") throw filterErrors.emptyInList(open, first);

    const values: ValueLiteral[] = [];
    for (;;) {
      const value = this.parseValue();
      if (value.kind === "null") throw filterErrors.nullInList(value);
      if (values.length === this.limits.maxInListValues) {
        throw filterErrors.tooManyValues(value, this.limits.maxInListValues);
      }
      values.push(value);

      const separator = this.advance();
      if (separator.kind === "rbracket") return values;
      if (separator.kind === "eof") throw filterErrors.missingCloseBracket(open);
      if (separator.kind !== "comma") throw filterErrors.expectedListSeparator(separator);
    }
  }

  /** value := number | 'true' | 'false' | 'null' | bare-word | quoted-string */
  private parseValue(): Literal {
    const token = this.advance();
    const span = { raw: token.text, position: token.position, length: token.length };
    if (token.kind === "string") return { kind: "string", value: token.value, quoted: true, ...span };
    if (token.kind !== "word") throw filterErrors.expectedValue(token);

    switch (classifyBareValue(token.text)) {
      case "number":
        return { kind: "number", value: Number(token.text), ...span };
      case "boolean":
        return { kind: "boolean", value: token.text.toLowerCase() === "true", ...span };
      case "null":
        return { kind: "null", value: null, ...span };
      case "string":
        return { kind: "string", value: token.text, quoted: false, ...span };
    }
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.endOfInput();
  }

  /** Consumes the next token; at the end it keeps returning "eof". */
  private advance(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.index += 1;
    return token;
  }

  /** Stands in for a missing "eof" so a caller-built token list cannot run the parser off its end. */
  private endOfInput(): Token {
    const last = this.tokens[this.tokens.length - 1];
    const position = last ? last.position + last.length : 1;
    return { kind: "eof", text: "", value: "", position, length: 0 };
  }
}

function isComparisonOperator(word: string): word is ComparisonOperator {
  return COMPARISON_OPERATORS.has(word);
}

/** A single operand is returned as is: parentheses and one-term chains leave no trace in the AST. */
function logical(kind: LogicalNode["kind"], operands: FilterNode[]): FilterNode {
  const [first] = operands;
  return operands.length === 1 && first ? first : { kind, operands };
}
