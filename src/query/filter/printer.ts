import type { FilterNode, Literal, LogicalNode } from "./ast.js";
import { classifyBareValue, endsBareWord, isQuote } from "./tokens.js";

/**
 * Prints an AST as a canonical filter string: lower-case keywords, single spaces, single quotes, parentheses only
 * where the tree needs them. Parsing the result gives back the same tree (positions aside).
 */
export function printFilter(node: FilterNode): string {
  switch (node.kind) {
    case "comparison":
      return `${node.field.name} ${node.operator} ${printLiteral(node.value)}`;
    case "in":
      return `${node.field.name} in [${node.values.map(printLiteral).join(", ")}]`;
    case "and":
    case "or":
      return node.operands
        .map((operand) => (needsParentheses(operand, node.kind) ? `(${printFilter(operand)})` : printFilter(operand)))
        .join(` ${node.kind} `);
  }
}

/** An `or` under an `and` needs parentheses for precedence; same-kind nesting needs them to keep its shape. */
function needsParentheses(operand: FilterNode, parent: LogicalNode["kind"]): boolean {
  return (operand.kind === "and" || operand.kind === "or") && (operand.kind === "or" || parent === "and");
}

function printLiteral(literal: Literal): string {
  switch (literal.kind) {
    case "string":
      return literal.quoted || !canStayBare(literal.value) ? quote(literal.value) : literal.value;
    case "number":
      return literal.raw;
    case "boolean":
      return String(literal.value);
    case "null":
      return "null";
  }
}

/** A bare word reads back as the same string only if it is non-empty, unbroken, and not a number or keyword. */
function canStayBare(value: string): boolean {
  return (
    value.length > 0 &&
    !isQuote(value.charAt(0)) &&
    ![...value].some(endsBareWord) &&
    classifyBareValue(value) === "string"
  );
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
