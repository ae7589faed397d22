import { Decimal } from "../../../src/money/index.js";
import {
  type CreditmemoRequest,
  type RefundableItem,
  cents,
  computeCreditmemo,
  shareOf,
} from "../../../src/services/creditmemos/arithmetic.js";

// Credit memo amounts are money refunded to a customer: every figure is asserted as the exact decimal string the
// database and the Magento face receive.

describe("cents", () => {
  test.each([
    ["1.005", "1.01"],
    ["1.004", "1.00"],
    // A binary float holds 2.675 as 2.67499…; decimal arithmetic must not.
    ["2.675", "2.68"],
    ["0.125", "0.13"],
    // Half up means away from zero, as Magento's round() does.
    ["-1.005", "-1.01"],
    ["10", "10.00"],
    ["19.9949", "19.99"],
  ])("%s → %s", (value, expected) => {
    expect(cents(new Decimal(value)).toFixed(2)).toBe(expected);
  });
});

describe("shareOf", () => {
  test.each([
    // rowAmount, already taken, qty, ordered → share
    ["10.00", "0", "1", "3", "3.33"],
    ["10.00", "1", "1", "3", "3.34"],
    ["10.00", "2", "1", "3", "3.33"],
    ["10.00", "0", "3", "3", "10.00"],
    ["10.00", "0", "2", "3", "6.67"],
    ["0.01", "0", "1", "2", "0.01"],
    ["0.01", "1", "1", "2", "0.00"],
    ["9.99", "0", "0.5", "1.5", "3.33"],
    ["5.00", "0", "1", "0", "0.00"],
  ])("%s of a row, %s taken, %s of %s → %s", (row, before, qty, ordered, expected) => {
    expect(shareOf(new Decimal(row), new Decimal(before), new Decimal(qty), new Decimal(ordered)).toFixed(2)).toBe(expected);
  });

  test.each([
    ["1.00", 7],
    ["10.00", 3],
    ["0.05", 6],
    ["123.45", 11],
  ])("unit by unit, the shares of %s over %d units add up to it exactly", (row, ordered) => {
    let total = new Decimal(0);
    for (let before = 0; before < ordered; before += 1) {
      total = total.plus(shareOf(new Decimal(row), new Decimal(before), new Decimal(1), new Decimal(ordered)));
    }
    expect(total.toFixed(2)).toBe(row);
  });
});

function item(overrides: Partial<RefundableItem> = {}): RefundableItem {
  return {
    itemId: 1,
    productId: 10,
    sku: "A-1",
    name: "Alpha",
    price: "10.0000",
    basePrice: "5.0000",
    priceInclTax: "11.0000",
    basePriceInclTax: "5.5000",
    qtyOrdered: "3.0000",
    qtyInvoiced: "3.0000",
    qtyRefunded: "0.0000",
    taxAmount: "3.0000",
    baseTaxAmount: "1.5000",
    discountAmount: "0.0000",
    baseDiscountAmount: "0.0000",
    ...overrides,
  };
}

function memo(request: Partial<CreditmemoRequest> & Pick<CreditmemoRequest, "items">): CreditmemoRequest {
  return { shippingAmount: "0", baseToOrderRate: "1", ...request };
}

describe("computeCreditmemo", () => {
  test("two of three units, shipping, base currency at half the order's: rows at the order price, tax in proportion", () => {
    const { totals, items } = computeCreditmemo([item()], memo({ items: [{ orderItemId: 1, qty: "2" }], shippingAmount: "5", baseToOrderRate: "2" }));
    expect(totals).toEqual({
      subtotal: "20.00",
      base_subtotal: "10.00",
      subtotal_incl_tax: "22.00",
      base_subtotal_incl_tax: "11.00",
      tax_amount: "2.00",
      base_tax_amount: "1.00",
      shipping_amount: "5.00",
      base_shipping_amount: "2.50",
      shipping_tax_amount: "0",
      base_shipping_tax_amount: "0",
      shipping_incl_tax: "5.00",
      base_shipping_incl_tax: "2.50",
      discount_amount: "0.00",
      base_discount_amount: "0.00",
      adjustment: "0.00",
      base_adjustment: "0.00",
      adjustment_positive: null,
      base_adjustment_positive: null,
      adjustment_negative: null,
      base_adjustment_negative: null,
      grand_total: "27.00",
      base_grand_total: "13.50",
      hidden_tax_amount: "0",
      base_hidden_tax_amount: "0",
    });
    expect(items).toEqual([
      expect.objectContaining({
        order_item_id: 1,
        product_id: 10,
        sku: "A-1",
        name: "Alpha",
        qty: "2",
        price: "10",
        base_price: "5",
        price_incl_tax: "11",
        base_price_incl_tax: "5.5",
        row_total: "20.00",
        base_row_total: "10.00",
        row_total_incl_tax: "22.00",
        base_row_total_incl_tax: "11.00",
        tax_amount: "2.00",
        base_tax_amount: "1.00",
        // Magento leaves an item's discount NULL when its order row had none.
        discount_amount: null,
        base_discount_amount: null,
      }),
    ]);
  });

  test("a discounted row already partly refunded, with an adjustment refund and fee: grand total = subtotal + tax + shipping + refund − fee − discount", () => {
    const discounted = item({
      itemId: 2,
      price: "19.99",
      basePrice: "19.99",
      qtyRefunded: "1",
      taxAmount: "5.00",
      baseTaxAmount: "5.00",
      discountAmount: "6.00",
      baseDiscountAmount: "6.00",
    });
    const { totals, items } = computeCreditmemo(
      [discounted],
      memo({ items: [{ orderItemId: 2, qty: "1" }], adjustmentPositive: "2.5", adjustmentNegative: "1" }),
    );
    expect(totals).toMatchObject({
      subtotal: "19.99",
      tax_amount: "1.66",
      subtotal_incl_tax: "21.65",
      discount_amount: "2.00",
      adjustment: "1.50",
      base_adjustment: "1.50",
      adjustment_positive: "2.50",
      base_adjustment_positive: "2.50",
      adjustment_negative: "1.00",
      base_adjustment_negative: "1.00",
      grand_total: "21.15",
      base_grand_total: "21.15",
    });
    expect(items[0]).toMatchObject({ tax_amount: "1.66", row_total_incl_tax: "21.65", discount_amount: "2.00", base_discount_amount: "2.00" });
  });

  test("amounts in the base currency are each rounded to cents after conversion", () => {
    const { totals } = computeCreditmemo(
      [item({ price: "3.00", basePrice: "2.31", qtyOrdered: "1", qtyInvoiced: "1", taxAmount: "0", baseTaxAmount: "0" })],
      memo({ items: [{ orderItemId: 1, qty: "1" }], shippingAmount: "10", adjustmentPositive: "1", baseToOrderRate: "1.3" }),
    );
    expect(totals).toMatchObject({
      shipping_amount: "10.00",
      base_shipping_amount: "7.69",
      adjustment: "1.00",
      base_adjustment: "0.77",
      base_adjustment_positive: "0.77",
      grand_total: "14.00",
      base_grand_total: "10.77",
    });
  });

  test.each([
    ["0", "3.33"],
    ["1", "3.34"],
    ["2", "3.33"],
  ])("memo after %s unit(s) refunded takes %s of a 10.00 row tax: three memos refund exactly the row's tax", (before, tax) => {
    const { items } = computeCreditmemo(
      [item({ taxAmount: "10.00", baseTaxAmount: "10.00", qtyRefunded: before })],
      memo({ items: [{ orderItemId: 1, qty: "1" }] }),
    );
    expect(items[0]?.tax_amount).toBe(tax);
  });

  test("several items add up row by row", () => {
    const { totals, items } = computeCreditmemo(
      [item(), item({ itemId: 2, sku: "B-2", price: "0.99", basePrice: "0.99", taxAmount: "0.30", baseTaxAmount: "0.30", qtyOrdered: "4", qtyInvoiced: "4" })],
      memo({ items: [{ orderItemId: 2, qty: "3" }, { orderItemId: 1, qty: "1" }] }),
    );
    expect(items.map((row) => [row.order_item_id, row.row_total, row.tax_amount])).toEqual([
      [2, "2.97", "0.23"],
      [1, "10.00", "1.00"],
    ]);
    expect(totals).toMatchObject({ subtotal: "12.97", tax_amount: "1.23", grand_total: "14.20" });
  });

  test.each([
    ["a zero quantity", item(), 1, "0", /order item 1: qty 0 is not in \(0, 3\]/],
    ["a negative quantity", item(), 1, "-1", /order item 1: qty -1 is not in \(0, 3\]/],
    ["more than is left after earlier memos", item({ qtyRefunded: "1" }), 1, "3", /qty 3 is not in \(0, 2\]/],
    ["more than is invoiced", item({ qtyInvoiced: "2" }), 1, "3", /qty 3 is not in \(0, 2\]/],
    ["an item not on the order", item(), 99, "1", /order item 99 is not on the order/],
  ])("refuses %s", (_case, row, orderItemId, qty, message) => {
    expect(() => computeCreditmemo([row], memo({ items: [{ orderItemId, qty }] }))).toThrow(RangeError);
    expect(() => computeCreditmemo([row], memo({ items: [{ orderItemId, qty }] }))).toThrow(message);
  });
});
