import { readFileSync } from "node:fs";
import internals from "@prisma/internals";
import type { SqlClient } from "../../src/db/database.js";

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  fields: { name: string }[];
}
interface Datamodel {
  models: DmmfModel[];
  enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
  indexes: DmmfIndex[];
}

/** Reads prisma/schema.prisma through Prisma's own schema parser (WebAssembly, works offline). */
export async function loadDatamodel(path = "prisma/schema.prisma"): Promise<Datamodel> {
  const dmmf = await internals.getDMMF({ datamodel: readFileSync(path, "utf8") });
  return dmmf.datamodel as unknown as Datamodel;
}

const SCALAR_TYPES: Record<string, string> = {
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  String: "text",
  Json: "jsonb",
  DateTime: "timestamp(3) without time zone",
  Decimal: "numeric(65,30)",
};
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  VarChar: ([n]) => `character varying(${n})`,
  Char: ([n]) => `character(${n})`,
  Text: () => "text",
  Decimal: ([p, s]) => `numeric(${p},${s})`,
  Timestamptz: ([p]) => `timestamp(${p ?? 6}) with time zone`,
  Timestamp: ([p]) => `timestamp(${p ?? 6}) without time zone`,
  Date: () => "date",
  Integer: () => "integer",
  BigInt: () => "bigint",
};

/** What PostgreSQL shows for a Prisma default, or a predicate for defaults whose text varies (sequences). */
function expectedDefault(field: DmmfField): ((actual: string | null) => boolean) | undefined {
  const value = field.default;
  if (value === undefined) return (actual) => actual === null;
  if (typeof value === "object" && value !== null && "name" in value) {
    const name = (value as { name: string }).name;
    if (name === "autoincrement") return (actual) => actual?.startsWith("nextval(") ?? false;
    if (name === "now") return (actual) => actual === "CURRENT_TIMESTAMP";
    return undefined;
  }
  const text = String(value);
  return (actual) => actual !== null && actual.replace(/::[a-z_ "]+$/i, "").replace(/^'(.*)'$/, "$1") === text;
}

interface ColumnRow extends Record<string, unknown> {
  table_name: string;
  column_name: string;
  data_type: string;
  not_null: boolean;
  column_default: string | null;
}
interface IndexRow extends Record<string, unknown> {
  table_name: string;
  is_unique: boolean;
  is_primary: boolean;
  columns: string;
}
interface ForeignKeyRow extends Record<string, unknown> {
  table_name: string;
  referenced_table: string;
  columns: string;
  referenced_columns: string;
}

/**
 * Compares the Prisma schema with the live database and lists every model, column, type, nullability,
 * default, unique constraint, index, foreign key and enum value of the schema that the database lacks or
 * declares differently. Objects only the database has (checks, triggers, expression indexes) are allowed.
 */
export async function findSchemaDrift(sql: SqlClient, datamodel: Datamodel): Promise<string[]> {
  const columns = await sql.query<ColumnRow>(`
    SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS column_default
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`);
  const indexes = await sql.query<IndexRow>(`
    SELECT t.relname AS table_name, i.indisunique AS is_unique, i.indisprimary AS is_primary,
           string_agg(a.attname, ',' ORDER BY k.ord) AS columns
    FROM pg_index i
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE n.nspname = 'public'
    GROUP BY i.indexrelid, t.relname, i.indisunique, i.indisprimary`);
  const foreignKeys = await sql.query<ForeignKeyRow>(`
    SELECT src.relname AS table_name, dst.relname AS referenced_table,
      (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num) AS columns,
      (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(num, ord)
         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num) AS referenced_columns
    FROM pg_constraint c
    JOIN pg_class src ON src.oid = c.conrelid
    JOIN pg_class dst ON dst.oid = c.confrelid
    WHERE c.contype = 'f'`);
  const enumValues = await sql.query<{ type_name: string; value: string }>(`
    SELECT t.typname AS type_name, e.enumlabel AS value FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid`);

  const problems: string[] = [];
  const enumDbName = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  for (const enumType of datamodel.enums) {
    const dbName = enumDbName.get(enumType.name);
    for (const value of enumType.values) {
      const label = value.dbName ?? value.name;
      if (!enumValues.some((row) => row.type_name === dbName && row.value === label)) {
        problems.push(`enum ${dbName}: value '${label}' is missing`);
      }
    }
  }

  const tableOf = new Map(datamodel.models.map((model) => [model.name, model.dbName ?? model.name]));
  for (const model of datamodel.models) {
    const table = tableOf.get(model.name) ?? model.name;
    const tableColumns = columns.filter((row) => row.table_name === table);
    if (tableColumns.length === 0) {
      problems.push(`table ${table} (model ${model.name}) is missing`);
      continue;
    }
    const columnOf = (fieldName: string): string => {
      const field = model.fields.find((candidate) => candidate.name === fieldName);
      return field?.dbName ?? fieldName;
    };
    for (const field of model.fields.filter((candidate) => candidate.kind === "scalar" || candidate.kind === "enum")) {
      const name = field.dbName ?? field.name;
      const column = tableColumns.find((row) => row.column_name === name);
      if (!column) {
        problems.push(`${table}.${name}: column is missing`);
        continue;
      }
      const elementType =
        field.kind === "enum"
          ? (enumDbName.get(field.type) ?? field.type)
          : field.nativeType
            ? NATIVE_TYPES[field.nativeType[0]]?.(field.nativeType[1])
            : SCALAR_TYPES[field.type];
      const type = field.isList ? `${elementType}[]` : elementType;
      const actualType = column.data_type.replace(/^"(.*)"$/, "$1");
      if (type !== actualType) problems.push(`${table}.${name}: type is ${actualType}, schema says ${type}`);
      // Prisma lists are nullable arrays in PostgreSQL whatever the schema says.
      if (!field.isList && field.isRequired !== column.not_null) {
        problems.push(`${table}.${name}: ${column.not_null ? "NOT NULL" : "nullable"}, schema says ${field.isRequired ? "required" : "optional"}`);
      }
      const defaultMatches = expectedDefault(field);
      if (defaultMatches && !defaultMatches(column.column_default)) {
        problems.push(`${table}.${name}: default is ${column.column_default ?? "none"}, schema says ${JSON.stringify(field.default ?? null)}`);
      }
    }
    for (const index of datamodel.indexes.filter((candidate) => candidate.model === model.name)) {
      const wanted = index.fields.map((field) => columnOf(field.name)).join(",");
      const found = indexes.some(
        (row) =>
          row.table_name === table &&
          row.columns === wanted &&
          (index.type === "id" ? row.is_primary : index.type === "unique" ? row.is_unique : true),
      );
      if (!found) problems.push(`${table}: ${index.type === "normal" ? "index" : index.type} on (${wanted}) is missing`);
    }
    for (const relation of model.fields.filter((field) => field.kind === "object" && field.relationFromFields?.length)) {
      const from = (relation.relationFromFields ?? []).map(columnOf).join(",");
      const target = datamodel.models.find((candidate) => candidate.name === relation.type);
      const targetTable = tableOf.get(relation.type);
      const to = (relation.relationToFields ?? [])
        .map((fieldName) => target?.fields.find((field) => field.name === fieldName)?.dbName ?? fieldName)
        .join(",");
      const found = foreignKeys.some(
        (row) => row.table_name === table && row.referenced_table === targetTable && row.columns === from && row.referenced_columns === to,
      );
      if (!found) problems.push(`${table}: foreign key (${from}) → ${targetTable}(${to}) is missing`);
    }
  }
  return problems;
}
