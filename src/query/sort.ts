import { QueryError, show, type QueryErrorCode } from "./errors.js";
import { columnOf, findField, isSortable, type FieldSpecMap } from "./fields.js";

export type SortDirection = "asc" | "desc";

/** One Prisma orderBy entry; nullable columns say where nulls go so the order is total. */
export type OrderByEntry = { [column: string]: SortDirection | { sort: SortDirection; nulls: "last" } };

/** The unique column that ends every ordering, so that pages never repeat or skip rows. */
export interface SortTiebreaker {
  column: string;
  direction?: SortDirection;
}

const DEFAULT_MAX_LENGTH = 2000;

/** Turns `sortBy` (`currentBalance desc, code`) into a Prisma orderBy list that always ends on the tiebreaker. */
export function parseSortBy(
  input: string | undefined,
  fields: FieldSpecMap,
  tiebreaker: SortTiebreaker,
  maxLength = DEFAULT_MAX_LENGTH,
): OrderByEntry[] {
  const source = input ?? "";
  if (source.length > maxLength) {
    throw sortError("LIMIT_EXCEEDED", `sortBy is longer than ${maxLength} characters at position ${maxLength + 1}`, {
      position: maxLength + 1,
      length: source.length - maxLength,
    });
  }

  const orderBy: OrderByEntry[] = [];
  const seen = new Set<string>();
  if (source.trim() !== "") {
    let offset = 0;
    for (const key of source.split(",")) {
      const { column, entry, field } = parseKey(key, offset, fields);
      if (seen.has(column)) {
        const message = `Field ${show(field.text)} at position ${field.position} is sorted twice`;
        throw sortError("INVALID_SORT", message, field);
      }
      seen.add(column);
      orderBy.push(entry);
      offset += key.length + 1;
    }
  }
  // A key on the unique column already makes the order total; otherwise the tiebreaker settles ties.
  if (!seen.has(tiebreaker.column)) orderBy.push({ [tiebreaker.column]: tiebreaker.direction ?? "asc" });
  return orderBy;
}

interface Word {
  text: string;
  position: number;
  length: number;
}

interface SortKey {
  column: string;
  entry: OrderByEntry;
  field: Word;
}

/** key := field ('asc' | 'desc')? */
function parseKey(key: string, offset: number, fields: FieldSpecMap): SortKey {
  const words: Word[] = [...key.matchAll(/\S+/g)].map((match) => ({
    text: match[0],
    position: offset + match.index + 1,
    length: match[0].length,
  }));
  const [field, direction, extra] = words;
  if (!field) {
    throw sortError("INVALID_SORT", `Expected a field name at position ${offset + 1}`, {
      position: offset + 1,
      length: key.length,
    });
  }
  if (extra) {
    throw sortError("INVALID_SORT", `Unexpected ${show(extra.text)} at position ${extra.position}; expected ','`, extra);
  }

  const spec = findField(fields, field.text, isSortable);
  if (!spec) {
    const sortable = fields.filter(isSortable).map((known) => known.name).join(", ");
    const message = `Unknown sort field ${show(field.text)} at position ${field.position}; sortable fields are ${sortable}`;
    throw sortError("UNKNOWN_FIELD", message, field);
  }

  const sort = direction ? toDirection(direction) : "asc";
  const column = columnOf(spec);
  return { column, field, entry: { [column]: spec.nullable ? { sort, nulls: "last" } : sort } };
}

function toDirection(word: Word): SortDirection {
  const lower = word.text.toLowerCase();
  if (lower === "asc" || lower === "desc") return lower;
  const message = `Sort direction ${show(word.text)} at position ${word.position} must be asc or desc`;
  throw sortError("INVALID_SORT", message, word);
}

function sortError(code: QueryErrorCode, message: string, span: { position: number; length: number }): QueryError {
  return new QueryError({ code, message, parameter: "sortBy", position: span.position, length: span.length });
}
