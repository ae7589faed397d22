import { createCredit, createCreditmemo } from "../../../src/demo/factories.js";
import { api, useTestApp } from "../../helpers/harness.js";
import { postgresOnly } from "../../helpers/postgres-only.js";
import { eventually } from "../../helpers/push.js";
import { lockHolder, sessionsBlockedBy } from "../../helpers/row-locks.js";
import { memoPath, shop } from "./helpers.js";

const onPostgres = postgresOnly("PGlite runs one transaction at a time, so one memo cannot wait while another runs");
const harness = useTestApp({ poolSize: 10 });

test("memos numbered through the store's counter (the demo factories) and by the API draw from one sequence", async () => {
  const s = await shop(harness);
  const prisma = harness.database.prisma;
  const byFactory = await createCreditmemo(prisma, { order_ref: (await s.order()).id });
  const byApi = await api(harness).post(memoPath((await s.order({ incrementId: "100000821" })).incrementId)).set(s.app).send({});
  const again = await createCreditmemo(prisma, { order_ref: (await s.order()).id });
  expect([byFactory.increment_id, byApi.body.creditmemo.increment_id, again.increment_id]).toEqual(["100000684", "100000685", "100000686"]);
});

onPostgres.test("a memo waiting for its store-credit refund's lock holds nothing of the store's numbering: the store's next memo is numbered and answered meanwhile", async () => {
  const s = await shop(harness);
  const storeCredit = await createCredit(harness.database.prisma, {
    tenantId: s.tenantId,
    creditType: "StoreCredit",
    customerId: s.customer.customerId,
    initialBalance: "5.00",
  });
  const [refunded, other] = [await s.order({ incrementId: "100000801" }), await s.order({ incrementId: "100000802", customerId: null })];

  // Another transaction holds the StoreCredit the first memo refunds into, as a debit of it would.
  const holder = await lockHolder();
  // Its connection is dropped with the worker's database after the file; nobody is listening by then.
  holder.on("error", () => {});
  const requests: Promise<unknown>[] = [];
  try {
    await holder.query("BEGIN");
    await holder.query("SELECT id FROM credits WHERE id = $1 FOR UPDATE", [storeCredit.id]);
    const waiting = api(harness).post(memoPath(refunded.incrementId)).set(s.app).send({ refundToStoreCreditAmount: 10 }).then((response) => response);
    requests.push(waiting);
    await eventually(async () => (await sessionsBlockedBy(holder)) > 0);

    // With the store's counter row as the number, the waiting memo kept it locked from its number on, so this one
    // queued behind it for as long as the credit stayed locked.
    const next = api(harness).post(memoPath(other.incrementId)).set(s.app).send({}).then((response) => response);
    requests.push(next);
    const meanwhile = await Promise.race([
      next.then((response) => ({ status: response.status, incrementId: response.body.creditmemo?.increment_id })),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 10 s"), 10_000).unref()),
    ]);
    expect(meanwhile).toEqual({ status: 201, incrementId: "100000685" });

    await holder.query("ROLLBACK");
    const first = await waiting;
    expect(first.status).toBe(201);
    expect(first.body.creditmemo.increment_id).toBe("100000684");
    expect(first.body.creditmemo.bs_customer_bal_total_refunded).toBe("10.0000");
  } finally {
    await holder.end();
    // Failing, the test must not leave requests running into the next one's reset.
    await Promise.allSettled(requests);
  }
  const credit = await harness.database.prisma.credit.findUniqueOrThrow({ where: { id: storeCredit.id } });
  expect(credit.currentBalance.toFixed(2)).toBe("15.00");
});

onPostgres.test("memos of one store created at once get distinct numbers, contiguous when none failed, each with its refund", async () => {
  const s = await shop(harness);
  const orders = [];
  for (let index = 0; index < 8; index++) orders.push(await s.order({ incrementId: `10000090${index}` }));
  const responses = await Promise.all(
    orders.map((order, index) => api(harness).post(memoPath(order.incrementId)).set(s.app).send(index % 2 === 0 ? { refundToStoreCreditAmount: 5 } : {})),
  );
  expect(responses.map((response) => response.status)).toEqual(orders.map(() => 201));
  const numbers = responses.map((response) => response.body.creditmemo.increment_id as string).sort();
  expect(numbers).toEqual(Array.from({ length: 8 }, (_, index) => `1000006${84 + index}`));
  const refunds = await harness.database.prisma.creditTransaction.findMany({ where: { tenantId: s.tenantId, action: "Refunded" } });
  expect(refunds).toHaveLength(4);
});
