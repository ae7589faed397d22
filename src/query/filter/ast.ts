/** The filter operators Tally supports, in the order error messages list them. */
export const OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le", "sw", "cont", "in"] as const;

export type Operator = (typeof OPERATORS)[number];
export type ComparisonOperator = Exclude<Operator, "in">;

/** Where a node came from in the filter string: 1-based position and length in characters. */
export interface Span {
  position: number;
  length: number;
}

export interface FieldRef extends Span {
  /** as the client wrote it; matched case-insensitively at compile time */
  name: string;
}

interface LiteralBase extends Span {
  /** the lexeme exactly as written, quotes included */
  raw: string;
}

/** A quoted string, or a bare word that is not a number, boolean or null. */
export interface StringLiteral extends LiteralBase {
  kind: "string";
  value: string;
  quoted: boolean;
}

/** A bare number; `raw` is kept because `value` loses decimal digits (10.50, 0.1 + 0.2...). */
export interface NumberLiteral extends LiteralBase {
  kind: "number";
  value: number;
}

export interface BooleanLiteral extends LiteralBase {
  kind: "boolean";
  value: boolean;
}

export interface NullLiteral extends LiteralBase {
  kind: "null";
  value: null;
}

export type Literal = StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral;

/** Any literal but null, which only eq and ne accept. */
export type ValueLiteral = Exclude<Literal, NullLiteral>;

/** `field op value` */
export interface ComparisonNode {
  kind: "comparison";
  field: FieldRef;
  operator: ComparisonOperator;
  operatorPosition: number;
  value: Literal;
}

/** `field in [value, ...]` */
export interface InNode {
  kind: "in";
  field: FieldRef;
  operatorPosition: number;
  values: ValueLiteral[];
}

/** `a and b and c` / `a or b or c`; the parser only builds these with two or more operands. */
export interface LogicalNode {
  kind: "and" | "or";
  operands: FilterNode[];
}

export type FilterNode = ComparisonNode | InNode | LogicalNode;
