import { MailTopics } from "../../src/mail/payloads.js";
import { type MailContent, type OutboxMessage, renderMail } from "../../src/mail/templates.js";

const CREATED_AT = new Date("2026-12-02T10:00:00.000Z");

/** A credit.created-email payload as addCredit writes it. */
const credit = (overrides: Record<string, unknown> = {}) => ({
  code: "GC-ABCDEFGH23456789",
  creditType: "GiftCard",
  customCreditType: null,
  currencyCode: "USD",
  currentBalance: "1250.5",
  expirationDate: "2030-01-31T00:00:00.000Z",
  activationDate: "2026-12-02T10:00:00.000Z",
  customerId: 1001,
  email: "jane@example.com",
  firstName: "Jane",
  lastName: "Doe",
  requestedBy: "test-app",
  ...overrides,
});

/** A creditmemo.email payload as createCreditmemo writes it. */
const memo = (overrides: Record<string, unknown> = {}) => ({
  creditmemoIncrementId: "100000684",
  orderIncrementId: "100000744",
  email: "jane@example.com",
  firstName: "Jane",
  lastName: "Doe",
  comment: null,
  reason: "created",
  state: 2,
  orderCurrencyCode: "USD",
  grandTotal: "90",
  baseCurrencyCode: "USD",
  refundedToStoreCredit: "90",
  ...overrides,
});

const message = (topic: string, payload: unknown, createdAt = CREATED_AT): OutboxMessage => ({ topic, payload, createdAt });

function rendered(input: OutboxMessage): MailContent {
  const result = renderMail(input);
  if (!result.ok) throw new Error(`expected a message, got: ${result.reason}`);
  return result.mail;
}

describe("messages a shopper receives", () => {
  test.each<[string, OutboxMessage, { subject: string; text: string[]; absent?: string[] }]>([
    [
      "a gift card issued",
      message(MailTopics.creditCreated, credit()),
      {
        subject: "Your new gift card: 1,250.50 USD",
        text: ["Hello Jane,", "You have received a gift card of 1,250.50 USD.", "Code:", "GC-ABCDEFGH23456789", "Amount:", "Expires:", "January 31, 2030, 00:00 UTC", "Keep the code safe"],
        absent: ["not active", "Usable from"],
      },
    ],
    [
      "a gift card resent shows its balance now",
      message(MailTopics.creditResent, credit({ currentBalance: "37.5" })),
      { subject: "Your gift card details: 37.50 USD", text: ["Here are the details of your gift card again, as requested.", "Balance:", "37.50 USD"] },
    ],
    [
      "store credit in a currency without minor units, never expiring",
      message(MailTopics.creditCreated, credit({ creditType: "StoreCredit", currencyCode: "JPY", currentBalance: "1200", expirationDate: null })),
      { subject: "Your new store credit: 1,200 JPY", text: ["You have received a store credit of 1,200 JPY.", "Expires:", "never"], absent: ["Keep the code safe"] },
    ],
    [
      "a custom credit is named by its custom type",
      message(MailTopics.creditCreated, credit({ creditType: "Custom", customCreditType: "loyalty reward", currencyCode: "KWD", currentBalance: "3.25" })),
      { subject: "Your new loyalty reward: 3.250 KWD", text: ["You have received a loyalty reward of 3.250 KWD."] },
    ],
    [
      "an inactive credit says it cannot be used yet",
      message(MailTopics.creditCreated, credit({ activationDate: null })),
      { subject: "Your new gift card: 1,250.50 USD", text: ["It is not active yet"] },
    ],
    [
      "a credit activated later says from when",
      message(MailTopics.creditCreated, credit({ activationDate: "2027-01-01T00:00:00.000Z" })),
      { subject: "Your new gift card: 1,250.50 USD", text: ["Usable from:", "January 1, 2027, 00:00 UTC"] },
    ],
    [
      "a resend after the expiry says it expired",
      message(MailTopics.creditResent, credit({ expirationDate: "2026-11-30T00:00:00.000Z" })),
      { subject: "Your gift card details: 1,250.50 USD", text: ["Expired:", "November 30, 2026, 00:00 UTC"], absent: ["Expires:"] },
    ],
    [
      "no first name: a plain greeting",
      message(MailTopics.creditCreated, credit({ firstName: null, lastName: null })),
      { subject: "Your new gift card: 1,250.50 USD", text: ["Hello,"] },
    ],
    [
      "a credit memo refunded to store credit",
      message(MailTopics.creditmemo, memo({ comment: "Sorry about that" })),
      {
        subject: "Your refund for order #100000744",
        text: ["We have refunded your order #100000744 (credit memo #100000684).", "Refund total:", "90.00 USD", "Added to your store credit:", "> Sorry about that"],
      },
    ],
    [
      "a credit memo refunded otherwise says nothing of store credit",
      message(MailTopics.creditmemo, memo({ grandTotal: "65", refundedToStoreCredit: "0" })),
      { subject: "Your refund for order #100000744", text: ["Refund total:", "65.00 USD"], absent: ["store credit", "A note from us"] },
    ],
    [
      "a store-credit refund in the base currency when the order was in another",
      message(MailTopics.creditmemo, memo({ orderCurrencyCode: "EUR", grandTotal: "81", baseCurrencyCode: "USD", refundedToStoreCredit: "90" })),
      { subject: "Your refund for order #100000744", text: ["Refund total:", "81.00 EUR", "Added to your store credit:", "90.00 USD"] },
    ],
    [
      "a notified comment on a memo",
      message(MailTopics.creditmemo, memo({ reason: "comment", comment: "Refund sent\nby bank transfer" })),
      { subject: "Update on your refund for order #100000744", text: ["There is an update on the refund", "> Refund sent\n> by bank transfer"] },
    ],
    [
      "a comment on a canceled memo shows no refund amounts",
      message(MailTopics.creditmemo, memo({ reason: "comment", state: 3, comment: "Canceled by mistake" })),
      { subject: "Update on your refund for order #100000744", text: ["This credit memo has been canceled."], absent: ["Refund total", "store credit"] },
    ],
  ])("%s", (_name, input, expected) => {
    const mail = rendered(input);
    expect(mail.subject).toBe(expected.subject);
    for (const line of expected.text) {
      expect(mail.text).toContain(line);
    }
    for (const line of expected.absent ?? []) expect(mail.text).not.toContain(line);
    // The HTML carries the same facts as the text.
    expect(mail.html).toContain("<!DOCTYPE html>");
    expect(mail.html).toContain(`<title>${mail.subject.replace(/&/g, "&amp;")}</title>`);
  });

  test("recipients are addressed by name and address", () => {
    expect(rendered(message(MailTopics.creditCreated, credit())).to).toEqual({ address: "jane@example.com", name: "Jane Doe" });
    expect(rendered(message(MailTopics.creditCreated, credit({ firstName: null, lastName: null }))).to).toEqual({ address: "jane@example.com", name: null });
    expect(rendered(message(MailTopics.creditmemo, memo({ email: " jane@example.com " }))).to.address).toBe("jane@example.com");
  });
});

describe("payloads written before the mailer (older rows) still render, without what they lack", () => {
  test("a Resend-Email row from before: code and balance, no expiry line", () => {
    const old = { code: "GC-OLD", creditType: "GiftCard", currencyCode: "USD", currentBalance: "50", customerId: 7, email: "old@example.com", requestedBy: "test-app" };
    const mail = rendered(message(MailTopics.creditResent, old));
    expect(mail.subject).toBe("Your gift card details: 50.00 USD");
    expect(mail.text).toContain("GC-OLD");
    expect(mail.text).not.toMatch(/Expire|Usable|not active/);
    expect(mail.text).toContain("Hello,");
    expect(mail.to).toEqual({ address: "old@example.com", name: null });
  });

  test("a credit memo row from before: the order and memo, no amounts, no claim it was just created", () => {
    const old = { creditmemoIncrementId: "100000684", orderIncrementId: "100000744", email: "old@example.com", comment: "Sorry" };
    const mail = rendered(message(MailTopics.creditmemo, old));
    expect(mail.subject).toBe("About your refund for order #100000744");
    expect(mail.text).toContain("This is about the refund for your order #100000744 (credit memo #100000684).");
    expect(mail.text).toContain("> Sorry");
    expect(mail.text).not.toMatch(/Refund total|store credit/);
  });
});

describe("rows that can never be sent say why", () => {
  test.each<[string, OutboxMessage, string]>([
    ["a credit without a customer", message(MailTopics.creditResent, credit({ customerId: null, email: null })), "no recipient: credit GC-ABCDEFGH23456789 has no customer"],
    ["a customer without an email address", message(MailTopics.creditCreated, credit({ email: null })), "no recipient: customer 1001 has no email address"],
    ["an order without a customer email", message(MailTopics.creditmemo, memo({ email: null })), "no recipient: order 100000744 has no customer email"],
    ["an address that is not one", message(MailTopics.creditCreated, credit({ email: "jane at example" })), 'no recipient: "jane at example" is not an email address'],
    [
      "an address that would add a second recipient",
      message(MailTopics.creditCreated, credit({ email: "jane@example.com, boss@example.com" })),
      'no recipient: "jane@example.com, boss@example.com" is not an email address',
    ],
    ["an address that would break the header", message(MailTopics.creditCreated, credit({ email: "jane@example.com\r\nBcc: x@y.z" })), "is not an email address"],
    ["a topic no template sends", message("test.effect", {}), "topic test.effect: no mail template sends it"],
    ["a payload missing the code", message(MailTopics.creditCreated, credit({ code: undefined })), "payload of credit.created-email is not readable"],
    ["an amount written as a JSON number", message(MailTopics.creditCreated, credit({ currentBalance: 12.5 })), "payload of credit.created-email is not readable: /currentBalance"],
    ["a payload that is not an object", message(MailTopics.creditmemo, "hello"), "payload of creditmemo.email is not readable"],
  ])("%s", (_name, input, reason) => {
    const result = renderMail(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? null : result.reason).toContain(reason);
  });
});

describe("hostile values", () => {
  const hostile = "<script>alert('pwned')</script>";

  test("names, custom types and comments are escaped in the HTML and stay one line in headers", () => {
    const card = rendered(
      message(MailTopics.creditCreated, credit({ firstName: hostile, lastName: "O'Brien & Co", creditType: "Custom", customCreditType: `<b>bonus</b>\r\nBcc: x@y.z` })),
    );
    expect(card.html).not.toContain("<script>");
    expect(card.html).not.toContain("<b>bonus</b>");
    expect(card.html).toContain("Hello &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;,");
    expect(card.html).toContain("&lt;b&gt;bonus&lt;/b&gt;");
    expect(card.subject).toBe("Your new <b>bonus</b> Bcc: x@y.z: 1,250.50 USD");
    expect(card.subject).not.toMatch(/[\r\n]/);
    expect(card.to.name).toBe(`${hostile} O'Brien & Co`);
    // The text part is plain text: shown as written.
    expect(card.text).toContain(`Hello ${hostile},`);

    const note = rendered(message(MailTopics.creditmemo, memo({ comment: `${hostile}\n<img src=x onerror=alert(1)>` })));
    expect(note.html).not.toMatch(/<script|<img/);
    expect(note.html).toContain("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;<br>\n&lt;img src=x onerror=alert(1)&gt;");
  });

  test("a hostile credit code is escaped too", () => {
    const mail = rendered(message(MailTopics.creditCreated, credit({ code: `GC-"><script>x</script>` })));
    expect(mail.html).toContain("GC-&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
    expect(mail.html).not.toContain("<script>");
  });
});
