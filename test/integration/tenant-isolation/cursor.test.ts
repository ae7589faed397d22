import { forTenant } from "../../../src/db/tenant-scope.js";
import { createCredit, createOrder, createTenant } from "../../../src/demo/factories.js";
import { useTestDatabase } from "../../helpers/harness.js";

/**
 * Found by the isolation property: Prisma looks a cursor's row up apart from the `where`, so another tenant's credit
 * as the cursor paged the tenant's own credits by that credit's balance (an oracle on it, one bisection away from
 * its value). The scoped client now adds the tenant column to every cursor, nested ones too.
 */

const harness = useTestDatabase();
const byBalance = [{ currentBalance: "asc" as const }, { id: "asc" as const }];

async function tenantsWithCredits() {
  const prisma = harness.database.prisma;
  const a = await createTenant(prisma);
  const b = await createTenant(prisma);
  const own = [];
  for (const balance of ["1", "5", "9"]) own.push(await createCredit(prisma, { tenantId: a.id, initialBalance: balance }));
  const foreign = await createCredit(prisma, { tenantId: b.id, initialBalance: "4" });
  return { a, b, own, foreign, db: forTenant(prisma, a.id) };
}

test("another tenant's row as a cursor is no cursor: nothing is paged past it", async () => {
  const { db, own, foreign } = await tenantsWithCredits();
  expect(await db.credit.findMany({ cursor: { id: foreign.id }, orderBy: byBalance })).toEqual([]);
  expect(await db.credit.findFirst({ cursor: { id: foreign.id }, orderBy: byBalance })).toBeNull();
  const fromOwn = await db.credit.findMany({ cursor: { id: own[1]!.id }, orderBy: byBalance });
  expect(fromOwn.map((credit) => credit.currentBalance.toString())).toEqual(["5", "9"]);
});

test("a nested to-many read's cursor is held to the tenant as well", async () => {
  const { a, db, own, foreign } = await tenantsWithCredits();
  const tenant = await db.tenant.findUniqueOrThrow({
    where: { id: a.id },
    include: { credits: { cursor: { id: foreign.id }, orderBy: byBalance } },
  });
  expect(tenant.credits).toEqual([]);
  const paged = await db.tenant.findUniqueOrThrow({
    where: { id: a.id },
    include: { credits: { cursor: { id: own[1]!.id }, orderBy: byBalance } },
  });
  expect(paged.credits.map((credit) => credit.id)).toEqual([own[1]!.id, own[2]!.id]);
});

test("a cursor on a model without a tenant column, or naming another tenant, is refused", async () => {
  const { a, b, db } = await tenantsWithCredits();
  const order = await createOrder(harness.database.prisma, { tenantId: a.id });
  const item = order.items[0]!;
  await expect(db.orderItem.findMany({ cursor: { id: item.id } })).rejects.toThrow(/a cursor on OrderItem is refused/);
  await expect(
    db.order.findMany({ include: { items: { cursor: { id: item.id } } } }),
  ).rejects.toThrow(/a cursor on OrderItem is refused/);
  await expect(db.tenant.findMany({ cursor: { id: b.id } })).rejects.toThrow(/names another tenant's row/);
  expect((await db.tenant.findMany({ cursor: { id: a.id } })).map((tenant) => tenant.id)).toEqual([a.id]);
});
