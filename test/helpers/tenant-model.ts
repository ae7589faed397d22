import { readFileSync } from "node:fs";
import internals from "@prisma/internals";
import { TENANT_SCOPES } from "../../src/db/tenant-scopes.js";

/**
 * The schema as the tenant-isolation property reads it: every model, field and relation from Prisma's DMMF (so a
 * model added later is covered without touching the test), and each model's tenant written out twice, as a Prisma
 * filter for the unscoped client and as SQL for checksums, both derived from the map in src/db/tenant-scopes.ts
 * independently of the scoped client that enforces it.
 */

export interface ScalarField {
  readonly name: string;
  readonly column: string;
  /** Prisma's scalar type (`Int`, `Decimal`, …) or the enum's name. */
  readonly type: string;
  readonly kind: "scalar" | "enum";
  readonly isList: boolean;
  readonly isRequired: boolean;
  readonly isId: boolean;
  readonly hasDefault: boolean;
}

export interface RelationField {
  readonly name: string;
  readonly target: string;
  readonly isList: boolean;
  readonly isRequired: boolean;
  /** This side's foreign key fields (empty on the side that is pointed at). */
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly relationName: string;
}

export interface ModelInfo {
  readonly name: string;
  /** The client's property for it: `creditTransaction`. */
  readonly delegate: string;
  readonly table: string;
  readonly id: ScalarField;
  readonly scalars: readonly ScalarField[];
  readonly relations: readonly RelationField[];
}

type Where = Record<string, unknown>;

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  hasDefaultValue: boolean;
  relationName?: string | null;
  relationFromFields?: readonly string[];
  relationToFields?: readonly string[];
}

export async function readModels(): Promise<ModelInfo[]> {
  const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
  const dmmf = await internals.getDMMF({ datamodel: schema });
  return dmmf.datamodel.models.map((model) => {
    const fields = model.fields as readonly DmmfField[];
    const scalars = fields
      .filter((field) => field.kind === "scalar" || field.kind === "enum")
      .map<ScalarField>((field) => ({
        name: field.name,
        column: field.dbName ?? field.name,
        type: field.type,
        kind: field.kind as "scalar" | "enum",
        isList: field.isList,
        isRequired: field.isRequired,
        isId: field.isId,
        hasDefault: field.hasDefaultValue,
      }));
    const relations = fields
      .filter((field) => field.kind === "object")
      .map<RelationField>((field) => ({
        name: field.name,
        target: field.type,
        isList: field.isList,
        isRequired: field.isRequired,
        from: field.relationFromFields ?? [],
        to: field.relationToFields ?? [],
        relationName: field.relationName ?? "",
      }));
    const id = scalars.find((field) => field.isId);
    if (!id) throw new Error(`${model.name} has no single-column @id: the isolation property needs one to name rows`);
    return {
      name: model.name,
      delegate: model.name.charAt(0).toLowerCase() + model.name.slice(1),
      table: model.dbName ?? model.name,
      id,
      scalars,
      relations,
    };
  });
}

interface LooseScope {
  readonly column?: string;
  readonly parent?: string;
}
const SCOPES = TENANT_SCOPES as unknown as Record<string, LooseScope>;

/** The model's own tenant column, or undefined for a child that belongs to the tenant through its parent. */
export function tenantColumn(model: string): string | undefined {
  return SCOPES[model]?.column;
}

/** The unscoped client's filter for "rows of this tenant": the tenant column, or the parent's filter through `parent`. */
export function tenantFilter(models: ReadonlyMap<string, ModelInfo>, model: string, tenantId: number): Where {
  const scope = SCOPES[model];
  if (!scope) throw new Error(`${model} is not in src/db/tenant-scopes.ts`);
  if (scope.column !== undefined) return { [scope.column]: tenantId };
  const relation = relationOf(models, model, scope.parent as string);
  return { [relation.name]: tenantFilter(models, relation.target, tenantId) };
}

/** SQL true for a row `alias` of the model that belongs to the tenant `$1`, through parents' foreign keys. */
export function tenantPredicate(models: ReadonlyMap<string, ModelInfo>, model: string, alias: string): string {
  const info = modelOf(models, model);
  const scope = SCOPES[model];
  if (scope?.column !== undefined) return `${alias}."${columnOf(info, scope.column)}" = $1`;
  const relation = relationOf(models, model, scope?.parent as string);
  const parent = modelOf(models, relation.target);
  const inner = `${alias}_p`;
  const joins = relation.from
    .map((field, i) => `${inner}."${columnOf(parent, relation.to[i] as string)}" = ${alias}."${columnOf(info, field)}"`)
    .join(" AND ");
  return `EXISTS (SELECT 1 FROM "${parent.table}" ${inner} WHERE ${joins} AND ${tenantPredicate(models, parent.name, inner)})`;
}

export function modelOf(models: ReadonlyMap<string, ModelInfo>, model: string): ModelInfo {
  const info = models.get(model);
  if (!info) throw new Error(`no model ${model} in the DMMF`);
  return info;
}

function relationOf(models: ReadonlyMap<string, ModelInfo>, model: string, name: string): RelationField {
  const relation = modelOf(models, model).relations.find((candidate) => candidate.name === name);
  if (!relation) throw new Error(`${model}.${name} is not a relation`);
  return relation;
}

function columnOf(info: ModelInfo, field: string): string {
  const scalar = info.scalars.find((candidate) => candidate.name === field);
  if (!scalar) throw new Error(`${info.name}.${field} is not a scalar field`);
  return scalar.column;
}

/**
 * One query answering, per model, an md5 of the rows of tenant `$1` (each row as text, in a fixed order, and how many):
 * equal before and after a write exactly when the write changed, added and removed none of that tenant's rows.
 */
export function checksumSql(models: readonly ModelInfo[]): string {
  const byName = new Map(models.map((model) => [model.name, model]));
  const columns = models.map(
    (model) =>
      `(SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))
          FROM "${model.table}" t WHERE ${tenantPredicate(byName, model.name, "t")}) AS "${model.name}"`,
  );
  return `SELECT ${columns.join(",\n       ")}`;
}

/**
 * One query answering, per foreign key of every model, how many of tenant `$1`'s rows point at a parent that is not
 * the tenant's: zero everywhere while no write has tied a tenant's row to another tenant's (which a later nested
 * read would follow).
 */
export function crossReferenceSql(models: readonly ModelInfo[]): string {
  const byName = new Map(models.map((model) => [model.name, model]));
  const terms = models.flatMap((model) =>
    model.relations
      .filter((relation) => relation.from.length > 0)
      .map((relation) => {
        const target = modelOf(byName, relation.target);
        const join = relation.from
          .map((field, i) => `p."${columnOf(target, relation.to[i] as string)}" = t."${columnOf(model, field)}"`)
          .join(" AND ");
        return `(SELECT count(*)::int FROM "${model.table}" t WHERE ${tenantPredicate(byName, model.name, "t")}
           AND EXISTS (SELECT 1 FROM "${target.table}" p WHERE ${join} AND NOT (${tenantPredicate(byName, target.name, "p")}))) AS "${model.name}.${relation.name}"`;
      }),
  );
  return `SELECT ${terms.join(",\n       ")}`;
}
