import fc from "fast-check";
import { forTenant, tenantIdOf, type TenantDb } from "../../../src/db/tenant-scope.js";
import { TENANT_SCOPES } from "../../../src/db/tenant-scopes.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { listQuery, parseList, TenantSql } from "../../../src/query/index.js";
import { CREDIT_LIST } from "../../../src/routes/credits/fields.js";
import { CREDIT_TABLE } from "../../../src/routes/credits/list-sql.js";
import { resetDatabase } from "../../helpers/database.js";
import { useTestDatabase } from "../../helpers/harness.js";
import { ArgsArbitraries, type Seeded } from "../../helpers/tenant-arbitraries.js";
import { checksumSql, crossReferenceSql, type ModelInfo, modelOf, readModels, tenantColumn, tenantFilter, tenantPredicate } from "../../helpers/tenant-model.js";
import { seedTenant } from "../../helpers/tenant-seed.js";

/**
 * Tenant isolation as a property of the scoped client (src/db/tenant-scope.ts), over every model of the schema as
 * Prisma's DMMF lists it and a database holding two tenants with rows in every model:
 * - a read through tenant A's client answers exactly what the unscoped client answers with A's filter ANDed into
 *   every filter the query has (its where, its cursor, its nested to-many reads), and every row in the answer,
 *   nested ones included, is A's;
 * - a write through A's client, whatever it names, leaves B's rows as they were (a checksum of them per table, read
 *   in the write's own transaction, which is then rolled back), and a write aimed at B's rows or pointing at them is
 *   refused, not applied;
 * - the raw path (`$rows` of a TenantSql) answers exactly A's rows, and a transaction of A's client hands raw SQL
 *   A's tenant (tenantIdOf).
 */

const harness = useTestDatabase({ reset: false });
// Fixed so every run checks the same cases; fast-check prints the seed and path of a failure to replay it.
const SEED = Number(process.env["ISOLATION_SEED"] ?? 16_2026);
const READ_RUNS = Number(process.env["ISOLATION_READ_RUNS"] ?? 600);
const WRITE_RUNS = Number(process.env["ISOLATION_WRITE_RUNS"] ?? 250);
const A = 1_616_001;
const B = 1_616_002;

type Json = Record<string, unknown>;
type Delegate = Record<string, (args: Json) => Promise<unknown>>;

let prisma: PrismaClient;
let scoped: TenantDb;
let models: ReadonlyMap<string, ModelInfo>;
let arbitraries: ArgsArbitraries;
let seeded: Map<string, Json[]>;
/** Ids of each model's rows per tenant. */
const owned = new Map<number, Map<string, Set<string>>>();
let checksums: string;
let crossReferences: string;
let baseline: Json;

const delegate = (client: object, model: string) => (client as Record<string, Delegate>)[modelOf(models, model).delegate] as Delegate;

beforeAll(async () => {
  prisma = harness.database.prisma;
  await resetDatabase(harness.database);
  const list = await readModels();
  models = new Map(list.map((model) => [model.name, model]));
  await seedTenant(prisma, A, "A");
  await seedTenant(prisma, B, "B");
  seeded = new Map();
  for (const model of list) {
    seeded.set(model.name, (await delegate(prisma, model.name)["findMany"]!({ orderBy: { [model.id.name]: "asc" } })) as Json[]);
    for (const tenant of [A, B]) {
      const rows = (await delegate(prisma, model.name)["findMany"]!({ where: tenantFilter(models, model.name, tenant) })) as Json[];
      const byModel = owned.get(tenant) ?? new Map<string, Set<string>>();
      byModel.set(model.name, new Set(rows.map((row) => String(row[model.id.name]))));
      owned.set(tenant, byModel);
    }
  }
  arbitraries = new ArgsArbitraries(models, seeded as Seeded);
  scoped = forTenant(prisma, A, harness.database.read);
  checksums = checksumSql(list);
  crossReferences = crossReferenceSql(list);
  baseline = await checksumOf(prisma, B);
}, 120_000);

/** Foreign keys of A's rows that point at a row not A's, by model and relation: none, if isolation holds. */
async function crossReferencesOf(client: Pick<PrismaClient, "$queryRawUnsafe">): Promise<string[]> {
  const [row] = await client.$queryRawUnsafe<Record<string, number>[]>(crossReferences, A);
  return Object.entries(row ?? {}).flatMap(([relation, count]) => (count > 0 ? [relation] : []));
}

async function checksumOf(client: Pick<PrismaClient, "$queryRawUnsafe">, tenant: number): Promise<Json> {
  const [row] = await client.$queryRawUnsafe<Json[]>(checksums, tenant);
  return row as Json;
}

/** Thrown to end a transaction whose writes must not stay. */
class Rollback extends Error {}

const idsOf = (tenant: number, model: string) => owned.get(tenant)?.get(model) ?? new Set<string>();

// A model added to the schema is generated for from the DMMF, but needs rows of both tenants in tenant-seed.ts.
test("every model of the DMMF is mapped, and both tenants have rows in every one", () => {
  expect([...models.keys()].sort()).toEqual(Object.keys(TENANT_SCOPES).sort());
  for (const model of models.keys()) {
    expect({ model, a: idsOf(A, model).size > 0, b: idsOf(B, model).size > 0 }).toEqual({ model, a: true, b: true });
    // The checksum's SQL finds each table's rows of the tenant as the Prisma filter does, children through parents.
    expect({ model, rows: String(baseline[model]).split(":")[0] }).toEqual({ model, rows: String(idsOf(B, model).size) });
  }
});

test("the seeded rows of a tenant point only at that tenant's rows, and the check sees one that does not", async () => {
  expect(await crossReferencesOf(prisma)).toEqual([]);
  const [website] = [...idsOf(B, "Website")];
  const [credit] = [...idsOf(A, "Credit")];
  const tied = prisma.$transaction(async (tx) => {
    await tx.credit.update({ where: { id: BigInt(credit!) }, data: { websiteRef: Number(website) } });
    expect(await crossReferencesOf(tx)).toEqual(["Credit.website"]);
    throw new Rollback();
  });
  await expect(tied).rejects.toBeInstanceOf(Rollback);
});

test("the checksum of a tenant's rows changes with any change to one of them", async () => {
  const credit = [...idsOf(B, "Credit")][0]!;
  const tenantA = await checksumOf(prisma, A);
  const changed = prisma.$transaction(async (tx) => {
    await tx.credit.update({ where: { id: BigInt(credit) }, data: { updatedBy: "checksum" } });
    expect(await checksumOf(tx, B)).not.toEqual(baseline);
    expect(await checksumOf(tx, A)).toEqual(tenantA);
    throw new Rollback();
  });
  await expect(changed).rejects.toBeInstanceOf(Rollback);
  expect(await checksumOf(prisma, B)).toEqual(baseline);
});

// ---- reads --------------------------------------------------------------------------------------------------------

class Refused extends Error {}

/**
 * The cursor as the unscoped oracle writes it: the tenant column added, so another tenant's row is no cursor. The
 * scoped client refuses, by design, a cursor it cannot hold to the tenant that way: on a model without a tenant
 * column, or naming another tenant by the column itself (a tenant's own id).
 */
function oracleCursor(model: string, cursor: Json): Json {
  const column = tenantColumn(model);
  if (column === undefined) throw new Refused(`a cursor on ${model}`);
  if (column in cursor && cursor[column] !== A) throw new Refused(`a cursor on ${model} naming another tenant`);
  return { ...cursor, [column]: A };
}

function and(where: Json | undefined, filter: Json): Json {
  if (where === undefined) return filter;
  const existing = where["AND"];
  return { ...where, AND: [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), filter] };
}

/** An include or select with A's filter ANDed into every nested to-many read and relation count. */
function oracleSelection(model: string, selection: Json): Json {
  const info = modelOf(models, model);
  const result: Json = {};
  for (const [name, value] of Object.entries(selection)) {
    const relation = info.relations.find((candidate) => candidate.name === name);
    if (name === "_count" && value && typeof value === "object") {
      const counted = (value as { select: Json }).select;
      const select = Object.fromEntries(
        Object.entries(counted).map(([field, count]) => {
          const target = info.relations.find((candidate) => candidate.name === field)?.target as string;
          const where = count === true ? undefined : (count as { where: Json }).where;
          return [field, { where: and(where, tenantFilter(models, target, A)) }];
        }),
      );
      result[name] = { select };
    } else if (relation && value && typeof value === "object") {
      const nested: Json = { ...(value as Json) };
      if (relation.isList) nested["where"] = and(nested["where"] as Json | undefined, tenantFilter(models, relation.target, A));
      if (nested["cursor"] !== undefined) nested["cursor"] = oracleCursor(relation.target, nested["cursor"] as Json);
      for (const key of ["include", "select"]) {
        if (nested[key] !== undefined) nested[key] = oracleSelection(relation.target, nested[key] as Json);
      }
      result[name] = nested;
    } else {
      result[name] = value;
    }
  }
  return result;
}

function oracleArgs(model: string, args: Json): Json {
  const result: Json = { ...args, where: and(args["where"] as Json | undefined, tenantFilter(models, model, A)) };
  if (args["cursor"] !== undefined) result["cursor"] = oracleCursor(model, args["cursor"] as Json);
  for (const key of ["include", "select"]) {
    if (args[key] !== undefined) result[key] = oracleSelection(model, args[key] as Json);
  }
  return result;
}

type Outcome = { value: unknown } | { error: string };

async function settle(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error: describe(error) };
  }
}

/** An error as the comparison sees it: its class and, for the database's errors, Prisma's code. */
function describe(error: unknown): string {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === "PrismaClientKnownRequestError") return `${name} ${code}`;
  if (message?.includes("tenant scope:")) return `tenant scope: ${message.split("tenant scope: ")[1]?.split(" ").slice(0, 4).join(" ")}`;
  return name ?? "Error";
}

/** Every row in a read's answer, nested ones too, by model: its id. */
function rowsOf(model: string, value: unknown, into: Map<string, Set<string>>): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) rowsOf(model, item, into);
    return;
  }
  const info = modelOf(models, model);
  const row = value as Json;
  if (row[info.id.name] !== undefined) {
    const ids = into.get(model) ?? new Set<string>();
    ids.add(String(row[info.id.name]));
    into.set(model, ids);
  }
  for (const relation of info.relations) if (relation.name in row) rowsOf(relation.target, row[relation.name], into);
}

function expectAllOwnedByA(model: string, value: unknown): void {
  const rows = new Map<string, Set<string>>();
  rowsOf(model, value, rows);
  for (const [name, ids] of rows) {
    const foreign = [...ids].filter((id) => !idsOf(A, name).has(id));
    expect({ model: name, foreign }).toEqual({ model: name, foreign: [] });
  }
}

/** Models with rows of both tenants: all of them, unless the first test names one that the seed misses. */
const modelName = () => fc.constantFrom(...[...models.keys()].filter((model) => idsOf(A, model).size > 0 && idsOf(B, model).size > 0));

test("a read through a tenant's client answers what the unscoped client answers with the tenant ANDed into every filter", async () => {
  const stats = { answered: 0, rows: 0 };
  const property = modelName().chain((model) => arbitraries.read(model).map((read) => ({ model, ...read })));
  await fc.assert(
    fc.asyncProperty(property, async ({ model, operation, args }) => {
      const actual = await settle(() => delegate(scoped, model)[operation]!(args));
      let expected: Outcome;
      try {
        const oracle = oracleArgs(model, args);
        expected = await settle(() => delegate(prisma, model)[operation]!(oracle));
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        // The scoped client refuses a cursor on a model it cannot hold to the tenant, rather than paging past it.
        expect(actual).toEqual({ error: expect.stringMatching(/^tenant scope: a cursor on/) });
        return;
      }
      expect(actual).toEqual(expected);
      if ("value" in actual) {
        stats.answered += 1;
        if (Array.isArray(actual.value) ? actual.value.length > 0 : actual.value !== null) stats.rows += 1;
        if (operation.startsWith("find")) expectAllOwnedByA(model, actual.value);
      }
    }),
    { numRuns: READ_RUNS, seed: SEED },
  );
  // Only worth its runs if most generated reads are valid, and many of them find rows.
  expect(stats.answered).toBeGreaterThan(READ_RUNS * 0.6);
  expect(stats.rows).toBeGreaterThan(READ_RUNS * 0.3);
}, 300_000);

// ---- writes -------------------------------------------------------------------------------------------------------

interface Written {
  outcome: Outcome;
  checksum: Json;
  /** After the write: A's foreign keys pointing at rows not A's. */
  crossed: string[];
  /** After the write: how many of the rows it answered are A's, of how many. */
  ownedAfter?: { owned: number; of: number };
}

/** Whether a row of `model` whose `key` is `value` is the tenant's. */
function holds(tenant: number, model: string, key: string, value: unknown): boolean {
  const id = modelOf(models, model).id.name;
  return (seeded.get(model) ?? []).some((row) => String(row[key]) === String(value) && idsOf(tenant, model).has(String(row[id])));
}

/** Foreign keys in a write's data naming a row of B's and none of A's: a write carrying one must be refused. */
function foreignReferences(model: string, data: unknown): string[] {
  if (!data || typeof data !== "object") return [];
  const scopes = TENANT_SCOPES as unknown as Record<string, { references?: Record<string, readonly [string, string]> }>;
  return Object.entries(scopes[model]?.references ?? {}).flatMap(([field, [parent, key]]) => {
    const value = (data as Json)[field];
    if (value === undefined || value === null) return [];
    return holds(B, parent, key, value) && !holds(A, parent, key, value) ? [`${model}.${field}`] : [];
  });
}

/** Nested connects in a write's data that name only B's rows (by id). */
function foreignConnects(model: string, data: unknown): string[] {
  if (!data || typeof data !== "object") return [];
  const info = modelOf(models, model);
  const found: string[] = [];
  for (const relation of info.relations) {
    const write = (data as Json)[relation.name] as Json | undefined;
    const connect = write?.["connect"];
    if (connect === undefined) continue;
    const target = modelOf(models, relation.target);
    for (const where of Array.isArray(connect) ? connect : [connect]) {
      const id = String((where as Json)[target.id.name]);
      if (idsOf(B, relation.target).has(id)) found.push(`${model}.${relation.name}`);
    }
  }
  return found;
}

async function writeAndRollBack(model: string, operation: string, args: Json): Promise<Written> {
  let written: Written | undefined;
  const info = modelOf(models, model);
  try {
    await scoped.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SAVEPOINT isolation_write");
      const outcome = await settle(() => delegate(tx, model)[operation]!(args));
      if ("error" in outcome) await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT isolation_write");
      const checksum = await checksumOf(tx, B);
      written = { outcome, checksum, crossed: await crossReferencesOf(tx) };
      const value = "value" in outcome ? outcome.value : undefined;
      const rows = (Array.isArray(value) ? value : value && typeof value === "object" && info.id.name in value ? [value] : []) as Json[];
      if (rows.length > 0) {
        const ids = rows.map((row) => row[info.id.name]);
        if (operation === "delete") {
          written.ownedAfter = { owned: ids.filter((id) => idsOf(A, model).has(String(id))).length, of: ids.length };
        } else {
          const [row] = await tx.$queryRawUnsafe<{ owned: number }[]>(
            `SELECT count(*)::int AS owned FROM "${info.table}" t WHERE t."${info.id.column}" = ANY($2) AND ${tenantPredicate(models, model, "t")}`,
            A,
            ids,
          );
          written.ownedAfter = { owned: row?.owned ?? 0, of: ids.length };
        }
      }
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  if (!written) throw new Error("the write's transaction ended before the write ran");
  return written;
}

test("a write through a tenant's client never changes another tenant's rows, and one aimed at them is refused", async () => {
  const stats = { applied: 0, refusedByScope: 0, refusedAimedAtB: 0 };
  const property = modelName().chain((model) => arbitraries.write(model).map((write) => ({ model, ...write })));
  await fc.assert(
    fc.asyncProperty(property, async ({ model, operation, args }) => {
      const expectedCount =
        ["updateMany", "updateManyAndReturn", "deleteMany"].includes(operation)
          ? await delegate(prisma, model)["count"]!({ where: and(args["where"] as Json | undefined, tenantFilter(models, model, A)) })
          : undefined;
      const { outcome, checksum, crossed, ownedAfter } = await writeAndRollBack(model, operation, args);
      expect(checksum).toEqual(baseline);
      expect(crossed).toEqual([]);
      const targetId = (args["where"] as Json | undefined)?.[modelOf(models, model).id.name];
      const aimedAtB = ["update", "delete"].includes(operation) && targetId !== undefined && idsOf(B, model).has(String(targetId));
      const created = [args["data"], args["create"]].flat().filter((data) => data !== undefined);
      const pointsAtB = [
        ...created.flatMap((data) => [...foreignReferences(model, data), ...foreignConnects(model, data)]),
        ...foreignReferences(model, args["update"]),
      ];
      const directChildCreate = !arbitraries.hasColumn(model) && (operation.startsWith("create") || operation === "upsert");
      if ("value" in outcome) {
        stats.applied += 1;
        expect({ aimedAtB, pointsAtB, directChildCreate }).toEqual({ aimedAtB: false, pointsAtB: [], directChildCreate: false });
        if (ownedAfter) expect(ownedAfter.owned).toBe(ownedAfter.of);
        if (expectedCount !== undefined) {
          const value = outcome.value as { count: number } | unknown[];
          expect(Array.isArray(value) ? value.length : value.count).toBe(expectedCount);
        }
        return;
      }
      if (outcome.error.startsWith("tenant scope:")) stats.refusedByScope += 1;
      if (aimedAtB) stats.refusedAimedAtB += 1;
      // Refused by the scoped client itself, or "not found" by Prisma (P2025; P2018 for a to-many connect) because
      // the scope hid the row, or refused by Prisma's validation first (a generated write Prisma does not accept).
      if (directChildCreate) expect(outcome.error).toMatch(/^tenant scope: \w+ has no tenant/);
      else if (aimedAtB) expect(outcome.error).toMatch(/P2025|^tenant scope:|PrismaClientValidationError/);
      else if (pointsAtB.length > 0) expect(outcome.error).toMatch(/P2025|P2018|^tenant scope:|PrismaClientValidationError/);
    }),
    { numRuns: WRITE_RUNS, seed: SEED },
  );
  // Only worth its runs if many writes are applied and many are refused for naming the other tenant.
  expect(stats.applied).toBeGreaterThan(WRITE_RUNS * 0.25);
  expect(stats.refusedByScope).toBeGreaterThan(WRITE_RUNS * 0.1);
  expect(stats.refusedAimedAtB).toBeGreaterThan(WRITE_RUNS * 0.05);
  expect(await checksumOf(prisma, B)).toEqual(baseline);
}, 300_000);

// ---- raw SQL ------------------------------------------------------------------------------------------------------

test("the raw path runs with the client's own tenant: another tenant's credits never come back", async () => {
  const codes = arbitraries.values("Credit", "code").map(String);
  const filter = fc.oneof(
    fc.constant(""),
    fc.constantFrom(...codes).map((code) => `code eq '${code}'`),
    fc.constantFrom("0", "10", "25.1234").chain((amount) => fc.constantFrom("ge", "lt", "eq").map((op) => `initialBalance ${op} ${amount}`)),
    fc.constantFrom(1, 2, 3).map((customerId) => `customerId eq ${customerId} or code sw 'GC'`),
  );
  const request = fc.record({ filter, pageSize: fc.integer({ min: 1, max: 10 }), startIndex: fc.nat(4) });
  await fc.assert(
    fc.asyncProperty(request, fc.boolean(), async (input, inTransaction) => {
      const statements = TenantSql.list(CREDIT_TABLE, parseList(input, CREDIT_LIST));
      // $rows reads on the pool, outside any transaction (on PGlite's one session it would wait behind this one): a
      // transaction of the client hands its raw SQL the same tenant, through tenantIdOf.
      if (inTransaction) expect(await scoped.$transaction(async (tx) => tenantIdOf(tx))).toBe(A);
      const page = await scoped.$rows<{ code: string }>(statements.page);
      const count = await scoped.$rows<{ count: number }>(statements.count);
      const query = listQuery(input, CREDIT_LIST);
      const where = { AND: [{ tenantId: A }, ...query.filters] };
      const expected = await prisma.credit.findMany({ where, orderBy: query.orderBy, skip: query.skip, take: query.take, select: { code: true } });
      expect(page.map((row) => row.code)).toEqual(expected.map((row) => row.code));
      expect(count).toEqual([{ count: await prisma.credit.count({ where }) }]);
    }),
    { numRuns: 40, seed: SEED },
  );
});
