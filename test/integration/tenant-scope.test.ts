import type { Database } from "../../src/db/database.js";
import { forTenant } from "../../src/db/tenant-scope.js";
import { createCredit, createCustomer, createOrder, createTenant } from "../../src/demo/factories.js";
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
