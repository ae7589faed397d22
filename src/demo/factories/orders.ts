import { Decimal } from "decimal.js";
import type { Order, OrderItem, Prisma } from "../../generated/prisma/client.js";
import { type MoneyInput, toDecimal } from "../ledger.js";
import { orderTotals } from "../order-totals.js";
import { createCustomer, createStore } from "./tenants.js";
import { type Db, nextUnique, random } from "./unique.js";

const toBase = (amount: MoneyInput, rate: MoneyInput): string =>
  toDecimal(amount).div(toDecimal(rate)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed();

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
