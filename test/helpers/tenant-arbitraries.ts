import fc from "fast-check";
import { type ModelInfo, modelOf, type RelationField, type ScalarField, tenantColumn } from "./tenant-model.js";

/**
 * fast-check arbitraries for Prisma arguments of any model, built from the DMMF and from the values the seeded rows
 * hold (both tenants' values, so a filter, a unique lookup, a cursor or a foreign key often names the other tenant's
 * row). Depths and sizes are kept small: each generated query runs several times against the database.
 */

type Json = Record<string, unknown>;

/** Every seeded row of each model, both tenants', read with the unscoped client. */
export type Seeded = ReadonlyMap<string, readonly Json[]>;

const ORDERED = new Set(["Int", "BigInt", "Decimal", "DateTime", "String", "Float"]);
const AGGREGATED = new Set(["Int", "BigInt", "Decimal", "DateTime"]);

/** A field a where, orderBy or groupBy can name with plain comparisons. */
export const comparable = (field: ScalarField) => !field.isList && field.type !== "Json" && field.type !== "Bytes";

export class ArgsArbitraries {
  private readonly wheres = new Map<string, fc.Arbitrary<Json>>();
  private readonly selections = new Map<string, fc.Arbitrary<Json | undefined>>();

  constructor(
    private readonly models: ReadonlyMap<string, ModelInfo>,
    private readonly seeded: Seeded,
  ) {}

  /** Distinct non-null values of a field among the seeded rows of both tenants. */
  values(model: string, field: string): unknown[] {
    const seen = new Map<string, unknown>();
    for (const row of this.seeded.get(model) ?? []) {
      const value = row[field];
      if (value !== null && value !== undefined) seen.set(String(value), value);
    }
    return [...seen.values()];
  }

  /** An id of a seeded row of the model, either tenant's, or sometimes one that no row has. */
  id(model: string): fc.Arbitrary<unknown> {
    const info = modelOf(this.models, model);
    const ids = this.values(model, info.id.name);
    const missing = info.id.type === "BigInt" ? 987_654_321n : info.id.type === "String" ? "missing" : 987_654_321;
    if (ids.length === 0) return fc.constant(missing);
    return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.constant(missing) });
  }

  private scalarCondition(model: string, field: ScalarField): fc.Arbitrary<Json> | undefined {
    const pool = this.values(model, field.name);
    if (pool.length === 0) return undefined;
    const value = fc.constantFrom(...pool);
    const some = fc.array(value, { minLength: 1, maxLength: 3 });
    const conditions: fc.Arbitrary<unknown>[] = [value, value.map((equals) => ({ equals })), value.map((not) => ({ not }))];
    if (field.type !== "Boolean") conditions.push(some.map((values) => ({ in: values })), some.map((values) => ({ notIn: values })));
    if (ORDERED.has(field.type)) {
      for (const op of ["lt", "lte", "gt", "gte"]) conditions.push(value.map((bound) => ({ [op]: bound })));
    }
    if (!field.isRequired) conditions.push(fc.constant(null), fc.constant({ not: null }));
    return fc.oneof(...conditions).map((condition) => ({ [field.name]: condition }));
  }

  private relationCondition(relation: RelationField, depth: number): fc.Arbitrary<Json> {
    const inner = this.where(relation.target, depth - 1);
    const ops = relation.isList ? ["some", "every", "none"] : ["is", "isNot"];
    return fc.tuple(fc.constantFrom(...ops), inner).map(([op, where]) => ({ [relation.name]: { [op]: where } }));
  }

  /** A where clause over the model: scalar comparisons, relation filters to `depth` levels, AND/OR/NOT. */
  where(model: string, depth = 2): fc.Arbitrary<Json> {
    const key = `${model}:${depth}`;
    const cached = this.wheres.get(key);
    if (cached) return cached;
    const info = modelOf(this.models, model);
    const leaves = info.scalars
      .filter(comparable)
      .flatMap((field) => this.scalarCondition(model, field) ?? []);
    // A model without seeded rows (a relation's target the seed misses) is filtered by its id alone.
    if (leaves.length === 0) leaves.push(this.id(model).map((id) => ({ [info.id.name]: id })));
    const relations = depth > 0 ? info.relations.map((relation) => this.relationCondition(relation, depth)) : [];
    const leaf = relations.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.oneof(...leaves) }, fc.oneof(...relations)) : fc.oneof(...leaves);
    const arbitrary =
      depth > 0
        ? fc.oneof(
            { weight: 4, arbitrary: leaf },
            fc.array(this.where(model, depth - 1), { minLength: 1, maxLength: 2 }).map((AND) => ({ AND })),
            fc.array(this.where(model, depth - 1), { minLength: 1, maxLength: 2 }).map((OR) => ({ OR })),
            this.where(model, depth - 1).map((NOT) => ({ NOT })),
          )
        : leaf;
    this.wheres.set(key, arbitrary);
    return arbitrary;
  }

  /** Sorts by a random comparable field, then the id, so every page is one deterministic answer. */
  orderBy(model: string): fc.Arbitrary<Json[]> {
    const info = modelOf(this.models, model);
    const id = { [info.id.name]: "asc" };
    const fields = info.scalars.filter(comparable).map((field) => field.name);
    return fc.option(fc.tuple(fc.constantFrom(...fields), fc.constantFrom("asc", "desc")), { nil: undefined }).map((first) =>
      first ? [{ [first[0]]: first[1] }, id] : [id],
    );
  }

  /** A nested read of one relation: `true`, or (to-many) with its own where, order, window, cursor and nesting. */
  private nested(relation: RelationField, depth: number, mode: "include" | "select"): fc.Arbitrary<unknown> {
    const deeper = depth > 0 ? this.selection(relation.target, depth - 1, mode) : fc.constant(undefined);
    if (!relation.isList) {
      return fc.oneof(fc.constant(true), deeper.map((selection) => (selection ? { [mode]: selection } : true)));
    }
    const shaped = fc.record(
      {
        where: this.where(relation.target, 1),
        orderBy: this.orderBy(relation.target),
        take: fc.integer({ min: 0, max: 3 }),
        skip: fc.integer({ min: 0, max: 2 }),
        cursor: rarely(this.id(relation.target).map((id) => ({ [modelOf(this.models, relation.target).id.name]: id }))),
        [mode]: deeper,
      },
      { requiredKeys: ["orderBy"] },
    );
    return fc.oneof(fc.constant(true), shaped);
  }

  /** An include (relations) or a select (the id, some scalars and relations, `_count` of to-many relations). */
  selection(model: string, depth: number, mode: "include" | "select"): fc.Arbitrary<Json | undefined> {
    const key = `${model}:${depth}:${mode}`;
    const cached = this.selections.get(key);
    if (cached) return cached;
    const info = modelOf(this.models, model);
    const toMany = info.relations.filter((relation) => relation.isList);
    const relations = fc
      .subarray(info.relations as RelationField[], { maxLength: Math.min(2, info.relations.length) })
      .chain((chosen) =>
        fc.tuple(...chosen.map((relation) => this.nested(relation, depth, mode).map((value) => [relation.name, value] as const))),
      );
    const counted =
      toMany.length === 0
        ? fc.constant(undefined)
        : fc.option(
            fc.subarray(toMany, { minLength: 1, maxLength: Math.min(2, toMany.length) }).chain((chosen) =>
              fc
                .tuple(...chosen.map((relation) => fc.oneof(fc.constant(true), this.where(relation.target, 0).map((where) => ({ where })))))
                .map((values) => ({ select: Object.fromEntries(chosen.map((relation, i) => [relation.name, values[i]])) })),
            ),
            { nil: undefined },
          );
    const scalars = fc.subarray(info.scalars.map((field) => field.name), { maxLength: Math.min(4, info.scalars.length) });
    const arbitrary = fc.tuple(relations, counted, scalars).map(([entries, count, fields]) => {
      const selection: Json = Object.fromEntries(entries);
      if (count) selection["_count"] = count;
      if (mode === "select") {
        selection[info.id.name] = true;
        for (const field of fields) selection[field] = true;
      }
      return Object.keys(selection).length > 0 ? selection : undefined;
    });
    this.selections.set(key, arbitrary);
    return arbitrary;
  }

  /** Either an include or a select (or neither) for a read or a write's answer. */
  shape(model: string): fc.Arbitrary<Json> {
    return fc.oneof(
      fc.constant({}),
      this.selection(model, 1, "include").map((include) => (include ? { include } : {})),
      this.selection(model, 1, "select").map((select) => (select ? { select } : {})),
    );
  }

  /** One read: the operation and its arguments. */
  read(model: string): fc.Arbitrary<{ operation: string; args: Json }> {
    const info = modelOf(this.models, model);
    const where = fc.option(this.where(model), { nil: undefined });
    const cursor = this.id(model).map((id) => ({ [info.id.name]: id }));
    const byId = this.id(model).map((id) => ({ [info.id.name]: id }));
    const grouped = info.scalars.filter(comparable).map((field) => field.name);
    const aggregated = info.scalars.filter((field) => comparable(field) && AGGREGATED.has(field.type)).map((field) => field.name);
    const withOp = (operation: string, args: fc.Arbitrary<Json>) => args.map((value) => ({ operation, args: clean(value) }));
    const reads = [
      withOp(
        "findMany",
        fc.record({
          where,
          shape: this.shape(model),
          orderBy: this.orderBy(model),
          take: fc.option(fc.integer({ min: -3, max: 5 }), { nil: undefined }),
          skip: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
          cursor: rarely(cursor),
        }),
      ),
      fc.tuple(
        fc.constantFrom("findFirst", "findFirstOrThrow"),
        fc.record({ where, shape: this.shape(model), orderBy: this.orderBy(model), skip: fc.option(fc.nat(2), { nil: undefined }) }),
      ).map(([operation, args]) => ({ operation, args: clean(args) })),
      fc.tuple(
        fc.constantFrom("findUnique", "findUniqueOrThrow"),
        fc.record({ where: fc.tuple(byId, fc.option(this.where(model, 1), { nil: undefined })).map(([id, and]) => (and ? { ...id, AND: [and] } : id)), shape: this.shape(model) }),
      ).map(([operation, args]) => ({ operation, args: clean(args) })),
      withOp("count", fc.record({ where, select: fc.option(fc.constant({ _all: true }), { nil: undefined }) })),
      withOp("groupBy", fc.record({ where, field: fc.constantFrom(...grouped) }).map(({ where, field }) => ({ where, by: [field], _count: { _all: true }, orderBy: { [field]: "asc" } }))),
    ];
    if (aggregated.length > 0) {
      reads.push(
        withOp(
          "aggregate",
          fc.record({ where, field: fc.constantFrom(...aggregated) }).map(({ where, field }) => ({ where, _count: { _all: true }, _min: { [field]: true }, _max: { [field]: true } })),
        ),
      );
    }
    return fc.oneof(...reads);
  }

  /** A seeded row of the model (either tenant's) as create data: its id dropped when the database makes one. */
  createData(model: string, without: readonly string[] = []): fc.Arbitrary<Json> {
    const info = modelOf(this.models, model);
    const rows = this.seeded.get(model) ?? [];
    if (rows.length === 0) return fc.constant({});
    const writable = info.scalars.filter((field) => !(field.isId && field.hasDefault) && !without.includes(field.name));
    return fc.constantFrom(...rows).map((row) => Object.fromEntries(writable.map((field) => [field.name, row[field.name]])));
  }

  /** Update data: some scalars set to seeded values (tenant columns and foreign keys too), or a nested relation write. */
  updateData(model: string, nestedWrites: boolean): fc.Arbitrary<Json> {
    const info = modelOf(this.models, model);
    const fields = info.scalars.filter((field) => !field.isId && field.type !== "Json" && this.values(model, field.name).length > 0);
    const scalars = fc
      .subarray(fields, { minLength: 1, maxLength: 3 })
      .chain((chosen) => fc.tuple(...chosen.map((field) => fc.constantFrom(...this.values(model, field.name)).map((value) => [field.name, value] as const))))
      .map((entries) => Object.fromEntries(entries));
    if (!nestedWrites || info.relations.length === 0) return scalars;
    return fc.oneof(scalars, fc.constantFrom(...info.relations).chain((relation) => this.relationWrite(model, relation)));
  }

  private relationWrite(model: string, relation: RelationField): fc.Arbitrary<Json> {
    const target = modelOf(this.models, relation.target);
    const connect = this.id(relation.target).map((id) => ({ [target.id.name]: id }));
    // The child's side of the relation: the fields a nested create under this parent takes from it.
    const back = target.relations.find((other) => other.relationName === relation.relationName && other.target === model);
    const ops: fc.Arbitrary<Json>[] = [connect.map((where) => ({ connect: relation.isList ? [where] : where }))];
    if ((this.seeded.get(relation.target) ?? []).length > 0) {
      // Writes through the relation reach only rows attached to the parent; their data may still name another tenant.
      const change = this.updateData(relation.target, false);
      if (relation.isList) {
        const where = this.where(relation.target, 0);
        ops.push(this.createData(relation.target, back?.from ?? []).map((create) => ({ create })));
        ops.push(this.createData(relation.target, back?.from ?? []).chain((create) => connect.map((where) => ({ connectOrCreate: { where, create } }))));
        ops.push(fc.record({ where, data: change }).map((updateMany) => ({ updateMany })));
        ops.push(where.map((deleteMany) => ({ deleteMany })));
      } else {
        ops.push(change.map((update) => ({ update })));
      }
    }
    return fc.oneof(...ops).map((write) => ({ [relation.name]: write }));
  }

  /** One write: the operation and its arguments (targets and values from either tenant). */
  write(model: string): fc.Arbitrary<{ operation: string; args: Json }> {
    const info = modelOf(this.models, model);
    const byId = this.id(model).map((id) => ({ [info.id.name]: id }));
    const where = fc.option(this.where(model, 1), { nil: undefined });
    const withOp = (operation: string, args: fc.Arbitrary<Json>) => args.map((value) => ({ operation, args: clean(value) }));
    return fc.oneof(
      withOp("update", fc.record({ where: byId, data: this.updateData(model, true) })),
      withOp("updateMany", fc.record({ where, data: this.updateData(model, false) })),
      withOp("delete", fc.record({ where: byId })),
      withOp("deleteMany", fc.record({ where })),
      withOp("upsert", fc.record({ where: byId, create: this.createData(model), update: this.updateData(model, false) })),
      withOp("create", fc.record({ data: this.createData(model) })),
      withOp("updateManyAndReturn", fc.record({ where, data: this.updateData(model, false) })),
      fc.tuple(fc.constantFrom("createMany", "createManyAndReturn"), fc.array(this.createData(model), { minLength: 1, maxLength: 2 })).map(
        ([operation, data]) => ({ operation, args: { data } }),
      ),
    );
  }

  /** The model has its own tenant column (else it is a child scoped through its parent). */
  hasColumn(model: string): boolean {
    return tenantColumn(model) !== undefined;
  }
}

/** Mostly absent: cursors page from a row, and one of every few queries is enough to hold them to the tenant. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** Drops undefined keys and spreads `shape` (include/select) into the arguments, as a caller would write them. */
function clean(args: Json): Json {
  const { shape, ...rest } = args as Json & { shape?: Json };
  const entries = Object.entries({ ...rest, ...(shape ?? {}) }).filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries);
}
