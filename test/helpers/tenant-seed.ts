import type { PrismaClient } from "../../src/generated/prisma/client.js";
import {
  createCredit,
  createCreditmemo,
  createCustomer,
  createLoyaltyAccount,
  createLoyaltyApiUser,
  createLoyaltyCampaign,
  createLoyaltyEntry,
  createOrder,
  createStore,
  createTenant,
  createWebsite,
} from "../../src/demo/factories.js";

/**
 * One tenant's rows in every model, the same shape for each tenant so that a filter or a foreign key naming the
 * other tenant's values has something to hit: customer numbers, credit codes, balances and topics are shared between
 * the tenants, ids and parents are not. Children without a tenant column (order and memo items, memo comments,
 * loyalty campaigns, entries and API users, refresh tokens, SOAP sessions) hang under the tenant's own parents.
 */
export async function seedTenant(prisma: PrismaClient, tenantId: number, tag: string): Promise<void> {
  await createTenant(prisma, { id: tenantId, name: `Tenant ${tag}` });
  const websites = [await createWebsite(prisma, { tenantId }), await createWebsite(prisma, { tenantId, baseCurrencyCode: "EUR" })];
  const stores = [];
  for (const website of websites) stores.push(await createStore(prisma, { tenantId, websiteId: website.id }));
  for (const customerId of [1, 2, 3]) await createCustomer(prisma, { tenantId, customerId, city: customerId === 3 ? null : "Springfield" });

  const credits = [
    await createCredit(prisma, { tenantId, code: "GC-0001", customerId: 1, websiteRef: websites[0]!.id, initialBalance: "10", transactions: [{ type: "Debit", amount: "2.5" }] }),
    await createCredit(prisma, { tenantId, code: `GC-${tag}`, customerId: 2, initialBalance: "25.1234", creditType: "StoreCredit" }),
    await createCredit(prisma, { tenantId, code: "CU-1", initialBalance: "0", creditType: "Custom", deletedAt: new Date("2026-01-02T03:04:05Z") }),
  ];

  const orders = [
    await createOrder(prisma, { tenantId, storeRef: stores[0]!.id, customerId: 1, items: [{}, { price: "7.25", qtyOrdered: 2 }] }),
    await createOrder(prisma, { tenantId, storeRef: stores[1]!.id, customerId: null }),
  ];
  const memo = await createCreditmemo(prisma, { order_ref: orders[0]!.id, comments: ["Refunded", "Second note"] });
  await prisma.creditTransaction.create({
    data: {
      tenantId,
      creditId: credits[1]!.id,
      transactionType: "Credit",
      impactAmount: "5",
      balanceAfter: "30.1234",
      action: "Refunded",
      creditmemoId: memo.creditmemo_id,
      data: { memo: memo.increment_id },
    },
  });

  const account = await createLoyaltyAccount(prisma, { tenantId });
  await createLoyaltyApiUser(prisma, { accountId: account.id, key: `key-${tag}` });
  const campaigns = [
    await createLoyaltyCampaign(prisma, { accountId: account.id }),
    await createLoyaltyCampaign(prisma, { accountId: account.id, kind: "StoredValue" }),
  ];
  const members = await prisma.customer.findMany({ where: { tenantId }, orderBy: { id: "asc" } });
  for (const [i, campaign] of campaigns.entries()) {
    await createLoyaltyEntry(prisma, { campaignId: campaign.id, customerRef: members[i]!.id });
    await createLoyaltyEntry(prisma, { campaignId: campaign.id, customerRef: members[1]!.id, kind: "Redeem" });
  }

  for (const key of ["k1", "k2"]) {
    await prisma.idempotencyKey.create({
      data: { tenantId, actor: "app", key, operation: "POST /credits", requestHash: key.padEnd(64, "0"), statusCode: 201, responseBody: { key } },
    });
    await prisma.notificationOutbox.create({ data: { tenantId, topic: "credit.resend-email", entityId: key, payload: { key } } });
  }

  const applications = [];
  for (const n of [1, 2]) {
    const application = await prisma.application.create({
      data: { tenantId, clientId: `isolation.${tag}.${n}`, name: `App ${n}`, secretHash: `hash-${tag}-${n}`, behaviors: ["CreditRead"] },
    });
    applications.push(application);
    await prisma.refreshToken.create({
      data: { applicationId: application.id, tokenHash: `${tag}${n}`.padEnd(64, "f"), expiresAt: new Date("2030-01-01T00:00:00Z") },
    });
  }
  const user = await prisma.magentoApiUser.create({
    data: { tenantId, username: `soap-${tag}`, keyHash: `hash-${tag}`, resources: ["all"] },
  });
  for (const n of [1, 2]) {
    await prisma.magentoApiSession.create({
      data: { userId: user.id, sessionHash: `${tag}s${n}`.padEnd(64, "e"), expiresAt: new Date("2030-01-01T00:00:00Z") },
    });
  }

  const subscription = await prisma.eventSubscription.create({
    data: {
      subscriptionId: `sub-${tag}`,
      tenantId,
      applicationId: applications[0]!.id,
      endpoint: "https://example.com/hook",
      topics: ["credit.created"],
    },
  });
  for (const n of [1, 2]) {
    const event = await prisma.event.create({
      data: { eventId: `ev-${tag}-${n}`, tenantId, topic: "credit.created", entityId: `GC-000${n}`, extendedProperties: [] },
    });
    const delivery = await prisma.eventDelivery.create({
      data: { processId: `pr-${tag}-${n}`, tenantId, subscriptionRef: subscription.id, eventRef: event.id, entityId: event.entityId },
    });
    await prisma.eventDeliveryAttempt.create({
      data: { tenantId, deliveryRef: delivery.id, executionDate: new Date("2026-03-04T05:06:07Z"), deliveryStatus: "Failed", httpStatus: 500 },
    });
  }
}
