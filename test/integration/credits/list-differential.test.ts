import fc from "fast-check";
import type { Caller } from "../../../src/auth/caller.js";
import { type TenantDb, tenantClients } from "../../../src/db/tenant-scope.js";
import { createCustomer, createTenant } from "../../../src/demo/factories.js";
import type { Prisma } from "../../../src/generated/prisma/client.js";
import { listQuery, QueryError, readPage, type ListInput } from "../../../src/query/index.js";
import { CREDIT_LIST } from "../../../src/routes/credits/fields.js";
import { listCredits } from "../../../src/routes/credits/reads.js";
import { serializeCredit } from "../../../src/routes/credits/serialize.js";
import { useTestDatabase } from "../../helpers/harness.js";

/**
 * The credits list has two compile targets for one filter language: the route reads through the SQL target
 * (listCredits), every other list through the Prisma target (listQuery). Generated filters, sorts and pages over a
 * seeded two-tenant database must give the same rows in the same order and the same totalCount from both — or, for a
 * filter one refuses, the same refusal from the other.
 */

const harness = useTestDatabase({ reset: false });

// Values the seeded credits take and the filters compare against, so that most comparisons match some rows.
const CODES = ["GC-0001", "gc-0002", "GC-0010", "SC-10%", "SC-1_0", "CU\\7", "Ärger-3", "x y", "GC-O'Neil", "ZZ"];
const CUSTOM_TYPES = [null, "Loyalty Reward", "loyalty reward", "Refund", "%"];
const CURRENCIES = ["USD", "EUR", "CAD", "JPY"];
const AMOUNTS = ["0", "0.5", "1", "10", "10.5", "10.55", "99.9999", "250", "1234.5678", "-1"];
const BALANCES = AMOUNTS.filter((amount) => !amount.startsWith("-"));
const DATES = ["2024-01-01", "2024-06-30T12:00:00Z", "2025-02-28T23:59:59.999Z", "2026-12-01T00:00:00+02:00", "1999-12-31"];
const CUSTOMERS = [1, 2, 3, 4, 5];
const TYPES = ["StoreCredit", "GiftCard", "Custom"] as const;

const pick = <T>(values: readonly T[], index: number): T => values[index % values.length]!;
const day = (index: number) => new Date(Date.UTC(2023, 0, 1) + index * 37 * 3_600_000 + (index % 7) * 1_234);

let tenantA: number;
let clientFor: (tenantId: number) => TenantDb;

/** 120 credits per tenant, every column varied (nulls, ties, LIKE wildcards, case), 1 in 9 deleted. */
async function seedTenant(tenantId: number, offset: number): Promise<void> {
  for (const customerId of CUSTOMERS) await createCustomer(harness.database.prisma, { tenantId, customerId });
  const data: Prisma.CreditCreateManyInput[] = Array.from({ length: 120 }, (_, i) => {
    const index = i + offset;
    const code = `${pick(CODES, index)}-${index}`;
    const balance = pick(BALANCES, index * 7);
    return {
      tenantId,
      code,
      codeKey: code.toUpperCase(),
      creditType: pick(TYPES, index),
      customCreditType: pick(CUSTOM_TYPES, index * 3),
      currencyCode: pick(CURRENCIES, index * 5),
      initialBalance: pick(BALANCES, index * 11),
      currentBalance: i % 9 === 0 ? "0" : balance,
      activationDate: index % 4 === 0 ? null : day(index),
      expirationDate: index % 3 === 0 ? null : day(index * 2),
      customerId: index % 6 === 0 ? null : pick(CUSTOMERS, index),
      deletedAt: i % 9 === 0 ? day(index + 1) : null,
      createdBy: index % 5 === 0 ? null : `user-${index % 4}`,
      createdAt: day(index % 40),
      updatedBy: index % 2 === 0 ? null : "editor",
      updatedAt: day(index % 25),
    };
  });
  await harness.database.prisma.credit.createMany({ data });
}

beforeAll(async () => {
  const a = await createTenant(harness.database.prisma);
  const b = await createTenant(harness.database.prisma);
  tenantA = a.id;
  await seedTenant(a.id, 0);
  await seedTenant(b.id, 1000);
  clientFor = tenantClients(harness.database.prisma, harness.database.read);
});

// ---- generated requests -------------------------------------------------------------------------------------------

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;
const anyCase = (word: string) => fc.constantFrom(word, word.toUpperCase(), word.toLowerCase());
const fromPool = (values: readonly string[]) => fc.constantFrom(...values);

/** A literal for a field: mostly values of its own type from the seeded pools, sometimes another type's or junk. */
function literal(field: string): fc.Arbitrary<string> {
  const own: Record<string, fc.Arbitrary<string>> = {
    code: fc.oneof(
      fromPool(CODES).map((code) => quoted(code)),
      fromPool(CODES).chain((code) => fc.nat({ max: code.length }).map((n) => quoted(code.slice(0, n).toLowerCase()))),
      fc.string({ maxLength: 4 }).map(quoted),
    ),
    creditType: fc.oneof(fromPool(TYPES).chain(anyCase), fc.constant("'Bogus'")),
    customCreditType: fc.oneof(fromPool(CUSTOM_TYPES.filter((type) => type !== null)).map(quoted), fc.constant("null")),
    currencyCode: fromPool(CURRENCIES).chain(anyCase),
    initialBalance: fromPool(AMOUNTS),
    currentBalance: fc.oneof(fromPool(AMOUNTS), fc.constant("'10.50'")),
    activationDate: fc.oneof(fromPool(DATES), fc.constant("null")),
    expirationDate: fc.oneof(fromPool(DATES), fc.constant("null")),
    customerId: fc.oneof(fc.constantFrom(...CUSTOMERS.map(String)), fc.constant("null"), fc.constant("0")),
    createDate: fromPool(DATES),
    updateDate: fromPool(DATES),
  };
  const junk = fc.constantFrom("null", "true", "'abc'", "12.5", "2024-13-01", "99999999999");
  return fc.oneof({ weight: 9, arbitrary: own[field] ?? junk }, { weight: 1, arbitrary: junk });
}

const FIELDS = ["code", "creditType", "customCreditType", "currencyCode", "initialBalance", "currentBalance",
  "activationDate", "expirationDate", "customerId", "createDate", "updateDate"];
const fieldName = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.constant("bogus") });
const operator = fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le", "sw", "cont");

const comparison: fc.Arbitrary<string> = fieldName.chain((field) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(anyCase(field), operator, literal(field)).map(([name, op, value]) => `${name} ${op} ${value}`) },
    {
      weight: 1,
      arbitrary: fc
        .array(literal(field).filter((value) => value !== "null"), { minLength: 1, maxLength: 3 })
        .map((values) => `${field} in [${values.join(", ")}]`),
    },
  ),
);

const filter: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    comparison,
    fc.tuple(tie("node"), fc.constantFrom("and", "or"), tie("node")).map(([left, op, right]) => `(${left}) ${op} (${right})`),
  ),
})).node;

const SORTABLE = FIELDS;
const sortBy = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...SORTABLE), fc.constantFrom("", " asc", " desc")), {
    maxLength: 3,
    selector: ([field]) => field,
  })
  .map((keys) => keys.map(([field, direction]) => `${field}${direction}`).join(", "));

const input: fc.Arbitrary<ListInput> = fc.record(
  {
    filter: fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 6, arbitrary: filter }),
    sortBy,
    startIndex: fc.oneof(fc.constant(0), fc.nat({ max: 130 })),
    pageSize: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
  },
  { requiredKeys: [] },
);

const caller: fc.Arbitrary<Caller> = fc.oneof(
  fc.constant<Caller>({ kind: "application", tenantId: 0, clientId: "differential", behaviors: new Set(["CreditRead"]) }),
  fc.constantFrom(...CUSTOMERS, 99).map<Caller>((customerId) => ({ kind: "shopper", tenantId: 0, customerId })),
);

// ---- the two targets ----------------------------------------------------------------------------------------------

type Outcome = { totalCount: number; items: unknown[] } | { refused: string };

async function settle(read: () => Promise<{ totalCount: number; items: unknown[] }>): Promise<Outcome> {
  try {
    const { totalCount, items } = await read();
    return { totalCount, items };
  } catch (error) {
    if (error instanceof QueryError) return { refused: error.message };
    throw error;
  }
}

/** The Prisma target, as every other list reads: listQuery's where, findMany and count, serializeCredit. */
function viaPrisma(db: TenantDb, who: Caller, request: ListInput): Promise<Outcome> {
  return settle(async () => {
    const query = listQuery(request, CREDIT_LIST);
    const owned = who.kind === "shopper" ? { customerId: who.customerId } : {};
    const where: Prisma.CreditWhereInput = { AND: [{ deletedAt: null, ...owned }, ...query.filters] };
    const page = await readPage(
      query,
      (args) => db.credit.findMany({ where, ...args }),
      () => db.credit.count({ where }),
    );
    return { totalCount: page.totalCount, items: page.items.map(serializeCredit) };
  });
}

function viaSql(db: TenantDb, who: Caller, request: ListInput): Promise<Outcome> {
  return settle(() => listCredits(db, who, request));
}

const RUNS = 1000;

test("the SQL and Prisma targets give the same page, order and totalCount for generated lists", async () => {
  let answered = 0;
  let matched = 0;
  await fc.assert(
    fc.asyncProperty(input, caller, async (request, who) => {
      const db = clientFor(tenantA);
      const caller = { ...who, tenantId: tenantA };
      const [prisma, sql] = [await viaPrisma(db, caller, request), await viaSql(db, caller, request)];
      expect(sql).toEqual(prisma);
      if ("items" in sql) {
        answered += 1;
        if (sql.items.length > 0) matched += 1;
      }
    }),
    { numRuns: RUNS, seed: 20261201 },
  );
  // The generator is only worth its runs if most requests are answered and many find rows.
  expect(answered).toBeGreaterThan(RUNS * 0.5);
  expect(matched).toBeGreaterThan(RUNS * 0.3);
}, 240_000);

test("neither target lets a filter reach the other tenant's credits", async () => {
  const db = clientFor(tenantA);
  const application: Caller = { kind: "application", tenantId: tenantA, clientId: "differential", behaviors: new Set(["CreditRead"]) };
  const page = await listCredits(db, application, { pageSize: 200, filter: "code ne 'nothing'" });
  const own = await harness.database.prisma.credit.count({ where: { tenantId: tenantA, deletedAt: null } });
  expect(page.totalCount).toBe(own);
  const codes = new Set(page.items.map((item) => item.code));
  const others = await harness.database.prisma.credit.findMany({ where: { NOT: { tenantId: tenantA } }, select: { code: true } });
  expect(others.length).toBeGreaterThan(0);
  for (const other of others) expect(codes.has(other.code)).toBe(false);
});
