import type { Database } from "../../src/db/database.js";
import { forTenant } from "../../src/db/tenant-scope.js";
import { createCredit, createCustomer, createOrder, createTenant, createWebsite } from "../../src/demo/factories.js";
import { openTestDatabase, resetDatabase } from "../helpers/database.js";

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});
beforeEach(() => resetDatabase(database));
afterAll(() => database.close());

async function twoTenants() {
  const a = await createTenant(database.prisma);
  const b = await createTenant(database.prisma);
  const creditA = await createCredit(database.prisma, { tenantId: a.id, initialBalance: "10" });
  const creditB = await createCredit(database.prisma, { tenantId: b.id, initialBalance: "20" });
  return { a, b, creditA, creditB };
}

test("reads through a tenant's client see only that tenant's rows, whatever the where clause says", async () => {
  const { a, b, creditA, creditB } = await twoTenants();
  const db = forTenant(database.prisma, a.id);
  expect((await db.credit.findMany()).map((credit) => credit.id)).toEqual([creditA.id]);
  expect(await db.credit.count()).toBe(1);
  expect(await db.credit.findUnique({ where: { id: creditB.id } })).toBeNull();
  expect(await db.credit.findFirst({ where: { tenantId: b.id } })).toBeNull();
  expect(await db.credit.findMany({ where: { OR: [{ tenantId: b.id }, { id: creditB.id }] } })).toEqual([]);
  expect(await db.creditTransaction.count({ where: { creditId: creditB.id } })).toBe(0);
  expect((await db.tenant.findMany()).map((tenant) => tenant.id)).toEqual([a.id]);
});

test("writes through a tenant's client cannot reach another tenant's rows", async () => {
  const { a, creditB } = await twoTenants();
  const db = forTenant(database.prisma, a.id);
  await expect(db.credit.update({ where: { id: creditB.id }, data: { customCreditType: "hijacked" } })).rejects.toMatchObject({
    code: "P2025",
  });
  expect((await db.credit.updateMany({ where: { id: creditB.id }, data: { customCreditType: "hijacked" } })).count).toBe(0);
  const untouched = await database.prisma.credit.findUniqueOrThrow({ where: { id: creditB.id } });
  expect(untouched.customCreditType).toBeNull();
});

test("rows created through a tenant's client belong to that tenant even if the data names another", async () => {
  const { a, b } = await twoTenants();
  const db = forTenant(database.prisma, a.id);
  const customer = await db.customer.create({ data: { tenantId: b.id, customerId: 99 } });
  expect(customer.tenantId).toBe(a.id);
});

test("children without a tenant column are filtered through their parent", async () => {
  const a = await createTenant(database.prisma);
  const b = await createTenant(database.prisma);
  const customerB = await createCustomer(database.prisma, { tenantId: b.id });
  const orderB = await createOrder(database.prisma, { tenantId: b.id, customerId: customerB.customerId });
  const db = forTenant(database.prisma, a.id);
  expect(await db.orderItem.findMany({ where: { orderRef: orderB.id } })).toEqual([]);
  expect(await forTenant(database.prisma, b.id).orderItem.count({ where: { orderRef: orderB.id } })).toBe(orderB.items.length);
});

test("interactive transactions on a tenant's client stay scoped", async () => {
  const { a, creditB } = await twoTenants();
  const seen = await forTenant(database.prisma, a.id).$transaction((tx) => tx.credit.findUnique({ where: { id: creditB.id } }));
  expect(seen).toBeNull();
});

test("a unique lookup of another tenant answers nothing, not the caller's own tenant", async () => {
  const { a, b } = await twoTenants();
  const db = forTenant(database.prisma, a.id);
  expect(await db.tenant.findUnique({ where: { id: b.id } })).toBeNull();
  await expect(db.tenant.findUniqueOrThrow({ where: { id: b.id } })).rejects.toMatchObject({ code: "P2025" });
  expect((await db.tenant.findUnique({ where: { id: a.id } }))?.id).toBe(a.id);
});

test("a unique update or delete of another tenant's row is not found and changes nothing", async () => {
  const { a, b, creditB } = await twoTenants();
  const db = forTenant(database.prisma, a.id);
  await expect(db.tenant.update({ where: { id: b.id }, data: { name: "hijacked" } })).rejects.toMatchObject({ code: "P2025" });
  await expect(db.credit.update({ where: { id: creditB.id }, data: { code: "HIJACKED", codeKey: "HIJACKED" } })).rejects.toMatchObject({
    code: "P2025",
  });
  await expect(db.credit.delete({ where: { id: creditB.id } })).rejects.toMatchObject({ code: "P2025" });
  expect((await database.prisma.tenant.findUniqueOrThrow({ where: { id: b.id } })).name).toBe(b.name);
  expect((await database.prisma.tenant.findUniqueOrThrow({ where: { id: a.id } })).name).toBe(a.name);
  expect((await database.prisma.credit.findUniqueOrThrow({ where: { id: creditB.id } })).code).toBe(creditB.code);
});

test("a caller's own AND and relation filters on a child model are kept beside the scope", async () => {
  const a = await createTenant(database.prisma);
  const customer = await createCustomer(database.prisma, { tenantId: a.id });
  const first = await createOrder(database.prisma, { tenantId: a.id, customerId: customer.customerId });
  await createOrder(database.prisma, { tenantId: a.id, customerId: customer.customerId });
  const db = forTenant(database.prisma, a.id);
  const items = await db.orderItem.findMany({ where: { order: { incrementId: first.incrementId } } });
  expect(items.map((item) => item.id).sort()).toEqual(first.items.map((item) => item.id).sort());
  const item = first.items[0]!;
  const where = { orderRef_itemId: { orderRef: first.id, itemId: item.itemId }, AND: { order: { incrementId: "elsewhere" } } };
  expect(await db.orderItem.findUnique({ where })).toBeNull();
});

test("children without a tenant column cannot be created directly, only nested under a scoped parent", async () => {
  const a = await createTenant(database.prisma);
  const customer = await createCustomer(database.prisma, { tenantId: a.id });
  const order = await createOrder(database.prisma, { tenantId: a.id, customerId: customer.customerId });
  const db = forTenant(database.prisma, a.id);
  const item = { itemId: 999, sku: "S", name: "N", price: 1, basePrice: 1, priceInclTax: 1, basePriceInclTax: 1, qtyOrdered: 1, qtyInvoiced: 1 };
  await expect(db.orderItem.create({ data: { ...item, orderRef: order.id } })).rejects.toThrow(/OrderItem has no tenant column/);
  await expect(db.orderItem.createMany({ data: [{ ...item, orderRef: order.id }] })).rejects.toThrow(/no tenant column/);
  await expect(
    db.orderItem.upsert({ where: { id: 1 }, create: { ...item, orderRef: order.id }, update: {} }),
  ).rejects.toThrow(/no tenant column/);
  await expect(db.refreshToken.create({ data: { applicationId: 1, tokenHash: "x".repeat(64), expiresAt: new Date() } })).rejects.toThrow(
    /no tenant column/,
  );
  await db.order.update({ where: { id: order.id }, data: { items: { create: { ...item } } } });
  expect(await database.prisma.orderItem.count({ where: { orderRef: order.id, itemId: 999 } })).toBe(1);
});

test("foreign keys and connects to another tenant's rows are refused; the tenant's own are written", async () => {
  const { a, creditA, creditB } = await twoTenants();
  const websiteA = await createWebsite(database.prisma, { tenantId: a.id });
  const websiteB = await createWebsite(database.prisma);
  const db = forTenant(database.prisma, a.id);
  const move = { transactionType: "Credit", impactAmount: "1", balanceAfter: "11", action: "Updated" } as const;
  await expect(db.creditTransaction.create({ data: { ...move, tenantId: a.id, creditId: creditB.id } })).rejects.toThrow(
    /CreditTransaction.creditId points at a Credit that is not this tenant's/,
  );
  await expect(db.credit.update({ where: { id: creditA.id }, data: { websiteRef: websiteB.id } })).rejects.toThrow(/not this tenant's/);
  await expect(
    db.credit.update({ where: { id: creditA.id }, data: { website: { connect: { id: websiteB.id } } } }),
  ).rejects.toMatchObject({ code: "P2025" });
  await expect(
    db.creditAuditEntry.createMany({ data: [{ tenantId: a.id, creditId: creditA.id, activityType: "Updated" }, { tenantId: a.id, creditId: creditB.id, activityType: "Updated" }] }),
  ).rejects.toThrow(/not this tenant's/);
  expect(await database.prisma.creditTransaction.count({ where: { creditId: creditB.id, tenantId: a.id } })).toBe(0);
  expect(await database.prisma.creditAuditEntry.count({ where: { creditId: creditB.id, tenantId: a.id } })).toBe(0);
  expect((await database.prisma.credit.findUniqueOrThrow({ where: { id: creditA.id } })).websiteRef).toBeNull();

  await db.creditTransaction.create({ data: { ...move, tenantId: a.id, creditId: creditA.id } });
  await db.credit.update({ where: { id: creditA.id }, data: { website: { connect: { id: websiteA.id } } } });
  // A parent created earlier in the same transaction is found by the check, which runs inside it.
  await db.$transaction(async (tx) => {
    const credit = await tx.credit.create({
      data: { tenantId: a.id, code: "IN-TX", codeKey: "IN-TX", creditType: "GiftCard", currencyCode: "USD", initialBalance: 0, currentBalance: 0 },
    });
    await tx.creditAuditEntry.create({ data: { tenantId: a.id, creditId: credit.id, activityType: "Created" } });
    await tx.creditAuditEntry.create({ data: { tenantId: a.id, creditId: creditA.id, activityType: "Updated" } });
  });
  await expect(
    db.$transaction((tx) => tx.creditAuditEntry.create({ data: { tenantId: a.id, creditId: creditB.id, activityType: "Updated" } })),
  ).rejects.toThrow(/not this tenant's/);
  expect(await database.prisma.creditAuditEntry.count({ where: { tenantId: a.id, credit: { code: "IN-TX" } } })).toBe(1);
});

test("createMany and nested creates stamp the caller's tenant over any other", async () => {
  const { a, b, creditA } = await twoTenants();
  const db = forTenant(database.prisma, a.id);
  await db.customer.createMany({ data: [{ tenantId: b.id, customerId: 71 }, { tenantId: a.id, customerId: 72 }] });
  const customers = await database.prisma.customer.findMany({ where: { customerId: { in: [71, 72] } } });
  expect(customers.map((customer) => customer.tenantId)).toEqual([a.id, a.id]);
  await db.credit.update({
    where: { id: creditA.id },
    data: { auditEntries: { create: { tenantId: b.id, activityType: "Updated" } } },
  });
  const entries = await database.prisma.creditAuditEntry.findMany({ where: { creditId: creditA.id, activityType: "Updated" } });
  expect(entries.map((entry) => entry.tenantId)).toEqual([a.id]);
  await db.credit.update({ where: { id: creditA.id }, data: { tenantId: b.id } });
  expect((await database.prisma.credit.findUniqueOrThrow({ where: { id: creditA.id } })).tenantId).toBe(a.id);
});
