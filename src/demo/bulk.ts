import type { Prisma } from "../generated/prisma/client.js";

// Rows per INSERT. Each chunk travels as one JSON parameter, so only the statement's size limits it.
const CHUNK_ROWS = 5_000;

/**
 * Inserts rows written with Prisma's field names into `table`, a chunk per statement
 * (`INSERT … SELECT … FROM json_populate_recordset`). For bulk loads this is about seven times faster than
 * createMany, whose client-side cost per value dominates. A field maps to the column of the same name, else to its
 * snake_case, else to `renamed[field]`; a field without a column is an error, never a silently dropped value.
 * Columns the rows leave out get their defaults.
 */
export async function insertRows(
  db: Prisma.TransactionClient,
  table: string,
  rows: readonly object[],
  renamed: Readonly<Record<string, string>> = {},
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = await tableColumns(db, table);
  const fields = Object.keys(first);
  const mapping = fields.map((field): [string, string] => {
    const column = renamed[field] ?? (columns.has(field) ? field : snakeCase(field));
    if (!columns.has(column)) throw new Error(`insertRows: table ${table} has no column for field ${field}`);
    return [field, column];
  });
  const list = mapping.map(([, column]) => `"${column}"`).join(", ");
  // Table and column names come from the database's own catalogue and the caller's constants, never from input.
  const statement =
    `INSERT INTO "${table}" (${list}) ` + `SELECT ${list} FROM json_populate_recordset(NULL::"${table}", $1::json)`;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS).map((row) => {
      const values = row as Record<string, unknown>;
      if (Object.keys(values).length !== fields.length) {
        throw new Error(`insertRows: rows of ${table} differ in their fields`);
      }
      return Object.fromEntries(mapping.map(([field, column]) => [column, values[field]]));
    });
    await db.$executeRawUnsafe(statement, JSON.stringify(chunk, bigintAsString));
  }
}

async function tableColumns(db: Prisma.TransactionClient, table: string): Promise<Set<string>> {
  const rows = await db.$queryRawUnsafe<{ column_name: string }[]>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
    table,
  );
  if (rows.length === 0) throw new Error(`insertRows: no table ${table}`);
  return new Set(rows.map((row) => row.column_name));
}

// JSON has no bigint; PostgreSQL reads the string into a bigint column all the same.
const bigintAsString = (_: string, value: unknown): unknown => (typeof value === "bigint" ? value.toString() : value);

const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Tables whose serial ids the demo sets explicitly, with their id columns. */
const SERIAL_COLUMNS: readonly (readonly [table: string, column: string])[] = [
  ["websites", "id"],
  ["stores", "id"],
  ["customers", "id"],
  ["credits", "id"],
  ["credit_transactions", "id"],
  ["credit_audit_entries", "id"],
  ["orders", "id"],
  ["order_items", "id"],
  ["creditmemos", "creditmemo_id"],
  ["creditmemo_items", "item_id"],
  ["creditmemo_comments", "comment_id"],
  ["loyalty_accounts", "id"],
  ["loyalty_ledger_entries", "id"],
];

/** Moves each serial sequence past the largest id in its table, so later inserts do not reuse explicit ids. */
export async function advanceSequences(db: Prisma.TransactionClient): Promise<void> {
  for (const [table, column] of SERIAL_COLUMNS) {
    // Identifiers come from the constant list above, never from input.
    await db.$executeRawUnsafe(
      `SELECT setval(pg_get_serial_sequence('"${table}"', '${column}'), max("${column}")) ` +
        `FROM "${table}" HAVING max("${column}") IS NOT NULL`,
    );
  }
}

/** Hands out consecutive row ids, so rows can reference each other before they are written. */
export class IdSequence {
  private nextId: number;

  constructor(first = 1) {
    this.nextId = first;
  }

  take(): number {
    const id = this.nextId;
    this.nextId += 1;
    return id;
  }
}
