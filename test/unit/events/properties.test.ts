import { eventAmount, eventDate, toExtendedProperties } from "../../../src/events/properties.js";
import { Decimal } from "../../../src/money/index.js";

test("properties become Kibo's [{key, value}] list in their own order, nulls kept", () => {
  expect(toExtendedProperties({ currentBalance: "1.0000", customerId: null, isCustomerNotified: false, websiteId: 2 })).toEqual([
    { key: "currentBalance", value: "1.0000" },
    { key: "customerId", value: null },
    { key: "isCustomerNotified", value: false },
    { key: "websiteId", value: 2 },
  ]);
  expect(toExtendedProperties({})).toEqual([]);
});

test.each([
  ["12.5", "12.5000"],
  ["-3", "-3.0000"],
  ["0", "0.0000"],
  ["-0", "0.0000"],
  ["1.2345", "1.2345"],
  ["1200", "1200.0000"],
  ["999999999999999.9999", "999999999999999.9999"],
  // Finer than storage never reaches an event, but rounds half up if it did.
  ["0.00005", "0.0001"],
])("the amount %s is published as %s, whatever the currency", (amount, published) => {
  expect(eventAmount(amount)).toBe(published);
  expect(eventAmount(new Decimal(amount))).toBe(published);
});

test("dates are ISO-8601 UTC; no date is null", () => {
  expect(eventDate(new Date("2026-05-03T10:00:00+02:00"))).toBe("2026-05-03T08:00:00.000Z");
  expect(eventDate(null)).toBeNull();
});
