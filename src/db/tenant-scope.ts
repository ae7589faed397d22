import { AsyncLocalStorage } from "node:async_hooks";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { TenantSql } from "../query/tenant-sql.js";
import type { SqlRead } from "./database.js";
import { type ModelName, type Reference, TENANT_SCOPES, type TenantScopes } from "./tenant-scopes.js";

type Where = Record<string, unknown>;
type Data = Record<string, unknown>;
type Args = Record<string, unknown> & { where?: Where; data?: unknown; create?: Data; update?: Data };

/** One model's scope, compiled once at load so each query only looks things up. */
interface Plan {
  readonly model: ModelName;
  readonly column: string | undefined;
  readonly filter: (tenantId: number) => Where;
  readonly relations: ReadonlyMap<string, Relation>;
  readonly references: readonly { readonly field: string; readonly model: ModelName; readonly key: string }[];
  /** This model's columns that other models' foreign keys point at. */
  readonly keys: readonly string[];
}

/** A foreign key value the scoped client must find among the tenant's rows before the write runs. */
interface Check {
  readonly model: ModelName;
  readonly key: string;
  readonly value: unknown;
  readonly from: string;
}

const PLANS = compilePlans(TENANT_SCOPES);

/** A scope as compilePlans reads it: the map's per-model types widened to plain strings. */
interface LooseScope {
  readonly column?: string;
  readonly parent?: string;
  readonly relations: Readonly<Record<string, string>>;
  readonly references?: Readonly<Record<string, Reference>>;
}

function compilePlans(scopes: TenantScopes): Record<ModelName, Plan> {
  const loose = scopes as Record<ModelName, LooseScope>;
  const filterOf = (model: ModelName): ((tenantId: number) => Where) => {
    const { column, parent, relations } = loose[model];
    if (column !== undefined) return (tenantId) => ({ [column]: tenantId });
    const through = parent as string;
    const parentFilter = filterOf(targetModel(relations[through] as string));
    return (tenantId) => ({ [through]: parentFilter(tenantId) });
  };
  const plans = {} as Record<ModelName, Plan>;
  for (const model of Object.keys(loose) as ModelName[]) {
    const scope = loose[model];
    const relations = Object.entries(scope.relations).map(
      ([name, target]) => [name, { model: targetModel(target), many: target.endsWith("[]") }] as const,
    );
    const references = Object.entries(scope.references ?? {}).map(([field, [parent, key]]) => ({
      field,
      model: parent,
      key,
    }));
    const keys = Object.values(loose).flatMap((other) =>
      Object.values(other.references ?? {}).flatMap(([parent, key]) => (parent === model ? [key] : [])),
    );
    plans[model] = {
      model,
      column: scope.column,
      filter: filterOf(model),
      relations: new Map(relations),
      references,
      keys: [...new Set(keys)],
    };
  }
  return plans;
}

function targetModel(target: string): ModelName {
  return (target.endsWith("[]") ? target.slice(0, -2) : target) as ModelName;
}

const FILTERED = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "count",
  "aggregate",
  "groupBy",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);
const CREATES = new Set(["create", "createMany", "createManyAndReturn", "upsert"]);
/** Operations answering one row, which the open transaction remembers as a parent it need not look up again. */
const ONE_ROW = new Set(["findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "create", "update", "upsert"]);

/** The transaction a query runs in, when it was opened through a scoped client: foreign key checks run inside it. */
interface OpenTransaction {
  readonly owner: object;
  readonly tx: object;
  /**
   * Parents known to be the tenant's in this transaction, read or written through its scoped client or looked up:
   * a row never changes tenant, so one of these needs no lookup.
   */
  readonly found: Set<string>;
}
const openTransaction = new AsyncLocalStorage<OpenTransaction>();

/** What the query hook asks of the client it belongs to: foreign key lookups, and remembering rows it answered. */
interface Parents {
  check(checks: readonly Check[]): Promise<void>;
  remember(plan: Plan, row: Record<string, unknown>): void;
}

function scopedClient(prisma: PrismaClient, tenantId: number, parents: Parents, read: SqlRead) {
  return prisma.$extends({
    name: "tenant-scope",
    // Raw SQL bypasses the query hooks below; it takes its tenant from here (tenantIdOf), never from a second source.
    client: {
      $tenantId: () => tenantId,
      /**
       * Runs a TenantSql with this client's tenant as its `$1`, on the pool and outside any transaction (a read in a
       * transaction goes through Prisma). Rows come as the driver parses them, so statements cast what they read.
       */
      $rows: <Row>(statement: TenantSql): Promise<Row[]> =>
        read(statement.text, [tenantId, ...statement.params]) as Promise<Row[]>,
    },
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const checks: Check[] = [];
          const plan = PLANS[model as ModelName];
          const scoped = scopeArgs(plan, operation, (args ?? {}) as Args, tenantId, checks);
          if (checks.length > 0) await parents.check(checks);
          const result: unknown = await query(scoped as never);
          if (plan.keys.length > 0 && ONE_ROW.has(operation) && result) {
            parents.remember(plan, result as Record<string, unknown>);
          }
          return result;
        },
      },
    },
  });
}

/**
 * A Prisma client that can only see and write one tenant's rows. Every service receives one of these, so
 * tenant isolation is enforced here, once, instead of by remembering `where: { tenantId }` in each query.
 * Every filter is ANDed with the tenant's; created rows are stamped with it; children without a tenant column are
 * created nested under a parent written or read through this client, never directly; foreign keys and nested
 * connects are checked against the tenant's rows (see README.md). Raw SQL bypasses this layer: it must filter by
 * tenantIdOf. Foreign key checks of batch transactions (`$transaction([...])`) run outside the batch.
 */
export function forTenant(prisma: PrismaClient, tenantId: number, read: SqlRead = prismaRead(prisma)) {
  const current = () => {
    const open = openTransaction.getStore();
    return open?.owner === scoped ? open : undefined;
  };
  const scoped: ReturnType<typeof scopedClient> = scopedClient(prisma, tenantId, {
    check(checks) {
      const open = current();
      return findParents(open?.tx ?? scoped, checks, open?.found ?? new Set());
    },
    remember(plan, row) {
      const found = current()?.found;
      if (!found) return;
      for (const key of plan.keys) if (row[key] !== undefined) found.add(parentId(plan.model, key, row[key]));
    },
  }, read);
  // Opening the transaction records it, so the foreign key checks of queries on its client run inside it.
  const transaction = ((work: unknown, options?: unknown) => {
    if (typeof work !== "function") return (scoped.$transaction as (...args: unknown[]) => unknown)(work, options);
    const run = work as (tx: object) => Promise<unknown>;
    const opened = (tx: object) => openTransaction.run({ owner: scoped, tx, found: new Set() }, () => run(tx));
    return scoped.$transaction(opened, options as never);
  }) as typeof scoped.$transaction;
  return scoped.$extends({ name: "tenant-scope-transactions", client: { $transaction: transaction } });
}

/** The client services use: Prisma restricted to the caller's tenant. */
export type TenantDb = ReturnType<typeof forTenant>;

/** The tenant a scoped client (or a transaction of one) is limited to: what raw SQL must filter by. */
export function tenantIdOf(db: Pick<TenantDb, "$tenantId">): number {
  return db.$tenantId();
}

function scopeArgs(plan: Plan, operation: string, args: Args, tenantId: number, checks: Check[]): Args {
  if (!FILTERED.has(operation) && !CREATES.has(operation)) {
    throw new Error(`tenant scope: ${operation} on ${plan.model} is not scoped; add it to src/db/tenant-scope.ts`);
  }
  if (CREATES.has(operation) && plan.column === undefined) {
    const hint = "create it nested under its parent";
    throw new Error(`tenant scope: ${plan.model} has no tenant column, so ${operation} on it is refused; ${hint}`);
  }
  const scoped: Args = { ...args };
  if (FILTERED.has(operation)) scoped.where = withScope(args.where, plan.filter(tenantId));
  if (args["cursor"] !== undefined) scoped["cursor"] = scopedCursor(plan, args["cursor"] as Where, tenantId);
  for (const key of ["include", "select"] as const) {
    if (args[key] !== undefined) scoped[key] = withNestedCursors(plan, args[key] as Data, tenantId);
  }
  const write = { tenantId, checks };
  if (operation === "create") scoped.data = writeData(plan, args.data as Data, "create", undefined, write);
  if (operation === "createMany" || operation === "createManyAndReturn") {
    scoped.data = eachOf(args.data, (row) => writeData(plan, row as Data, "create", undefined, write));
  }
  if (operation === "update" || operation === "updateMany" || operation === "updateManyAndReturn") {
    scoped.data = writeData(plan, args.data as Data, "update", undefined, write);
  }
  if (operation === "upsert") {
    scoped.create = writeData(plan, args.create as Data, "create", undefined, write);
    scoped.update = writeData(plan, args.update as Data, "update", undefined, write);
  }
  return scoped;
}

/** The caller's filter AND the tenant's, so neither a unique field nor a relation filter of the caller is replaced. */
function withScope(where: Where | undefined, scope: Where): Where {
  if (where === undefined) return scope;
  const and = where["AND"];
  return { ...where, AND: and === undefined ? [scope] : [...(Array.isArray(and) ? and : [and]), scope] };
}

/**
 * A cursor names a row whose values the page is compared with, looked up apart from the `where`: another tenant's
 * row as the cursor would page the tenant's rows by that row's balance or date, an oracle on it. With the tenant
 * column added, another tenant's cursor is missing (no rows, as for any missing cursor). A model without a tenant
 * column has no scalar to add (a cursor takes no relation filter), so its cursors are refused; nothing pages them.
 */
function scopedCursor(plan: Plan, cursor: Where, tenantId: number): Where {
  const column = plan.column;
  if (column === undefined) throw new Error(`tenant scope: a cursor on ${plan.model} is refused: it has no tenant column`);
  if (column in cursor && cursor[column] !== tenantId) {
    throw new Error(`tenant scope: a cursor on ${plan.model} names another tenant's row`);
  }
  return { ...cursor, [column]: tenantId };
}

/** An include or select with the cursors of its nested to-many reads scoped like the top-level one. */
function withNestedCursors(plan: Plan, selection: Data, tenantId: number): Data {
  const scoped: Data = { ...selection };
  for (const [name, value] of Object.entries(selection)) {
    const relation = plan.relations.get(name);
    if (relation === undefined || value === null || typeof value !== "object") continue;
    const target = PLANS[relation.model];
    const nested: Data = { ...(value as Data) };
    if (nested["cursor"] !== undefined) nested["cursor"] = scopedCursor(target, nested["cursor"] as Where, tenantId);
    for (const key of ["include", "select"] as const) {
      if (nested[key] !== undefined) nested[key] = withNestedCursors(target, nested[key] as Data, tenantId);
    }
    scoped[name] = nested;
  }
  return scoped;
}

const TENANT_KEYED_PARENTS = new Set<ModelName | undefined>(["Tenant", "Customer"]);

interface Write {
  readonly tenantId: number;
  readonly checks: Check[];
}

/**
 * One row's data for a create or an update: the tenant column stamped, foreign keys queued for checking, and nested
 * writes scoped by their own model. `parent` is the model a nested write hangs under: a row created under a tenant, or
 * under a customer (whose key includes the tenant), gets its tenant column from Prisma, which refuses it in the data.
 * A create naming its `tenant` relation instead is left to that relation's scoped connect.
 */
function writeData(plan: Plan, data: Data, mode: "create" | "update", parent: ModelName | undefined, write: Write): Data {
  const scoped: Data = { ...data };
  const column = plan.column;
  if (column !== undefined) {
    const stamp = mode === "create" ? !TENANT_KEYED_PARENTS.has(parent) && !("tenant" in data) : column in data;
    if (stamp) scoped[column] = write.tenantId;
  }
  for (const reference of plan.references) {
    if (!(reference.field in data)) continue;
    const raw = data[reference.field];
    const value = raw !== null && typeof raw === "object" && "set" in raw ? raw.set : raw;
    if (value === null || value === undefined) continue;
    if (typeof value === "object") {
      throw new Error(`tenant scope: ${plan.model}.${reference.field} must be written as a value or { set }`);
    }
    write.checks.push({ model: reference.model, key: reference.key, value, from: `${plan.model}.${reference.field}` });
  }
  for (const [name, relation] of plan.relations) {
    if (name in data) scoped[name] = nestedWrite(plan.model, name, relation, data[name] as Data, write);
  }
  return scoped;
}

type Relation = { readonly model: ModelName; readonly many: boolean };

function nestedWrite(parent: ModelName, name: string, relation: Relation, ops: Data, write: Write): Data {
  const target = PLANS[relation.model];
  const scope = target.filter(write.tenantId);
  const create = (row: unknown) => writeData(target, row as Data, "create", parent, write);
  const update = (row: unknown) => writeData(target, row as Data, "update", parent, write);
  const scoped: Data = {};
  for (const [op, value] of Object.entries(ops)) {
    switch (op) {
      case "create":
        scoped[op] = eachOf(value, create);
        break;
      case "createMany":
        scoped[op] = { ...(value as Data), data: eachOf((value as Data)["data"], create) };
        break;
      case "connect":
      case "set":
        scoped[op] = eachOf(value, (where) => withScope(where as Where, scope));
        break;
      case "connectOrCreate":
        scoped[op] = eachOf(value, (item) => {
          const { where, create: row } = item as { where: Where; create: Data };
          return { where: withScope(where, scope), create: create(row) };
        });
        break;
      case "upsert":
        scoped[op] = eachOf(value, (item) => {
          const { create: row, update: change } = item as { create: Data; update: Data };
          return { ...(item as Data), create: create(row), update: update(change) };
        });
        break;
      case "update":
      case "updateMany":
        // To-many updates are `{ where, data }`; a to-one update may be the data itself (no to-one target has a field
        // named `data`, so the key tells the two forms apart).
        scoped[op] = eachOf(value, (item) => {
          const change = item as Data;
          return relation.many || "data" in change ? { ...change, data: update(change["data"]) } : update(change);
        });
        break;
      case "disconnect":
      case "delete":
      case "deleteMany":
        // They reach only rows already attached to a parent this client found, hence the tenant's.
        scoped[op] = value;
        break;
      default:
        throw new Error(`tenant scope: nested ${op} on ${parent}.${name} is not scoped; add it to src/db/tenant-scope.ts`);
    }
  }
  return scoped;
}

function eachOf<T>(value: unknown, fn: (item: unknown) => T): T | T[] {
  return Array.isArray(value) ? value.map(fn) : fn(value);
}

function parentId(model: ModelName, key: string, value: unknown): string {
  return `${model}.${key}=${String(value)}`;
}

type Counter = { count(args: { where: Where }): Promise<number> };

/** Looks every queued parent up through the scoped client: one query per parent column, none for parents seen before. */
async function findParents(db: object, checks: readonly Check[], found: Set<string>): Promise<void> {
  const groups = new Map<string, { model: ModelName; key: string; values: Map<string, unknown>; from: Set<string> }>();
  for (const check of checks) {
    const id = parentId(check.model, check.key, check.value);
    if (found.has(id)) continue;
    const name = `${check.model}.${check.key}`;
    const group = groups.get(name) ?? { model: check.model, key: check.key, values: new Map(), from: new Set() };
    group.values.set(id, check.value);
    group.from.add(check.from);
    groups.set(name, group);
  }
  for (const group of groups.values()) {
    const property = group.model.charAt(0).toLowerCase() + group.model.slice(1);
    const delegate = (db as Record<string, Counter>)[property] as Counter;
    const values = [...group.values.values()];
    if ((await delegate.count({ where: { [group.key]: { in: values } } })) !== values.length) {
      const wanted = `${group.key} in ${values.map(String).join(", ")}`;
      const from = [...group.from].join(", ");
      throw new Error(`tenant scope: ${from} points at a ${group.model} that is not this tenant's (${wanted})`);
    }
    for (const id of group.values.keys()) found.add(id);
  }
}

// forTenant builds a Prisma client extension, and a query through a fresh one costs 0.3–0.7 ms more CPU than through
// one already used (measured): each tenant's is built once and reused. Bounded so a process serving many tenants
// does not grow without limit; the oldest is dropped first.
const MAX_CACHED_TENANTS = 1_000;

/**
 * Runs raw reads through Prisma's raw query path: for scoped clients made without the database's own pool (tests,
 * command-line tools). Its rows hold what the driver adapter maps, which for the text and integer columns a
 * TenantSql reads is what the pool gives.
 */
function prismaRead(prisma: PrismaClient): SqlRead {
  return (text, params) => prisma.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params);
}

/** Gives each tenant's scoped client, building it on first use and reusing it afterwards. */
export function tenantClients(prisma: PrismaClient, read: SqlRead = prismaRead(prisma)): (tenantId: number) => TenantDb {
  const clients = new Map<number, TenantDb>();
  return (tenantId) => {
    let client = clients.get(tenantId);
    if (!client) {
      const oldest = clients.keys().next();
      if (clients.size >= MAX_CACHED_TENANTS && !oldest.done) clients.delete(oldest.value);
      client = forTenant(prisma, tenantId, read);
      clients.set(tenantId, client);
    }
    return client;
  };
}
