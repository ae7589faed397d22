import { randomBytes, randomInt } from "node:crypto";
import { Decimal } from "decimal.js";
import type {
  Credit,
  Creditmemo,
  CreditmemoComment,
  CreditmemoItem,
  Customer,
  LoyaltyAccount,
  LoyaltyApiUser,
  LoyaltyCampaign,
  LoyaltyLedgerEntry,
  Order,
  OrderItem,
  Prisma,
  PrismaClient,
  Store,
  Tenant,
  Website,
} from "../generated/prisma/client.js";
import { hashSecret } from "../auth/secrets.js";
import { computeCreditmemo } from "../routes/creditmemos/arithmetic.js";
import { moveOrderRefunds } from "../routes/creditmemos/order-refunds.js";
import { buildLedger, type LedgerMove, type MoneyInput, toDecimal } from "./ledger.js";
import { orderTotals } from "./order-totals.js";
import { createRandom } from "./random.js";

/** What every factory writes with: the application's client or an interactive transaction. */
export type Db = Prisma.TransactionClient | PrismaClient;

// Unique defaults come from a per-process block of ids plus a counter: unique within a process, and processes
// sharing one database (parallel test workers) collide only when they draw the same block (1 in 21,000).
// Blocks start at 1,000,000, far from the demo tenants 26507/26508, and end below the Int maximum.
const BLOCK_SIZE = 100_000;
const blockStart = 1_000_000 + randomInt(0, 21_000) * BLOCK_SIZE;
let issued = 0;
const random = createRandom(blockStart);

function nextUnique(): number {
  issued += 1;
  if (issued >= BLOCK_SIZE) throw new RangeError(`factories ran out of unique ids (${BLOCK_SIZE} per process)`);
  return blockStart + issued;
}

// A transaction client also answers to $transaction at runtime (nested transactions, which the PGlite adapter
// lacks), so a full client is recognised by $connect, which transaction clients do not have.
async function inTransaction<T>(db: Db, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return "$connect" in db ? db.$transaction(fn) : fn(db);
}

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
const toBase = (amount: MoneyInput, rate: MoneyInput): string =>
  toDecimal(amount).div(toDecimal(rate)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed();

export type TenantOverrides = Partial<Prisma.TenantCreateManyInput>;

/** Creates a tenant with a unique id (≥ 1,000,000) and domain. */
export function createTenant(db: Db, overrides: TenantOverrides = {}): Promise<Tenant> {
  const id = overrides.id ?? nextUnique();
  return db.tenant.create({
    data: { id, name: random.faker.company.name(), domain: `t${id}.tally.localhost`, ...overrides },
  });
}

/** `websiteId` is the Magento website id; a new tenant is created unless `tenantId` is given. */
export type WebsiteOverrides = Partial<Prisma.WebsiteCreateManyInput>;

/** Creates a USD website with unique Magento website id and Kibo site id. */
export async function createWebsite(db: Db, overrides: WebsiteOverrides = {}): Promise<Website> {
  const tenantId = overrides.tenantId ?? (await createTenant(db)).id;
  const n = nextUnique();
  return db.website.create({
    data: {
      tenantId,
      websiteId: n,
      siteId: n,
      code: `web${n}`,
      name: `${random.faker.company.name()} Store`,
      baseCurrencyCode: "USD",
      ...overrides,
    },
  });
}

/** `websiteId` is the websites row id (website_ref); without it a website (and, without `tenantId`, a tenant) is created. */
export type StoreOverrides = Partial<Prisma.StoreCreateManyInput>;

/** Creates a store with a unique Magento store id and an 8-digit increment prefix. */
export async function createStore(db: Db, overrides: StoreOverrides = {}): Promise<Store> {
  const website =
    overrides.websiteId === undefined
      ? await createWebsite(db, overrides.tenantId === undefined ? {} : { tenantId: overrides.tenantId })
      : await db.website.findUniqueOrThrow({ where: { id: overrides.websiteId } });
  const n = nextUnique();
  return db.store.create({
    data: {
      tenantId: website.tenantId,
      websiteId: website.id,
      storeId: n,
      code: `store${n}`,
      // Unique per process like the ids, and short enough for the column.
      incrementPrefix: String(10_000_000 + (n % 90_000_000)),
      ...overrides,
    },
  });
}

export type CustomerOverrides = Partial<Prisma.CustomerCreateManyInput>;

/** Creates a customer with a unique customerId and every loyalty profile field filled. */
export async function createCustomer(db: Db, overrides: CustomerOverrides = {}): Promise<Customer> {
  const tenantId = overrides.tenantId ?? (await createTenant(db)).id;
  const n = nextUnique();
  const { faker } = random;
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  return db.customer.create({
    data: {
      tenantId,
      customerId: n,
      cardNumber: String(n),
      code: random.digits(18),
      firstName,
      lastName,
      email: `customer${n}@example.com`,
      phone: "555-0100",
      address1: faker.location.streetAddress(),
      address2: null,
      city: faker.location.city(),
      state: faker.location.state({ abbreviated: true }),
      zip: faker.location.zipCode("#####"),
      country: "US",
      custom1: "Created by a test factory",
      customDate: new Date(Date.UTC(1980, 0, 1)),
      username: `customer${n}`,
      ...overrides,
    },
  });
}

/** A ledger row to write after the opening one: `{ type: "Debit", amount: "12.50" }`; the Debit sign is applied for you. */
export type CreditTransactionSpec = LedgerMove;

/**
 * Credit columns except the derived codeKey and currentBalance; `transactions` are applied in order after the
 * opening row. A new tenant is created unless `tenantId` is given; `customerId` must name an existing customer.
 */
export type CreditOverrides = Partial<Omit<Prisma.CreditCreateManyInput, "codeKey" | "currentBalance">> & {
  transactions?: readonly CreditTransactionSpec[];
};

const CODE_PREFIX = { GiftCard: "GC", StoreCredit: "SC", Custom: "CU" } as const;

/**
 * Creates an active USD gift card (50.00 by default) with its ledger and audit trail: the opening row when the
 * initial balance is positive, one row per `transactions` entry, currentBalance = the last balanceAfter, a
 * Created audit entry and a Transaction audit entry per extra row. Throws if a Debit would overdraw.
 */
export async function createCredit(db: Db, overrides: CreditOverrides = {}): Promise<Credit> {
  const { transactions = [], ...columns } = overrides;
  const tenantId = columns.tenantId ?? (await createTenant(db)).id;
  const creditType = columns.creditType ?? "GiftCard";
  const code = columns.code ?? `${CODE_PREFIX[creditType]}-${random.code(16)}`;
  const initialBalance = toDecimal(columns.initialBalance ?? "50.00");
  const createdAt = toDate(columns.createdAt ?? new Date());
  const createdBy = columns.createdBy ?? "test-factory";
  const ledger = buildLedger(initialBalance, transactions, { createdAt, createdBy });
  const currencyCode = columns.currencyCode ?? "USD";
  const audit: Prisma.CreditAuditEntryCreateManyCreditInput[] = [
    {
      tenantId,
      activityType: "Created",
      details: `Created ${creditType} ${code} with initial balance ${initialBalance.toFixed(2)} ${currencyCode}`,
      createdBy,
      createdAt,
    },
    ...ledger.moves.map((row) => ({
      tenantId,
      activityType: "Transaction" as const,
      details: `${row.transactionType} ${row.impactAmount}; balance ${row.balanceAfter}`,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
    })),
  ];
  return db.credit.create({
    data: {
      customCreditType: creditType === "Custom" ? "Loyalty Reward" : null,
      activationDate: createdAt,
      createdBy,
      ...columns,
      tenantId,
      creditType,
      code,
      codeKey: code.toUpperCase(),
      currencyCode,
      initialBalance: initialBalance.toFixed(),
      currentBalance: ledger.currentBalance,
      createdAt,
      transactions: { create: ledger.rows.map((row) => ({ ...row, tenantId })) },
      auditEntries: { create: audit },
    },
  });
}

/** Order item columns; itemId, sku, name, price (25.00) and qtyOrdered (1) get defaults, base amounts follow the rate. */
export type OrderItemOverrides = Partial<Prisma.OrderItemCreateManyOrderInput>;

/**
 * Order columns plus `items` (default: one item). Without `storeRef` a store (and website, tenant) is created;
 * without `customerId` a customer is created, while `customerId: null` makes a guest order.
 */
export type OrderOverrides = Partial<Prisma.OrderCreateManyInput> & { items?: readonly OrderItemOverrides[] };

export type OrderWithItems = Order & { items: OrderItem[] };

/**
 * Creates an invoiced order in the website's currency (rates 1) whose totals are computed from its items:
 * grand total = subtotal + shipping + tax − discount, total paid = the invoiced part.
 */
export async function createOrder(db: Db, overrides: OrderOverrides = {}): Promise<OrderWithItems> {
  const { items: itemOverrides = [{}], ...columns } = overrides;
  const store =
    columns.storeRef === undefined
      ? await createStore(db, {
          ...(columns.tenantId === undefined ? {} : { tenantId: columns.tenantId }),
          ...(columns.websiteId === undefined ? {} : { websiteId: columns.websiteId }),
        })
      : await db.store.findUniqueOrThrow({ where: { id: columns.storeRef } });
  const website = await db.website.findUniqueOrThrow({ where: { id: store.websiteId } });
  const customer =
    columns.customerId === undefined
      ? await createCustomer(db, { tenantId: store.tenantId })
      : columns.customerId === null
        ? null
        : await db.customer.findUniqueOrThrow({
            where: { tenantId_customerId: { tenantId: store.tenantId, customerId: columns.customerId } },
          });
  const rate = columns.baseToOrderRate ?? "1";
  const items = itemOverrides.map((item): Prisma.OrderItemCreateManyOrderInput => {
    const n = nextUnique();
    const price = item.price ?? "25.00";
    const qtyOrdered = item.qtyOrdered ?? 1;
    const taxAmount = item.taxAmount ?? 0;
    const discountAmount = item.discountAmount ?? 0;
    const priceInclTax = toDecimal(price)
      .plus(toDecimal(taxAmount).div(toDecimal(qtyOrdered)))
      .toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
      .toFixed();
    return {
      itemId: n,
      productId: n,
      sku: `SKU-${n}`,
      name: random.faker.commerce.productName(),
      basePrice: toBase(price, rate),
      priceInclTax,
      basePriceInclTax: toBase(item.priceInclTax ?? priceInclTax, rate),
      baseTaxAmount: toBase(taxAmount, rate),
      baseDiscountAmount: toBase(discountAmount, rate),
      qtyInvoiced: qtyOrdered,
      qtyRefunded: 0,
      ...item,
      price,
      qtyOrdered,
      taxAmount,
      discountAmount,
    };
  });
  const shippingAmount = columns.shippingAmount ?? 0;
  const totals = orderTotals(
    items.map((item) => ({
      price: item.price,
      qtyOrdered: item.qtyOrdered,
      qtyInvoiced: item.qtyInvoiced,
      taxAmount: item.taxAmount ?? 0,
      discountAmount: item.discountAmount ?? 0,
    })),
    shippingAmount,
  );
  const n = nextUnique();
  const currency = website.baseCurrencyCode;
  return db.order.create({
    data: {
      tenantId: store.tenantId,
      websiteId: store.websiteId,
      storeRef: store.id,
      entityId: n,
      incrementId: `${store.incrementPrefix}${String(n).padStart(8, "0")}`,
      customerId: customer?.customerId ?? null,
      customerEmail: customer ? customer.email : `guest${n}@example.com`,
      state: toDecimal(totals.totalPaid).isZero() ? "new" : "complete",
      globalCurrencyCode: currency,
      baseCurrencyCode: currency,
      orderCurrencyCode: currency,
      storeCurrencyCode: currency,
      baseToGlobalRate: 1,
      storeToBaseRate: 1,
      storeToOrderRate: 1,
      subtotal: totals.subtotal,
      baseSubtotal: toBase(totals.subtotal, rate),
      baseShippingAmount: toBase(shippingAmount, rate),
      taxAmount: totals.taxAmount,
      baseTaxAmount: toBase(totals.taxAmount, rate),
      discountAmount: totals.discountAmount,
      baseDiscountAmount: toBase(totals.discountAmount, rate),
      grandTotal: totals.grandTotal,
      baseGrandTotal: toBase(totals.grandTotal, rate),
      totalPaid: totals.totalPaid,
      baseTotalPaid: toBase(totals.totalPaid, rate),
      billingAddressId: nextUnique(),
      shippingAddressId: nextUnique(),
      createdAt: new Date(),
      ...columns,
      baseToOrderRate: rate,
      shippingAmount,
      items: { create: items },
    },
    include: { items: { orderBy: { id: "asc" } } },
  });
}

/** Refund `qty` (default: everything invoiced and not yet refunded) of the order item with Magento id `orderItemId`. */
export interface CreditmemoItemSpec {
  orderItemId: number;
  qty?: MoneyInput;
}

export type CreditmemoCommentSpec =
  | string
  | (Partial<Prisma.CreditmemoCommentCreateManyCreditmemoInput> & { comment: string });

/**
 * Credit memo columns plus `items` (default: all refundable items) and `comments` (default: one). Without
 * `order_ref` an order is created. Amount columns given here replace the computed ones.
 */
export type CreditmemoOverrides = Partial<Prisma.CreditmemoCreateManyInput> & {
  items?: readonly CreditmemoItemSpec[];
  comments?: readonly CreditmemoCommentSpec[];
};

export type CreditmemoWithChildren = Creditmemo & { items: CreditmemoItem[]; comments: CreditmemoComment[] };

/**
 * Creates a credit memo (state 2, refunded, by default) computed from its order like Magento does, numbered from
 * the store's counter. Unless it is canceled (state 3), the order's refunded quantities and totals grow with it.
 */
export function createCreditmemo(db: Db, overrides: CreditmemoOverrides = {}): Promise<CreditmemoWithChildren> {
  return inTransaction(db, async (tx) => {
    const { items: itemSpecs, comments = ["Credit memo created"], ...columns } = overrides;
    const order =
      columns.order_ref === undefined
        ? await createOrder(tx)
        : await tx.order.findUniqueOrThrow({ where: { id: columns.order_ref }, include: { items: true } });
    const requested: readonly CreditmemoItemSpec[] =
      itemSpecs ??
      order.items
        .filter((item) => item.qtyInvoiced.gt(item.qtyRefunded))
        .map((item) => ({ orderItemId: item.itemId }));
    if (requested.length === 0) throw new RangeError(`order ${order.incrementId} has nothing left to refund`);
    const calculation = computeCreditmemo(order.items, {
      items: requested.map(({ orderItemId, qty }) => {
        const item = order.items.find((candidate) => candidate.itemId === orderItemId);
        return { orderItemId, qty: qty ?? (item ? item.qtyInvoiced.minus(item.qtyRefunded) : 0) };
      }),
      shippingAmount: columns.shipping_amount ?? order.shippingAmount.minus(order.shippingRefunded),
      adjustmentPositive: columns.adjustment_positive ?? null,
      adjustmentNegative: columns.adjustment_negative ?? null,
      baseToOrderRate: order.baseToOrderRate,
    });
    const incrementId = columns.increment_id ?? (await nextCreditmemoIncrementId(tx, order.storeRef));
    const store = await tx.store.findUniqueOrThrow({ where: { id: order.storeRef } });
    const createdAt = columns.created_at ?? new Date();
    const memo = await tx.creditmemo.create({
      data: {
        tenant_id: order.tenantId,
        order_ref: order.id,
        store_id: store.storeId,
        order_id: order.entityId,
        billing_address_id: order.billingAddressId,
        shipping_address_id: order.shippingAddressId,
        state: 2,
        global_currency_code: order.globalCurrencyCode,
        base_currency_code: order.baseCurrencyCode,
        order_currency_code: order.orderCurrencyCode,
        store_currency_code: order.storeCurrencyCode,
        base_to_global_rate: order.baseToGlobalRate,
        base_to_order_rate: order.baseToOrderRate,
        store_to_base_rate: order.storeToBaseRate,
        store_to_order_rate: order.storeToOrderRate,
        ...calculation.totals,
        customer_bal_total_refunded: 0,
        bs_customer_bal_total_refunded: 0,
        created_at: createdAt,
        updated_at: createdAt,
        ...columns,
        increment_id: incrementId,
        items: { create: calculation.items },
        comments: {
          create: comments.map((spec) => (typeof spec === "string" ? { comment: spec, created_at: createdAt } : spec)),
        },
      },
      include: { items: { orderBy: { item_id: "asc" } }, comments: { orderBy: { comment_id: "asc" } } },
    });
    if (memo.state !== 3) await moveOrderRefunds(tx, order.id, memo, "increment");
    return memo;
  });
}

async function nextCreditmemoIncrementId(tx: Prisma.TransactionClient, storeRef: number): Promise<string> {
  const store = await tx.store.update({
    where: { id: storeRef },
    data: { lastCreditmemoNumber: { increment: 1 } },
  });
  return `${store.incrementPrefix}${String(store.lastCreditmemoNumber).padStart(8, "0")}`;
}

export type LoyaltyAccountOverrides = Partial<Prisma.LoyaltyAccountCreateManyInput>;

/** Creates a loyalty account with a unique account code; a new tenant is created unless `tenantId` is given. */
export async function createLoyaltyAccount(db: Db, overrides: LoyaltyAccountOverrides = {}): Promise<LoyaltyAccount> {
  const tenantId = overrides.tenantId ?? (await createTenant(db)).id;
  const n = nextUnique();
  return db.loyaltyAccount.create({
    data: { tenantId, accountCode: `account${n}`, name: `${random.faker.company.name()} Rewards`, ...overrides },
  });
}

/** API user columns except the key hash, plus the plain `key` to hash (random when omitted). */
export type LoyaltyApiUserOverrides = Partial<Omit<Prisma.LoyaltyApiUserCreateManyInput, "keyHash">> & { key?: string };

/**
 * Creates a loyalty API user (`user_id` + API key for /api.php) with a unique user id; the key is stored only as
 * its scrypt hash and returned alongside the row. A new account is created unless `accountId` is given.
 */
export async function createLoyaltyApiUser(
  db: Db,
  overrides: LoyaltyApiUserOverrides = {},
): Promise<LoyaltyApiUser & { key: string }> {
  const { key = randomBytes(18).toString("base64url"), ...columns } = overrides;
  const accountId = columns.accountId ?? (await createLoyaltyAccount(db)).id;
  const user = await db.loyaltyApiUser.create({
    data: { userId: `user${nextUnique()}`, ...columns, accountId, keyHash: await hashSecret(key) },
  });
  return { ...user, key };
}

export type LoyaltyCampaignOverrides = Partial<Prisma.LoyaltyCampaignCreateManyInput>;

/**
 * Creates a USD campaign with an id above 32 bits: Points at 1000 points per currency unit by default,
 * no ratio for StoredValue. A new account is created unless `accountId` is given.
 */
export async function createLoyaltyCampaign(db: Db, overrides: LoyaltyCampaignOverrides = {}): Promise<LoyaltyCampaign> {
  const accountId = overrides.accountId ?? (await createLoyaltyAccount(db)).id;
  const kind = overrides.kind ?? "Points";
  const n = nextUnique();
  return db.loyaltyCampaign.create({
    data: {
      id: BigInt(100_000_000_000 + n),
      accountId,
      name: `Campaign ${n}`,
      kind,
      pointsPerCurrencyUnit: kind === "Points" ? 1000 : null,
      currencyCode: "USD",
      ...overrides,
    },
  });
}

export type LoyaltyEntryOverrides = Partial<Prisma.LoyaltyLedgerEntryCreateManyInput>;

/**
 * Creates an Earn entry (100 points, or 10.00 on a stored-value campaign). `points`/`amount` may be given
 * unsigned: the sign follows `kind` (Redeem negative). Without `campaignId` a campaign is created, without
 * `customerRef` a customer of the campaign's tenant.
 */
export async function createLoyaltyEntry(db: Db, overrides: LoyaltyEntryOverrides = {}): Promise<LoyaltyLedgerEntry> {
  const campaign =
    overrides.campaignId === undefined
      ? await createLoyaltyCampaign(db)
      : await db.loyaltyCampaign.findUniqueOrThrow({ where: { id: BigInt(overrides.campaignId) } });
  const customerRef = overrides.customerRef ?? (await createCampaignMember(db, campaign)).id;
  const kind = overrides.kind ?? "Earn";
  const sign = kind === "Redeem" ? -1 : 1;
  const points = campaign.kind === "Points" ? sign * Math.abs(overrides.points ?? 100) : null;
  const amount = campaign.kind === "StoredValue" ? toDecimal(overrides.amount ?? "10.00").abs().mul(sign).toFixed() : null;
  return db.loyaltyLedgerEntry.create({
    data: { ...overrides, campaignId: campaign.id, customerRef, kind, points, amount },
  });
}

async function createCampaignMember(db: Db, campaign: LoyaltyCampaign): Promise<Customer> {
  const account = await db.loyaltyAccount.findUniqueOrThrow({ where: { id: campaign.accountId } });
  return createCustomer(db, { tenantId: account.tenantId });
}
