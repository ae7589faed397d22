import { ApiError } from "../errors.js";
import type { ComparisonOperator, FieldType, FilterNode, Literal, ValueLiteral } from "../query/index.js";
import { printFilter } from "../query/index.js";
import { withFault, type FaultKind } from "./faults.js";

/**
 * Magento's list filters (what `order_creditmemo.list` takes over SOAP) as Tally's filter language, so a SOAP list
 * runs through the same list pipeline, with the same field rules, as the REST list. Magento hands the array to
 * `addFieldToFilter`: `array('state' => '2')` is an equality, `array('created_at' => array('from' => …, 'to' => …))`
 * a condition; SOAP V2 spells the same as `filter` (key = value) and `complex_filter` (key, {operator, value}).
 */

/** A field a Magento filter may name, as the list's field table declares it. */
export interface MagentoFilterField {
  readonly name: string;
  readonly type: FieldType;
}

/** Magento condition operators and the comparison each is in Tally's language. */
const COMPARISONS: Readonly<Record<string, ComparisonOperator>> = {
  eq: "eq",
  neq: "ne",
  gt: "gt",
  lt: "lt",
  gteq: "ge",
  moreq: "ge",
  from: "ge",
  lteq: "le",
  to: "le",
};

const SUPPORTED = [...Object.keys(COMPARISONS), "in", "nin", "like", "null", "notnull"].join(", ");

/**
 * The filter string for Magento filters, or undefined when they filter nothing. `form` is how they arrived: V1's
 * associative array, or V2's `filters` struct. A filter Tally cannot express is refused with `kind` (fault 101) and a
 * message naming the field and operator, never ignored, since an ignored filter would list memos the caller excluded.
 */
export function magentoFilter(
  form: "v1" | "v2",
  filters: unknown,
  fields: readonly MagentoFilterField[],
  kind: FaultKind,
): string | undefined {
  const refuse = (message: string): never => {
    throw withFault(new ApiError("MISSING_OR_INVALID_PARAMETER", message, [{ name: "parameter", value: "filters" }]), kind);
  };
  const conditions = form === "v1" ? v1Conditions(filters, refuse) : v2Conditions(filters, refuse);
  const nodes = conditions.flatMap(({ key, condition }) => {
    const field = fields.find((candidate) => candidate.name === key);
    if (!field) return refuse(`Unknown filter field '${key}'; the list filters on ${fields.map((f) => f.name).join(", ")}.`);
    return conditionNodes(field, condition, refuse);
  });
  if (nodes.length === 0) return undefined;
  return printFilter(nodes.length === 1 ? nodes[0]! : { kind: "and", operands: nodes });
}

type Refuse = (message: string) => never;

interface Condition {
  key: string;
  /** A scalar (equality) or Magento's { operator: value } array. */
  condition: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function v1Conditions(filters: unknown, refuse: Refuse): Condition[] {
  if (filters === undefined || filters === null || (Array.isArray(filters) && filters.length === 0)) return [];
  if (!isRecord(filters)) return refuse("filters must be an associative array of field => value or field => array(operator => value).");
  return Object.entries(filters).map(([key, condition]) => ({ key, condition }));
}

function v2Conditions(filters: unknown, refuse: Refuse): Condition[] {
  if (filters === undefined || filters === null) return [];
  if (!isRecord(filters)) return refuse("filters must be a filters struct with filter and complex_filter.");
  const simple = listOf(filters["filter"], "filter", refuse).map((entry, index) => {
    if (!isRecord(entry) || typeof entry["key"] !== "string") return refuse(`filter[${index}] needs a key and a value.`);
    return { key: entry["key"], condition: entry["value"] ?? null };
  });
  const complex = listOf(filters["complex_filter"], "complex_filter", refuse).map((entry, index) => {
    const inner = isRecord(entry) ? entry["value"] : undefined;
    if (!isRecord(entry) || typeof entry["key"] !== "string" || !isRecord(inner) || typeof inner["key"] !== "string") {
      return refuse(`complex_filter[${index}] needs a key and a value of {key: operator, value}.`);
    }
    return { key: entry["key"], condition: { [inner["key"]]: inner["value"] ?? null } };
  });
  return [...simple, ...complex];
}

function listOf(value: unknown, name: string, refuse: Refuse): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  // A one-item list arrives as the item itself from some clients (WS-I's complexObjectArray with a single child).
  if (isRecord(value)) return [value];
  return refuse(`${name} must be a list.`);
}

function conditionNodes(field: MagentoFilterField, condition: unknown, refuse: Refuse): FilterNode[] {
  if (!isRecord(condition)) return [comparison(field, "eq", condition, refuse)];
  const nodes = Object.entries(condition).map(([operator, value]) => operatorNode(field, operator, value, refuse));
  if (nodes.length === 0) return refuse(`The condition on '${field.name}' names no operator.`);
  return nodes;
}

function operatorNode(field: MagentoFilterField, operator: string, value: unknown, refuse: Refuse): FilterNode {
  const comparisonOperator = COMPARISONS[operator];
  if (comparisonOperator) return comparison(field, comparisonOperator, value, refuse);
  switch (operator) {
    case "in":
    case "nin": {
      const values = inValues(value);
      if (values.length === 0) return refuse(`'${operator}' on '${field.name}' needs at least one value.`);
      const literals = values.map((item) => valueLiteral(field, item, refuse));
      if (operator === "in") return { kind: "in", field: fieldRef(field), operatorPosition: 0, values: literals };
      const operands: FilterNode[] = literals.map((literal) => ({ ...comparisonShell(field, "ne"), value: literal }));
      return operands.length === 1 ? operands[0]! : { kind: "and", operands };
    }
    case "null":
      return { ...comparisonShell(field, "eq"), value: NULL };
    case "notnull":
      return { ...comparisonShell(field, "ne"), value: NULL };
    case "like":
      return likeNode(field, value, refuse);
    default:
      return refuse(`Operator '${operator}' on '${field.name}' is not supported; use one of ${SUPPORTED}.`);
  }
}

/** `like` as Magento clients use it: 'abc%' (starts with), '%abc%' (contains) or no wildcard at all (equals). */
function likeNode(field: MagentoFilterField, value: unknown, refuse: Refuse): FilterNode {
  const pattern = scalar(value, field, refuse);
  const inner = pattern.replace(/^%/, "").replace(/%$/, "");
  const leading = pattern.startsWith("%");
  const trailing = pattern.length > 1 && pattern.endsWith("%");
  if (inner.includes("%") || inner.includes("_") || (leading && !trailing)) {
    return refuse(`like on '${field.name}' supports 'text%' and '%text%' only, not '${pattern}'.`);
  }
  const operator: ComparisonOperator = leading ? "cont" : trailing ? "sw" : "eq";
  return { ...comparisonShell(field, operator), value: stringLiteral(inner) };
}

function comparison(field: MagentoFilterField, operator: ComparisonOperator, value: unknown, refuse: Refuse): FilterNode {
  if (value === null) {
    if (operator === "eq" || operator === "ne") return { ...comparisonShell(field, operator), value: NULL };
    return refuse(`'${field.name}' cannot be compared with null by this operator.`);
  }
  return { ...comparisonShell(field, operator), value: valueLiteral(field, value, refuse) };
}

function inValues(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  // V2's complex_filter carries a list as one comma-separated string, as Magento's own parseFilters splits it.
  if (typeof value === "string") return value.split(",").map((part) => part.trim()).filter((part) => part !== "");
  return [value];
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const MAGENTO_DATETIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

function valueLiteral(field: MagentoFilterField, value: unknown, refuse: Refuse): ValueLiteral {
  const text = scalar(value, field, refuse);
  switch (field.type) {
    case "integer":
    case "decimal":
      // Anything else is left a string, so the compiler refuses it with its own message naming the field.
      return NUMBER.test(text) ? { kind: "number", value: Number(text), raw: text, position: 0, length: text.length } : stringLiteral(text);
    case "boolean":
      if (text === "1" || text === "true") return { kind: "boolean", value: true, raw: "true", position: 0, length: 4 };
      if (text === "0" || text === "false") return { kind: "boolean", value: false, raw: "false", position: 0, length: 5 };
      return stringLiteral(text);
    case "datetime": {
      // Magento writes times 'YYYY-MM-DD HH:MM:SS' in UTC; the filter language reads ISO-8601.
      const match = MAGENTO_DATETIME.exec(text);
      return stringLiteral(match ? `${match[1]}T${match[2]}Z` : text);
    }
    default:
      return stringLiteral(text);
  }
}

function scalar(value: unknown, field: MagentoFilterField, refuse: Refuse): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return refuse(`The value for '${field.name}' must be a single value.`);
}

const NULL: Literal = { kind: "null", value: null, raw: "null", position: 0, length: 4 };

const stringLiteral = (value: string): ValueLiteral => ({ kind: "string", value, quoted: true, raw: value, position: 0, length: value.length });

const fieldRef = (field: MagentoFilterField) => ({ name: field.name, position: 0, length: field.name.length });

const comparisonShell = (field: MagentoFilterField, operator: ComparisonOperator) => ({
  kind: "comparison" as const,
  field: fieldRef(field),
  operator,
  operatorPosition: 0,
});
