import { FIXED_CREDITMEMO_ITEM_COLUMNS } from "../../magento/index.js";
import { Decimal, type DecimalLike, toDecimal } from "../../money/index.js";

// Pure (no Fastify, no Prisma runtime) so the demo generators and test factories compute memos with the very
// arithmetic the create route uses.

/**
 * An order item with what has been refunded of it so far (by memos that were not canceled); tax and discount are
 * for the whole row.
 */
export interface RefundableItem {
  itemId: number;
  productId: number | null;
  sku: string;
  name: string;
  price: DecimalLike;
  basePrice: DecimalLike;
  priceInclTax: DecimalLike;
  basePriceInclTax: DecimalLike;
  qtyOrdered: DecimalLike;
  qtyInvoiced: DecimalLike;
  qtyRefunded: DecimalLike;
  taxAmount: DecimalLike;
  baseTaxAmount: DecimalLike;
  discountAmount: DecimalLike;
  baseDiscountAmount: DecimalLike;
}

export interface CreditmemoRequest {
  items: readonly { orderItemId: number; qty: DecimalLike }[];
  shippingAmount: DecimalLike;
  adjustmentPositive?: DecimalLike | null;
  adjustmentNegative?: DecimalLike | null;
  /** The order's base-to-order rate, to express shipping and adjustments in the base currency. */
  baseToOrderRate: DecimalLike;
}

/** Credit memo amounts, named as the creditmemos columns; Magento's NULLs stay null. */
export interface CreditmemoAmounts {
  subtotal: string;
  base_subtotal: string;
  subtotal_incl_tax: string;
  base_subtotal_incl_tax: string;
  tax_amount: string;
  base_tax_amount: string;
  shipping_amount: string;
  base_shipping_amount: string;
  shipping_tax_amount: string;
  base_shipping_tax_amount: string;
  shipping_incl_tax: string;
  base_shipping_incl_tax: string;
  discount_amount: string;
  base_discount_amount: string;
  adjustment: string;
  base_adjustment: string;
  adjustment_positive: string | null;
  base_adjustment_positive: string | null;
  adjustment_negative: string | null;
  base_adjustment_negative: string | null;
  grand_total: string;
  base_grand_total: string;
  hidden_tax_amount: string;
  base_hidden_tax_amount: string;
}

/** A creditmemo_items row without its ids, named as the columns. */
export interface CreditmemoItemAmounts {
  order_item_id: number;
  product_id: number | null;
  sku: string;
  name: string;
  description: null;
  additional_data: null;
  qty: string;
  price: string;
  base_price: string;
  price_incl_tax: string;
  base_price_incl_tax: string;
  row_total: string;
  base_row_total: string;
  row_total_incl_tax: string;
  base_row_total_incl_tax: string;
  tax_amount: string;
  base_tax_amount: string;
  discount_amount: string | null;
  base_discount_amount: string | null;
  hidden_tax_amount: string;
  base_hidden_tax_amount: string;
  base_cost: null;
  weee_tax_applied: string;
  weee_tax_applied_amount: string;
  base_weee_tax_applied_amount: string;
  weee_tax_applied_row_amount: string;
  base_weee_tax_applied_row_amount: null;
  weee_tax_disposition: string;
  base_weee_tax_disposition: string;
  weee_tax_row_disposition: string;
  base_weee_tax_row_disposition: string;
}

export interface CreditmemoCalculation {
  totals: CreditmemoAmounts;
  items: CreditmemoItemAmounts[];
}

/** Rounds to cents as Magento does (half up). */
export const cents = (value: Decimal): Decimal => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/**
 * The part of a row amount that falls to `qty` units when `before` units were already taken, computed on the
 * running total so the parts of several memos add up to the row amount exactly.
 */
export function shareOf(rowAmount: Decimal, before: Decimal, qty: Decimal, ordered: Decimal): Decimal {
  if (ordered.isZero()) return new Decimal(0);
  const upTo = (units: Decimal) => cents(rowAmount.mul(units).div(ordered));
  return upTo(before.plus(qty)).minus(upTo(before));
}

/**
 * Computes a credit memo the way Magento does for simple products: rows at the order price, tax and discount in
 * proportion to the refunded quantity, grand total = subtotal + tax + shipping + adjustment refund − adjustment fee
 * − discount. Throws when a quantity exceeds what is invoiced and not yet refunded.
 */
export function computeCreditmemo(orderItems: readonly RefundableItem[], request: CreditmemoRequest): CreditmemoCalculation {
  const rate = toDecimal(request.baseToOrderRate);
  const toBase = (value: Decimal) => cents(value.div(rate));
  const zero = new Decimal(0);
  const sum = { subtotal: zero, baseSubtotal: zero, tax: zero, baseTax: zero, discount: zero, baseDiscount: zero };
  const items = request.items.map(({ orderItemId, qty: qtyInput }): CreditmemoItemAmounts => {
    const item = orderItems.find((candidate) => candidate.itemId === orderItemId);
    if (!item) throw new RangeError(`order item ${orderItemId} is not on the order`);
    const qty = toDecimal(qtyInput);
    const before = toDecimal(item.qtyRefunded);
    const refundable = toDecimal(item.qtyInvoiced).minus(before);
    if (qty.lte(0) || qty.gt(refundable)) {
      throw new RangeError(`order item ${orderItemId}: qty ${qty.toFixed()} is not in (0, ${refundable.toFixed()}]`);
    }
    const ordered = toDecimal(item.qtyOrdered);
    const rowTotal = cents(toDecimal(item.price).mul(qty));
    const baseRowTotal = cents(toDecimal(item.basePrice).mul(qty));
    const tax = shareOf(toDecimal(item.taxAmount), before, qty, ordered);
    const baseTax = shareOf(toDecimal(item.baseTaxAmount), before, qty, ordered);
    const discount = shareOf(toDecimal(item.discountAmount), before, qty, ordered);
    const baseDiscount = shareOf(toDecimal(item.baseDiscountAmount), before, qty, ordered);
    sum.subtotal = sum.subtotal.plus(rowTotal);
    sum.baseSubtotal = sum.baseSubtotal.plus(baseRowTotal);
    sum.tax = sum.tax.plus(tax);
    sum.baseTax = sum.baseTax.plus(baseTax);
    sum.discount = sum.discount.plus(discount);
    sum.baseDiscount = sum.baseDiscount.plus(baseDiscount);
    // Magento leaves an item's discount NULL when the row had none.
    const hasDiscount = !toDecimal(item.discountAmount).isZero();
    return {
      order_item_id: item.itemId,
      product_id: item.productId,
      sku: item.sku,
      name: item.name,
      description: null,
      additional_data: null,
      qty: qty.toFixed(),
      price: toDecimal(item.price).toFixed(),
      base_price: toDecimal(item.basePrice).toFixed(),
      price_incl_tax: toDecimal(item.priceInclTax).toFixed(),
      base_price_incl_tax: toDecimal(item.basePriceInclTax).toFixed(),
      row_total: rowTotal.toFixed(2),
      base_row_total: baseRowTotal.toFixed(2),
      row_total_incl_tax: rowTotal.plus(tax).toFixed(2),
      base_row_total_incl_tax: baseRowTotal.plus(baseTax).toFixed(2),
      tax_amount: tax.toFixed(2),
      base_tax_amount: baseTax.toFixed(2),
      discount_amount: hasDiscount ? discount.toFixed(2) : null,
      base_discount_amount: hasDiscount ? baseDiscount.toFixed(2) : null,
      ...FIXED_CREDITMEMO_ITEM_COLUMNS,
    };
  });
  const shipping = toDecimal(request.shippingAmount);
  const optional = (value: DecimalLike | null | undefined) =>
    value === null || value === undefined ? null : toDecimal(value);
  const positive = optional(request.adjustmentPositive);
  const negative = optional(request.adjustmentNegative);
  const adjustment = (positive ?? zero).minus(negative ?? zero);
  const baseShipping = toBase(shipping);
  const baseAdjustment = toBase(adjustment);
  const grandTotal = sum.subtotal.plus(sum.tax).plus(shipping).plus(adjustment).minus(sum.discount);
  const baseGrandTotal = sum.baseSubtotal.plus(sum.baseTax).plus(baseShipping).plus(baseAdjustment).minus(sum.baseDiscount);
  return {
    totals: {
      subtotal: sum.subtotal.toFixed(2),
      base_subtotal: sum.baseSubtotal.toFixed(2),
      subtotal_incl_tax: sum.subtotal.plus(sum.tax).toFixed(2),
      base_subtotal_incl_tax: sum.baseSubtotal.plus(sum.baseTax).toFixed(2),
      tax_amount: sum.tax.toFixed(2),
      base_tax_amount: sum.baseTax.toFixed(2),
      shipping_amount: shipping.toFixed(2),
      base_shipping_amount: baseShipping.toFixed(2),
      shipping_tax_amount: "0",
      base_shipping_tax_amount: "0",
      shipping_incl_tax: shipping.toFixed(2),
      base_shipping_incl_tax: baseShipping.toFixed(2),
      discount_amount: sum.discount.toFixed(2),
      base_discount_amount: sum.baseDiscount.toFixed(2),
      adjustment: adjustment.toFixed(2),
      base_adjustment: baseAdjustment.toFixed(2),
      adjustment_positive: positive?.toFixed(2) ?? null,
      base_adjustment_positive: positive ? toBase(positive).toFixed(2) : null,
      adjustment_negative: negative?.toFixed(2) ?? null,
      base_adjustment_negative: negative ? toBase(negative).toFixed(2) : null,
      grand_total: grandTotal.toFixed(2),
      base_grand_total: baseGrandTotal.toFixed(2),
      hidden_tax_amount: "0",
      base_hidden_tax_amount: "0",
    },
    items,
  };
}
