import { seedDemoApplications } from "./applications.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { advanceSequences, IdSequence, insertRows } from "./bulk.js";
import { DEMO_TENANTS, GREAT_WIDGETS_TENANT_ID, tenantRows } from "./demo-tenants.js";
import {
  CREDITMEMO_EXAMPLE_MAX_ID,
  CREDITMEMO_EXAMPLE_NUMBER,
  creditmemoExample,
  LOYALTY_EXAMPLE,
  MAGENTO_API_USER,
  MAGENTO_BALANCE_CUSTOMER_ID,
} from "../examples/index.js";
import { createApiUser } from "../auth/magento-api.js";
import type { SecretBox } from "../auth/secret-box.js";
import { createLoyaltyApiUser } from "./factories.js";
import { generateCreditmemos, storeCreditKey } from "./generate-creditmemos.js";
import { creditRows, type DraftCredit, generateCredits } from "./generate-credits.js";
import { type CustomerRow, generateCustomers } from "./generate-customers.js";
import { type DraftOrder, generateOrders, orderRows } from "./generate-orders.js";
import { generateLoyalty } from "./generate-loyalty.js";
import { infoRequestMemo } from "./info-request-memo.js";
import { createRandom, startOfUtcDay } from "./random.js";

/** The demo set's random seed: the same seed, scale and anchor day give the same rows. */
const DEMO_SEED = 26507;

/** Every row of the demo set, table by table, in an order that satisfies the foreign keys. */
export interface DemoData {
  tenants: Prisma.TenantCreateManyInput[];
  websites: Prisma.WebsiteCreateManyInput[];
  stores: Prisma.StoreCreateManyInput[];
  customers: Prisma.CustomerCreateManyInput[];
  credits: Prisma.CreditCreateManyInput[];
  orders: Prisma.OrderCreateManyInput[];
  orderItems: Prisma.OrderItemCreateManyInput[];
  creditmemos: Prisma.CreditmemoCreateManyInput[];
  creditmemoItems: Prisma.CreditmemoItemCreateManyInput[];
  creditmemoComments: Prisma.CreditmemoCommentCreateManyInput[];
  creditTransactions: Prisma.CreditTransactionCreateManyInput[];
  creditAuditEntries: Prisma.CreditAuditEntryCreateManyInput[];
  loyaltyAccounts: Prisma.LoyaltyAccountCreateManyInput[];
  loyaltyCampaigns: Prisma.LoyaltyCampaignCreateManyInput[];
  loyaltyLedgerEntries: Prisma.LoyaltyLedgerEntryCreateManyInput[];
}

export interface DemoOptions {
  /** Multiplies the generated volumes (customers, credits, orders, loyalty members); the examples are always there. */
  scale?: number;
  /**
   * Generated dates are relative to this moment (default: the start of the current UTC day), so expired and
   * not-yet-active credits stay so relative to today while a given day's seeds are identical.
   */
  anchor?: Date;
}

/** Generates the demo data set in memory, deterministically for a given scale and anchor. */
export function generateDemoData(options: DemoOptions = {}): DemoData {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be a positive number, got ${scale}`);
  const anchor = options.anchor ?? startOfUtcDay();
  const random = createRandom(DEMO_SEED);
  const scaled = (count: number, minimum: number) => Math.max(minimum, Math.round(count * scale));
  const ids = {
    customer: new IdSequence(),
    credit: new IdSequence(),
    transaction: new IdSequence(),
    audit: new IdSequence(),
    order: new IdSequence(),
    orderItem: new IdSequence(),
    creditmemo: new IdSequence(CREDITMEMO_EXAMPLE_MAX_ID + 1),
    creditmemoItem: new IdSequence(CREDITMEMO_EXAMPLE_MAX_ID + 1),
    comment: new IdSequence(CREDITMEMO_EXAMPLE_MAX_ID + 1),
    loyaltyEntry: new IdSequence(),
  };

  // Customer 4 must exist for the Magento balance example, whatever the scale.
  const customersByTenant = new Map<number, CustomerRow[]>(
    DEMO_TENANTS.map((tenant) => [
      tenant.id,
      generateCustomers(random, tenant, scaled(tenant.customers, 10), anchor, ids.customer),
    ]),
  );
  const customersOf = (tenantId: number): CustomerRow[] => customersByTenant.get(tenantId) ?? [];

  // The example order comes first so it takes order id 1 and item ids 1–2.
  const [greatWidgetsUs, greatWidgetsCa] = DEMO_TENANTS[0]?.websites ?? [];
  const exampleCustomer = customersOf(GREAT_WIDGETS_TENANT_ID).find(
    (customer) => customer.customerId === MAGENTO_BALANCE_CUSTOMER_ID,
  );
  if (!greatWidgetsUs || !greatWidgetsCa || !exampleCustomer) {
    throw new Error("the demo set lost Great Widgets' US or Canadian website or customer 4");
  }
  const example = creditmemoExample({
    tenantId: GREAT_WIDGETS_TENANT_ID,
    orderRef: ids.order.take(),
    websiteRef: greatWidgetsUs.id,
    storeRef: greatWidgetsUs.store.id,
    customerId: exampleCustomer.customerId,
    customerEmail: exampleCustomer.email,
    orderItemRefs: [ids.orderItem.take(), ids.orderItem.take()],
  });

  const orders: DraftOrder[] = DEMO_TENANTS.flatMap((tenant) =>
    generateOrders(
      random,
      tenant,
      customersOf(tenant.id),
      tenant.orders.map((count) => scaled(count, 3)),
      anchor,
      ids,
    ),
  );
  const ordersByWebsite = groupBy(orders, (order) => order.website.id, (order) => order.incrementId);

  const credits: DraftCredit[] = DEMO_TENANTS.flatMap((tenant) =>
    generateCredits(
      random,
      tenant,
      customersOf(tenant.id),
      ordersByWebsite,
      scaled(tenant.credits, 10),
      anchor,
      ids.credit,
    ),
  );
  const storeCredits = groupBy(
    credits.filter((credit) => credit.creditType === "StoreCredit"),
    (credit) => storeCreditKey(credit.tenant.id, credit.customerId ?? 0, credit.websiteRef ?? 0),
    (credit) => credit,
  );

  // Memos go before the credits are turned into rows: refunds to store credit append ledger rows.
  const memos = generateCreditmemos(random, orders, storeCredits, anchor, {
    creditmemo: ids.creditmemo,
    item: ids.creditmemoItem,
    comment: ids.comment,
  });
  const creditData = creditRows(random, credits, anchor, { transaction: ids.transaction, audit: ids.audit });
  const loyalty = generateLoyalty(random, customersByTenant, scale, anchor, ids.loyaltyEntry);
  const finishedOrders = orders.map(orderRows);
  // Last, with ids after every generated row's and no random draws, so it moves none of them.
  const infoRequest = infoRequestMemo(greatWidgetsCa, exampleCustomer, ids, {
    creditmemo: ids.creditmemo,
    item: ids.creditmemoItem,
    comment: ids.comment,
  });
  const lastCreditmemoNumbers = new Map(memos.lastNumbers);
  const atLeast = (store: number, number: number) =>
    lastCreditmemoNumbers.set(store, Math.max(lastCreditmemoNumbers.get(store) ?? 0, number));
  atLeast(greatWidgetsUs.store.id, CREDITMEMO_EXAMPLE_NUMBER);
  atLeast(greatWidgetsCa.store.id, infoRequest.number);

  return {
    ...tenantRows(lastCreditmemoNumbers),
    customers: [...customersByTenant.values()].flat(),
    credits: creditData.credits,
    orders: [example.order, ...finishedOrders.map((rows) => rows.order), infoRequest.order.order],
    orderItems: [...example.orderItems, ...finishedOrders.flatMap((rows) => rows.items), ...infoRequest.order.items],
    creditmemos: [example.creditmemo, ...memos.creditmemos, infoRequest.memo.creditmemo],
    creditmemoItems: [...example.creditmemoItems, ...memos.items, ...infoRequest.memo.items],
    creditmemoComments: [...example.creditmemoComments, ...memos.comments, ...infoRequest.memo.comments],
    creditTransactions: creditData.transactions,
    creditAuditEntries: creditData.auditEntries,
    loyaltyAccounts: loyalty.accounts,
    loyaltyCampaigns: loyalty.campaigns,
    loyaltyLedgerEntries: loyalty.entries,
  };
}

/** Row counts per table of a demo data set. */
export function countRows(data: DemoData): Record<string, number> {
  return Object.fromEntries(Object.entries(data).map(([table, rows]) => [table, (rows as unknown[]).length]));
}

export interface SeedOptions extends DemoOptions {
  /**
   * The server's EVENT_SECRET_KEYS sealer, so the demo applications can be subscribed to push deliveries at once;
   * without it each gets its signing key at its first token request.
   */
  sealer?: SecretBox | undefined;
}

/**
 * Loads the demo data set into an empty database in one transaction (all or nothing, so a failed first start
 * seeds again next time) and returns the row counts. Dates are relative to the start of the current UTC day.
 */
export async function seedDemoData(prisma: PrismaClient, options: SeedOptions = {}): Promise<Record<string, number>> {
  const data = generateDemoData(options);
  const applications = await prisma.$transaction(
    async (tx) => {
      if ((await tx.tenant.count()) > 0) throw new Error("the demo data set only loads into an empty database");
      await writeDemoData(tx, data);
      await advanceSequences(tx);
      await seedLoyaltyApiUser(tx);
      await createApiUser(tx, MAGENTO_API_USER);
      return seedDemoApplications(tx, options.sealer);
    },
    // Bulk inserts of a few hundred thousand rows; PGlite on a slow machine needs minutes, not Prisma's 5 s.
    { maxWait: 60_000, timeout: 600_000 },
  );
  return { ...countRows(data), applications };
}

/** The report example's API user, `john1970` of `greatwidgets`; hashed like any key, hence not part of DemoData. */
async function seedLoyaltyApiUser(tx: Prisma.TransactionClient): Promise<void> {
  const account = await tx.loyaltyAccount.findUniqueOrThrow({ where: { accountCode: LOYALTY_EXAMPLE.accountCode } });
  await createLoyaltyApiUser(tx, { accountId: account.id, userId: LOYALTY_EXAMPLE.userId, key: LOYALTY_EXAMPLE.userPassword });
}

function groupBy<T, K, V>(items: readonly T[], key: (item: T) => K, value: (item: T) => V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(value(item));
    else groups.set(k, [value(item)]);
  }
  return groups;
}

// Prisma fields whose column is not their snake_case name.
const WEBSITE_REF = { websiteId: "website_ref" } as const;

async function writeDemoData(tx: Prisma.TransactionClient, data: DemoData): Promise<void> {
  await insertRows(tx, "tenants", data.tenants);
  await insertRows(tx, "websites", data.websites);
  await insertRows(tx, "stores", data.stores, WEBSITE_REF);
  await insertRows(tx, "customers", data.customers);
  await insertRows(tx, "credits", data.credits);
  await insertRows(tx, "orders", data.orders, WEBSITE_REF);
  await insertRows(tx, "order_items", data.orderItems);
  await insertRows(tx, "creditmemos", data.creditmemos);
  await insertRows(tx, "creditmemo_items", data.creditmemoItems);
  await insertRows(tx, "creditmemo_comments", data.creditmemoComments);
  await insertRows(tx, "credit_transactions", data.creditTransactions);
  await insertRows(tx, "credit_audit_entries", data.creditAuditEntries);
  await insertRows(tx, "loyalty_accounts", data.loyaltyAccounts);
  await insertRows(tx, "loyalty_campaigns", data.loyaltyCampaigns);
  await insertRows(tx, "loyalty_ledger_entries", data.loyaltyLedgerEntries);
}
