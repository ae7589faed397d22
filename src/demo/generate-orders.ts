import { Decimal } from "decimal.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { CreditmemoOrder } from "../magento/index.js";
import type { RefundableItem } from "../services/creditmemos/arithmetic.js";
import type { IdSequence } from "./bulk.js";
import type { DemoTenant, DemoWebsite } from "./demo-tenants.js";
import type { CustomerRow } from "./generate-customers.js";
import { orderTotals } from "./order-totals.js";
import { addDays, formatCents, type Random, scaleCents } from "./random.js";

/** An order item being generated; qtyRefunded grows as credit memos (not canceled) are added. */
export interface DraftOrderItem {
  id: number;
  itemId: number;
  productId: number;
  sku: string;
  name: string;
  price: string;
  priceInclTax: string;
  taxAmount: string;
  discountAmount: string;
  qtyOrdered: number;
  qtyInvoiced: number;
  qtyRefunded: number;
}

/** An order being generated; `refunded` sums its credit memos that were not canceled. */
export interface DraftOrder {
  id: number;
  tenantId: number;
  website: DemoWebsite;
  entityId: number;
  incrementId: string;
  customer: CustomerRow | null;
  customerEmail: string;
  createdAt: Date;
  shippingAmount: string;
  items: DraftOrderItem[];
  refunded: { grandTotal: Decimal; shipping: Decimal; lastAt: Date | null };
}

interface Product {
  productId: number;
  sku: string;
  name: string;
  priceCents: number;
}

const SKU_PREFIX: Readonly<Record<number, string>> = { 26507: "GW", 26508: "SP" };
const SHIPPING_CENTS = [0, 500, 1000, 1500];
// Above the example's order 744 and its items 775/776, so generated ids never meet the documented ones.
const FIRST_ENTITY_ID = 1001;
const FIRST_ITEM_ID = 2001;
const FIRST_ORDER_NUMBER = 1001;

/** Ids the order generator hands out: order and item row ids are global, Magento ids are per tenant. */
export interface OrderIds {
  order: IdSequence;
  orderItem: IdSequence;
}

/**
 * Generates a tenant's orders over the last 18 months, numbered in date order: entity ids per tenant,
 * increment ids per store (prefix + 8 digits). One in twelve is a guest order; about 10% are not invoiced yet.
 */
export function generateOrders(
  random: Random,
  tenant: DemoTenant,
  customers: readonly CustomerRow[],
  ordersPerWebsite: readonly number[],
  anchor: Date,
  ids: OrderIds,
): DraftOrder[] {
  const catalog = generateCatalog(random, tenant);
  const placed = tenant.websites
    .flatMap((website, index) =>
      Array.from({ length: ordersPerWebsite[index] ?? 0 }, () => ({
        website,
        createdAt: random.dateBetween(addDays(anchor, -540), addDays(anchor, -1)),
      })),
    )
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const nextNumber = new Map<number, number>();
  let nextItemId = FIRST_ITEM_ID;
  return placed.map(({ website, createdAt }, index): DraftOrder => {
    const entityId = FIRST_ENTITY_ID + index;
    const number = nextNumber.get(website.id) ?? FIRST_ORDER_NUMBER;
    nextNumber.set(website.id, number + 1);
    // Every twelfth order is a guest's, so even a small-scale set has some.
    const customer = index % 12 === 2 ? null : random.pick(customers);
    const invoiced = random.chance(0.9);
    const discounted = random.chance(0.2);
    const items = random.sample(catalog, random.int(1, 4)).map((product): DraftOrderItem => {
      const qty = random.int(1, 3);
      const rowCents = product.priceCents * qty;
      const taxCents = scaleCents(rowCents, website.taxBasisPoints, 10_000);
      const itemId = nextItemId;
      nextItemId += 1;
      return {
        id: ids.orderItem.take(),
        itemId,
        productId: product.productId,
        sku: product.sku,
        name: product.name,
        price: formatCents(product.priceCents),
        priceInclTax: formatCents(product.priceCents + scaleCents(taxCents, 1, qty)),
        taxAmount: formatCents(taxCents),
        discountAmount: formatCents(discounted ? scaleCents(rowCents, 10, 100) : 0),
        qtyOrdered: qty,
        qtyInvoiced: invoiced ? qty : 0,
        qtyRefunded: 0,
      };
    });
    return {
      id: ids.order.take(),
      tenantId: tenant.id,
      website,
      entityId,
      incrementId: `${website.store.incrementPrefix}${String(number).padStart(8, "0")}`,
      customer,
      customerEmail: customer ? customer.email : `guest.${entityId}@example.com`,
      createdAt,
      shippingAmount: formatCents(random.pick(SHIPPING_CENTS)),
      items,
      refunded: { grandTotal: new Decimal(0), shipping: new Decimal(0), lastAt: null },
    };
  });
}

function generateCatalog(random: Random, tenant: DemoTenant): Product[] {
  return Array.from({ length: 40 }, (_, index) => ({
    productId: 100 + index,
    sku: `${SKU_PREFIX[tenant.id] ?? "SKU"}-${1000 + index}`,
    name: random.faker.commerce.productName(),
    // Shop prices: whole units minus one cent, 4.99 to 249.99.
    priceCents: random.int(5, 250) * 100 - 1,
  }));
}

/** An order item as the credit memo calculation sees it (the demo's rates are all 1, so base = order currency). */
export function refundableItem(item: DraftOrderItem): RefundableItem {
  return {
    ...item,
    basePrice: item.price,
    basePriceInclTax: item.priceInclTax,
    baseTaxAmount: item.taxAmount,
    baseDiscountAmount: item.discountAmount,
  };
}

export interface OrderRows {
  order: Prisma.OrderCreateManyInput;
  items: Prisma.OrderItemCreateManyInput[];
}

/**
 * What an order's credit memos copy from it (ids, addresses, currencies, rates), in the form the memo header takes.
 * Demo orders are in their website's currency at rate 1.
 */
export function orderHeader(draft: DraftOrder): CreditmemoOrder<string> {
  const currency = draft.website.currency;
  return {
    id: draft.id,
    tenantId: draft.tenantId,
    entityId: draft.entityId,
    // Magento numbers an order's two addresses consecutively, as the example's 1487/1488 for order 744 do.
    billingAddressId: draft.entityId * 2 - 1,
    shippingAddressId: draft.entityId * 2,
    globalCurrencyCode: currency,
    baseCurrencyCode: currency,
    orderCurrencyCode: currency,
    storeCurrencyCode: currency,
    baseToGlobalRate: "1",
    baseToOrderRate: "1",
    storeToBaseRate: "1",
    storeToOrderRate: "1",
    store: { storeId: draft.website.store.storeId },
  };
}

/** The rows to write for a finished order: totals from its items, refunds from its memos, state from both. */
export function orderRows(draft: DraftOrder): OrderRows {
  const totals = orderTotals(draft.items, draft.shippingAmount);
  const { store: _store, ...header } = orderHeader(draft);
  const fullyRefunded = draft.items.every((item) => item.qtyInvoiced > 0 && item.qtyRefunded === item.qtyInvoiced);
  const invoiced = draft.items.some((item) => item.qtyInvoiced > 0);
  const refunded = draft.refunded.grandTotal.toFixed(2);
  const shippingRefunded = draft.refunded.shipping.toFixed(2);
  return {
    order: {
      ...header,
      websiteId: draft.website.id,
      storeRef: draft.website.store.id,
      incrementId: draft.incrementId,
      customerId: draft.customer?.customerId ?? null,
      customerEmail: draft.customerEmail,
      state: fullyRefunded ? "closed" : invoiced ? "complete" : "new",
      subtotal: totals.subtotal,
      baseSubtotal: totals.subtotal,
      shippingAmount: draft.shippingAmount,
      baseShippingAmount: draft.shippingAmount,
      taxAmount: totals.taxAmount,
      baseTaxAmount: totals.taxAmount,
      discountAmount: totals.discountAmount,
      baseDiscountAmount: totals.discountAmount,
      grandTotal: totals.grandTotal,
      baseGrandTotal: totals.grandTotal,
      totalPaid: totals.totalPaid,
      baseTotalPaid: totals.totalPaid,
      totalRefunded: refunded,
      baseTotalRefunded: refunded,
      shippingRefunded,
      baseShippingRefunded: shippingRefunded,
      createdAt: draft.createdAt,
      updatedAt: draft.refunded.lastAt ?? draft.createdAt,
    },
    items: draft.items.map((item) => ({
      id: item.id,
      orderRef: draft.id,
      itemId: item.itemId,
      productId: item.productId,
      sku: item.sku,
      name: item.name,
      price: item.price,
      basePrice: item.price,
      priceInclTax: item.priceInclTax,
      basePriceInclTax: item.priceInclTax,
      taxAmount: item.taxAmount,
      baseTaxAmount: item.taxAmount,
      discountAmount: item.discountAmount,
      baseDiscountAmount: item.discountAmount,
      qtyOrdered: item.qtyOrdered,
      qtyInvoiced: item.qtyInvoiced,
      qtyRefunded: item.qtyRefunded,
    })),
  };
}
