import { Decimal } from "decimal.js";
import { cents, shareOf } from "../services/creditmemos/arithmetic.js";
import { type MoneyInput, toDecimal } from "./ledger.js";

// Orders come from the order system in production; only the demo makes them up. Their total paid takes each row's
// tax and discount by the memo arithmetic's own shares, so refunding everything invoiced comes to exactly what was paid.

/** An order line as far as its totals are concerned; tax and discount are for the whole row. */
export interface OrderLine {
  price: MoneyInput;
  qtyOrdered: MoneyInput;
  qtyInvoiced: MoneyInput;
  taxAmount: MoneyInput;
  discountAmount: MoneyInput;
}

export interface OrderTotals {
  subtotal: string;
  taxAmount: string;
  discountAmount: string;
  grandTotal: string;
  /** What the invoiced quantities (and the shipping, once anything is invoiced) came to. */
  totalPaid: string;
}

/** An order's totals from its lines: grand total = subtotal + shipping + tax − discount. */
export function orderTotals(lines: readonly OrderLine[], shippingAmount: MoneyInput): OrderTotals {
  const zero = new Decimal(0);
  let subtotal = zero;
  let tax = zero;
  let discount = zero;
  let paid = zero;
  let anyInvoiced = false;
  for (const line of lines) {
    const ordered = toDecimal(line.qtyOrdered);
    const invoiced = toDecimal(line.qtyInvoiced);
    const price = toDecimal(line.price);
    const lineTax = toDecimal(line.taxAmount);
    const lineDiscount = toDecimal(line.discountAmount);
    subtotal = subtotal.plus(cents(price.mul(ordered)));
    tax = tax.plus(lineTax);
    discount = discount.plus(lineDiscount);
    paid = paid
      .plus(cents(price.mul(invoiced)))
      .plus(shareOf(lineTax, zero, invoiced, ordered))
      .minus(shareOf(lineDiscount, zero, invoiced, ordered));
    anyInvoiced ||= invoiced.gt(0);
  }
  const shipping = toDecimal(shippingAmount);
  if (anyInvoiced) paid = paid.plus(shipping);
  return {
    subtotal: subtotal.toFixed(2),
    taxAmount: tax.toFixed(2),
    discountAmount: discount.toFixed(2),
    grandTotal: subtotal.plus(shipping).plus(tax).minus(discount).toFixed(2),
    totalPaid: paid.toFixed(2),
  };
}
