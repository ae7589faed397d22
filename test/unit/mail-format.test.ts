import { escapeHtml, formatMoment, formatMoney, oneLine } from "../../src/mail/format.js";

describe("formatMoney", () => {
  test.each([
    ["50", "USD", "50.00 USD"],
    ["50.5", "USD", "50.50 USD"],
    ["1234567.891", "USD", "1,234,567.89 USD"],
    ["0.005", "USD", "0.01 USD"],
    ["999.995", "EUR", "1,000.00 EUR"],
    ["-1234.5", "CAD", "-1,234.50 CAD"],
    ["1200", "JPY", "1,200 JPY"],
    ["5.5", "JPY", "6 JPY"],
    ["3.25", "KWD", "3.250 KWD"],
    ["100", "USD", "100.00 USD"],
    ["0", "USD", "0.00 USD"],
    // Past 2^53: decimal all the way, nothing is read through a float.
    ["9007199254740993.01", "USD", "9,007,199,254,740,993.01 USD"],
  ])("%s %s → %s", (amount, currency, expected) => {
    expect(formatMoney(amount, currency)).toBe(expected);
  });
});

describe("formatMoment", () => {
  test.each([
    ["2030-01-31T00:00:00.000Z", "January 31, 2030, 00:00 UTC"],
    ["2026-12-02T18:05:59.999Z", "December 2, 2026, 18:05 UTC"],
  ])("%s → %s", (iso, expected) => {
    expect(formatMoment(iso)).toBe(expected);
  });
});

describe("escapeHtml and oneLine", () => {
  test.each([
    ["<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"],
    ['a & "b"', "a &amp; &quot;b&quot;"],
    ["&amp;", "&amp;amp;"],
    ["plain", "plain"],
  ])("escapeHtml(%j)", (text, expected) => {
    expect(escapeHtml(text)).toBe(expected);
  });

  test("oneLine folds line breaks so a value cannot add a header line", () => {
    expect(oneLine("Gift\r\nBcc: victim@example.com")).toBe("Gift Bcc: victim@example.com");
    expect(oneLine("  spaced \t out  ")).toBe("spaced out");
  });
});
