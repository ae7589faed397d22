import { tenantIdOf } from "../../db/tenant-scope.js";
import { isUniqueViolation, type TenantTx } from "../../db/transactions.js";
import { Errors } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { Decimal, formatAmount, toDecimal } from "../../money/index.js";
import { type AmountRefusal, readAmountParameter } from "../../money/parameters.js";
import { toDate } from "../../query/filter/coerce.js";
import { CREDITMEMO_STATE, MemoFaults, type OrderRecord } from "../../magento/index.js";
import { lockOrder } from "./order-lock.js";
import { MAX_INT32 } from "./input-parts.js";
import type { OrderImportInput } from "./order-schemas.js";

const ORDER_INCLUDE = { items: { orderBy: { id: "asc" } }, store: { select: { storeId: true } } } as const satisfies Prisma.OrderInclude;

/** The result of an import: the snapshot as stored, and whether it was new. */
export interface ImportedOrder {
  created: boolean;
  order: OrderRecord;
}

/** What Tally's own (not canceled) credit memos refunded of an order: the floor for the refunded values sent. */
interface MemoRefunds {
  qty: Map<number, Decimal>;
  total: Decimal;
  baseTotal: Decimal;
  shipping: Decimal;
  baseShipping: Decimal;
}

type Amount = number | string | null | undefined;

type ImportItem = OrderImportInput["items"][number];
type IdField = "entity_id" | "store_id" | "customer_id" | "billing_address_id" | "shipping_address_id";

/** The import body with its ids read as numbers. */
type OrderInput = Omit<OrderImportInput, IdField | "items"> & {
  entity_id: number;
  store_id: number;
  customer_id: number | null;
  billing_address_id: number | null;
  shipping_address_id: number | null;
  items: (Omit<ImportItem, "item_id" | "product_id"> & { item_id: number; product_id: number | null })[];
};

/**
 * Creates or replaces the snapshot of an order from the order system (idempotent: the same body twice leaves the same
 * snapshot). Base amounts that are not sent are the order amounts ÷ base_to_order_rate. Refunded quantities and totals
 * are the larger of what is sent and what Tally's credit memos refunded, so an import never undoes a refund; lines
 * refunded by memos cannot be dropped, nor their invoiced quantity lowered below the refund. Runs in the caller's
 * transaction; the order row is locked, so an import and a credit memo for the same order run one after the other.
 */
export async function importOrder(tx: TenantTx, incrementId: string, body: OrderImportInput, now: Date): Promise<ImportedOrder> {
  const input = readIds(body);
  const store = await tx.store.findFirst({ where: { storeId: input.store_id }, select: { id: true, websiteId: true } });
  if (!store) throw refuseInvalidData("store_id", `store_id ${input.store_id} is not a store of this tenant.`);
  const customerId = input.customer_id ?? null;
  if (customerId !== null && !(await tx.customer.findFirst({ where: { customerId }, select: { id: true } }))) {
    throw refuseInvalidData("customer_id", `customer_id ${customerId} is not a customer of this tenant.`);
  }
  const owner = await tx.order.findFirst({ where: { entityId: input.entity_id }, select: { incrementId: true } });
  if (owner && owner.incrementId !== incrementId) {
    throw Errors.conflict(`entity_id ${input.entity_id} belongs to order ${owner.incrementId}.`, { parameter: "entity_id" });
  }

  const existing = await lockOrder(tx, { incrementId });
  if (existing && existing.entity_id !== input.entity_id) {
    throw Errors.conflict(`Order ${incrementId} has entity_id ${existing.entity_id}; it cannot change.`, { parameter: "entity_id" });
  }
  const refunds = existing ? await memoRefunds(tx, existing.id) : emptyRefunds();
  const columns = orderColumns(input, refunds);
  const items = itemRows(input, refunds, columns.baseToOrderRate);
  const data = { ...columns, websiteId: store.websiteId, storeRef: store.id, customerId, updatedAt: now };

  if (existing) {
    await tx.order.update({
      where: { id: existing.id },
      data: {
        ...data,
        ...(input.created_at ? { createdAt: readDate(input.created_at) } : {}),
        items: {
          deleteMany: { itemId: { notIn: items.map((item) => item.itemId) } },
          upsert: items.map((item) => ({
            where: { orderRef_itemId: { orderRef: existing.id, itemId: item.itemId } },
            create: item,
            update: item,
          })),
        },
      },
    });
    return { created: false, order: await readOrder(tx, existing.id) };
  }
  let order: { id: number };
  try {
    order = await tx.order.create({
      data: {
        ...data,
        tenantId: tenantIdOf(tx),
        incrementId,
        entityId: input.entity_id,
        createdAt: input.created_at ? readDate(input.created_at) : now,
        items: { create: items },
      },
      select: { id: true },
    });
  } catch (error) {
    // Two first imports of one order raced past the lock (there was no row to lock yet); the unique index decided.
    if (isUniqueViolation(error)) throw Errors.conflict(`Order ${incrementId} was imported by a concurrent request; retry.`);
    throw error;
  }
  return { created: true, order: await readOrder(tx, order.id) };
}

async function readOrder(tx: TenantTx, id: number): Promise<OrderRecord> {
  const { store, ...order } = await tx.order.findFirstOrThrow({ where: { id }, include: ORDER_INCLUDE });
  return { ...order, store_id: store.storeId };
}

function emptyRefunds(): MemoRefunds {
  const zero = new Decimal(0);
  return { qty: new Map(), total: zero, baseTotal: zero, shipping: zero, baseShipping: zero };
}

async function memoRefunds(tx: TenantTx, orderRef: number): Promise<MemoRefunds> {
  const live = { order_ref: orderRef, state: { not: CREDITMEMO_STATE.canceled } };
  const [lines, totals] = await Promise.all([
    tx.creditmemoItem.groupBy({ by: ["order_item_id"], where: { creditmemo: live }, _sum: { qty: true } }),
    tx.creditmemo.aggregate({
      where: live,
      _sum: { grand_total: true, base_grand_total: true, shipping_amount: true, base_shipping_amount: true },
    }),
  ]);
  const sum = (value: Prisma.Decimal | null) => toDecimal(value ?? 0);
  return {
    qty: new Map(lines.map((line) => [line.order_item_id, sum(line._sum.qty)])),
    total: sum(totals._sum.grand_total),
    baseTotal: sum(totals._sum.base_grand_total),
    shipping: sum(totals._sum.shipping_amount),
    baseShipping: sum(totals._sum.base_shipping_amount),
  };
}

/** The order's own columns from the body: amounts checked, base twins defaulted, refunded values floored at the memos'. */
function orderColumns(input: OrderInput, refunds: MemoRefunds) {
  const rate = positive("base_to_order_rate", input.base_to_order_rate ?? 1);
  const baseCurrency = input.base_currency_code.toUpperCase();
  const amount = (name: string, value: Amount, fallback = new Decimal(0)) =>
    value === undefined || value === null ? fallback : nonNegative(name, value);
  const base = (name: string, value: Amount, orderAmount: Decimal) => amount(name, value, toBase(orderAmount, rate));
  const subtotal = nonNegative("subtotal", input.subtotal);
  const shipping = amount("shipping_amount", input.shipping_amount);
  const tax = amount("tax_amount", input.tax_amount);
  const discount = magnitude("discount_amount", input.discount_amount) ?? new Decimal(0);
  const grandTotal = nonNegative("grand_total", input.grand_total);
  const paid = amount("total_paid", input.total_paid);
  const basePaid = base("base_total_paid", input.base_total_paid, paid);
  const baseRefunded = Decimal.max(amount("base_total_refunded", input.base_total_refunded), refunds.baseTotal);
  if (baseRefunded.gt(basePaid)) {
    throw Errors.conflict(`base_total_paid ${formatAmount(basePaid, baseCurrency)} is below the ${formatAmount(baseRefunded, baseCurrency)} already refunded.`, {
      parameter: "base_total_paid",
    });
  }
  const text = (value: Decimal): string => value.toFixed();
  return {
    state: input.state,
    customerEmail: input.customer_email ?? null,
    globalCurrencyCode: (input.global_currency_code ?? baseCurrency).toUpperCase(),
    baseCurrencyCode: baseCurrency,
    orderCurrencyCode: (input.order_currency_code ?? baseCurrency).toUpperCase(),
    storeCurrencyCode: (input.store_currency_code ?? baseCurrency).toUpperCase(),
    baseToGlobalRate: text(positive("base_to_global_rate", input.base_to_global_rate ?? 1)),
    baseToOrderRate: text(rate),
    storeToBaseRate: text(positive("store_to_base_rate", input.store_to_base_rate ?? 1)),
    storeToOrderRate: text(positive("store_to_order_rate", input.store_to_order_rate ?? 1)),
    subtotal: text(subtotal),
    baseSubtotal: text(base("base_subtotal", input.base_subtotal, subtotal)),
    shippingAmount: text(shipping),
    baseShippingAmount: text(base("base_shipping_amount", input.base_shipping_amount, shipping)),
    taxAmount: text(tax),
    baseTaxAmount: text(base("base_tax_amount", input.base_tax_amount, tax)),
    discountAmount: text(discount),
    baseDiscountAmount: text(magnitude("base_discount_amount", input.base_discount_amount) ?? toBase(discount, rate)),
    grandTotal: text(grandTotal),
    baseGrandTotal: text(base("base_grand_total", input.base_grand_total, grandTotal)),
    totalPaid: text(paid),
    baseTotalPaid: text(basePaid),
    totalRefunded: text(Decimal.max(amount("total_refunded", input.total_refunded), refunds.total)),
    baseTotalRefunded: text(baseRefunded),
    shippingRefunded: text(Decimal.max(amount("shipping_refunded", input.shipping_refunded), refunds.shipping)),
    baseShippingRefunded: text(Decimal.max(amount("base_shipping_refunded", input.base_shipping_refunded), refunds.baseShipping)),
    billingAddressId: input.billing_address_id ?? null,
    shippingAddressId: input.shipping_address_id ?? null,
  };
}

/** The order lines from the body, checked against each other and against what memos refunded of them. */
function itemRows(input: OrderInput, refunds: MemoRefunds, rateText: string) {
  const rate = new Decimal(rateText);
  const seen = new Set<number>();
  const rows = input.items.map((item, index) => {
    const at = (name: string) => `items[${index}].${name}`;
    if (seen.has(item.item_id)) throw refuseInvalidData(at("item_id"), `item_id ${item.item_id} appears twice in items.`);
    seen.add(item.item_id);
    const optional = (name: string, value: Amount, fallback: Decimal) =>
      value === undefined || value === null ? fallback : nonNegative(at(name), value);
    const price = nonNegative(at("price"), item.price);
    const qtyOrdered = positive(at("qty_ordered"), item.qty_ordered);
    const qtyInvoiced = optional("qty_invoiced", item.qty_invoiced, new Decimal(0));
    if (qtyInvoiced.gt(qtyOrdered)) {
      throw refuseInvalidData(at("qty_invoiced"), `qty_invoiced ${qtyInvoiced.toFixed()} is above qty_ordered ${qtyOrdered.toFixed()}.`);
    }
    const memoQty = refunds.qty.get(item.item_id) ?? new Decimal(0);
    if (qtyInvoiced.lt(memoQty)) {
      throw Errors.conflict(
        `Order item ${item.item_id}: qty_invoiced ${qtyInvoiced.toFixed()} is below the ${memoQty.toFixed()} refunded by credit memos.`,
        { parameter: at("qty_invoiced") },
      );
    }
    const qtyRefunded = Decimal.max(optional("qty_refunded", item.qty_refunded, new Decimal(0)), memoQty);
    if (qtyRefunded.gt(qtyInvoiced)) {
      throw refuseInvalidData(at("qty_refunded"), `qty_refunded ${qtyRefunded.toFixed()} is above qty_invoiced ${qtyInvoiced.toFixed()}.`);
    }
    const tax = optional("tax_amount", item.tax_amount, new Decimal(0));
    const discount = magnitude(at("discount_amount"), item.discount_amount) ?? new Decimal(0);
    const priceInclTax = optional("price_incl_tax", item.price_incl_tax, price.plus(tax.div(qtyOrdered)).toDecimalPlaces(4));
    return {
      itemId: item.item_id,
      productId: item.product_id ?? null,
      sku: item.sku,
      name: item.name,
      price: price.toFixed(),
      basePrice: optional("base_price", item.base_price, toBase(price, rate)).toFixed(),
      priceInclTax: priceInclTax.toFixed(),
      basePriceInclTax: optional("base_price_incl_tax", item.base_price_incl_tax, toBase(priceInclTax, rate)).toFixed(),
      taxAmount: tax.toFixed(),
      baseTaxAmount: optional("base_tax_amount", item.base_tax_amount, toBase(tax, rate)).toFixed(),
      discountAmount: discount.toFixed(),
      baseDiscountAmount: (magnitude(at("base_discount_amount"), item.base_discount_amount) ?? toBase(discount, rate)).toFixed(),
      qtyOrdered: qtyOrdered.toFixed(),
      qtyInvoiced: qtyInvoiced.toFixed(),
      qtyRefunded: qtyRefunded.toFixed(),
    };
  });
  for (const [itemId, qty] of refunds.qty) {
    if (qty.gt(0) && !seen.has(itemId)) {
      throw Errors.conflict(`Order item ${itemId} has been refunded by credit memos and must stay on the order.`, { parameter: "items" });
    }
  }
  return rows;
}

/** Magento writes ids as strings ('775'); the schema lets digits through and this reads them into range. */
function readIds(body: OrderImportInput): OrderInput {
  return {
    ...body,
    entity_id: readMagentoId("entity_id", body.entity_id, 1),
    store_id: readMagentoId("store_id", body.store_id, 0),
    customer_id: optionalId("customer_id", body.customer_id),
    billing_address_id: optionalId("billing_address_id", body.billing_address_id),
    shipping_address_id: optionalId("shipping_address_id", body.shipping_address_id),
    items: body.items.map((item, index) => ({
      ...item,
      item_id: readMagentoId(`items[${index}].item_id`, item.item_id, 1),
      product_id: optionalId(`items[${index}].product_id`, item.product_id),
    })),
  };
}

/** A Magento id sent as a JSON integer or as digits; fault 102 naming the parameter when out of range. */
export function readMagentoId(parameter: string, value: number | string, minimum: number): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < minimum || id > MAX_INT32) {
    throw refuseInvalidData(parameter, `${parameter} must be an integer from ${minimum} to ${MAX_INT32}.`);
  }
  return id;
}

function optionalId(parameter: string, value: number | string | null | undefined): number | null {
  return value === undefined || value === null ? null : readMagentoId(parameter, value, 0);
}

const toBase = (amount: Decimal, rate: Decimal): Decimal => amount.div(rate).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);

function read(parameter: string, value: number | string): Decimal {
  return readAmountParameter(parameter, value, refuseInvalidData);
}

function nonNegative(parameter: string, value: number | string): Decimal {
  const amount = read(parameter, value);
  if (amount.isNegative()) throw refuseInvalidData(parameter, `${parameter} must not be negative.`);
  return amount;
}

function positive(parameter: string, value: number | string): Decimal {
  const amount = read(parameter, value);
  if (amount.lte(0)) throw refuseInvalidData(parameter, `${parameter} must be greater than 0.`);
  return amount;
}

/** A discount's size: Magento writes order discounts negative, Tally keeps them positive. */
function magnitude(parameter: string, value: Amount): Decimal | null {
  return value === undefined || value === null ? null : read(parameter, value).abs();
}

function readDate(value: string): Date {
  // Magento writes 'YYYY-MM-DD HH:MM:SS' in UTC without a zone; ISO-8601 with a zone is accepted too.
  const text = value.trim();
  const date = toDate(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? `${text.replace(" ", "T")}Z` : text);
  if (!date || date.getUTCFullYear() < 1) {
    throw refuseInvalidData("created_at", `created_at '${value}' is not a date: use 'YYYY-MM-DD HH:MM:SS' (UTC) or ISO-8601 with a zone.`);
  }
  return date;
}

/** Fault 102 naming the parameter: how this face refuses a bad amount or value. */
export const refuseInvalidData: AmountRefusal = (parameter, message) => MemoFaults.invalidData(message, parameter);
