import type { TSchema, Static } from "typebox";
import Value from "typebox/value";
import { toDecimal } from "../money/index.js";
import { escapeHtml, formatMoment, formatMoney, oneLine } from "./format.js";
import { CreditMailPayload, CreditmemoMailPayload, MailTopics } from "./payloads.js";

/** An outbox row as the templates read it. */
export interface OutboxMessage {
  topic: string;
  payload: unknown;
  /** When the row was queued: "expired" and "usable from" are judged against it, not against the time of sending. */
  createdAt: Date;
}

export interface MailAddress {
  address: string;
  name: string | null;
}

export interface MailContent {
  to: MailAddress;
  subject: string;
  text: string;
  html: string;
}

/** A message ready to send, or why this row can never be sent (recorded as the row's last_error, not retried). */
export type RenderedMail = { ok: true; mail: MailContent } | { ok: false; reason: string };

/**
 * Turns an outbox row into the message a shopper receives, in plain text and HTML (English). Pure: no database, no
 * clock, so the same row always renders the same message. A row without a usable email address, of a topic no
 * template sends, or whose payload does not match its topic's schema is not sendable, and says why.
 */
export function renderMail(message: OutboxMessage): RenderedMail {
  switch (message.topic) {
    case MailTopics.creditCreated:
    case MailTopics.creditResent: {
      const payload = read(CreditMailPayload, message);
      if (typeof payload === "string") return { ok: false, reason: payload };
      const missing = payload.customerId === null ? `credit ${payload.code} has no customer` : `customer ${payload.customerId} has no email address`;
      return addressed(payload.email, missing, () => creditLetter(payload, message));
    }
    case MailTopics.creditmemo: {
      const payload = read(CreditmemoMailPayload, message);
      if (typeof payload === "string") return { ok: false, reason: payload };
      return addressed(payload.email, `order ${payload.orderIncrementId} has no customer email`, () => creditmemoLetter(payload));
    }
    default:
      return { ok: false, reason: `topic ${message.topic}: no mail template sends it` };
  }
}

/** What a message says, before it is written out as text and as HTML (escaping happens in one place: toHtml). */
interface Letter {
  subject: string;
  /** Whom the message is to, as the shop knows them (either may be missing). */
  firstName: string | null;
  lastName: string | null;
  /** Before the details: what happened. */
  intro: string[];
  details: [label: string, value: string][];
  /** After them: what the shopper can do with it. */
  outro: string[];
  /** A comment from the shop, quoted as written. */
  note: string | null;
  closing: string;
}

function read<S extends TSchema>(schema: S, message: OutboxMessage): Static<S> | string {
  if (Value.Check(schema, message.payload)) return message.payload as Static<S>;
  const [first] = Value.Errors(schema, message.payload);
  const where = first?.instancePath ? `${first.instancePath} ` : "";
  return `payload of ${message.topic} is not readable: ${where}${first?.message ?? "unexpected shape"}`;
}

// Loose on purpose (mail servers judge the rest), but never something that would address a second recipient
// or break a header: no whitespace, commas, angle brackets, quotes or semicolons.
const ADDRESS = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\].]+$/;

/** The message to `email`; when there is no address (`missing` says why) or it is not one, the reason instead. */
function addressed(email: string | null, missing: string, write: () => Letter): RenderedMail {
  if (email === null) return { ok: false, reason: `no recipient: ${missing}` };
  const address = email.trim();
  if (address.length > 254 || !ADDRESS.test(address)) {
    return { ok: false, reason: `no recipient: ${JSON.stringify(email)} is not an email address` };
  }
  const letter = write();
  const name = oneLine([letter.firstName, letter.lastName].filter((part) => part !== null).join(" "));
  return {
    ok: true,
    mail: { to: { address, name: name || null }, subject: oneLine(letter.subject), text: toText(letter), html: toHtml(letter) },
  };
}

function creditLabel(payload: CreditMailPayload): string {
  if (payload.creditType === "GiftCard") return "gift card";
  if (payload.creditType === "StoreCredit") return "store credit";
  return payload.customCreditType?.trim() || "credit";
}

function creditLetter(payload: CreditMailPayload, message: OutboxMessage): Letter {
  const label = creditLabel(payload);
  const money = formatMoney(payload.currentBalance, payload.currencyCode);
  const resent = message.topic === MailTopics.creditResent;
  const details: Letter["details"] = [
    ["Code", payload.code],
    [resent ? "Balance" : "Amount", money],
  ];
  if (payload.expirationDate === null) details.push(["Expires", "never"]);
  else if (payload.expirationDate !== undefined) {
    const expired = new Date(payload.expirationDate) <= message.createdAt;
    details.push([expired ? "Expired" : "Expires", formatMoment(payload.expirationDate)]);
  }
  const intro = [resent ? `Here are the details of your ${label} again, as requested.` : `You have received a ${label} of ${money}.`];
  const outro: string[] = [];
  if (payload.activationDate === null) {
    outro.push("It is not active yet: it can be used once it has been activated.");
  } else if (payload.activationDate !== undefined && new Date(payload.activationDate) > message.createdAt) {
    details.push(["Usable from", formatMoment(payload.activationDate)]);
  }
  if (payload.creditType === "GiftCard") outro.push("Keep the code safe: anyone who has it can spend the balance.");
  return {
    subject: resent ? `Your ${label} details: ${money}` : `Your new ${label}: ${money}`,
    firstName: payload.firstName ?? null,
    lastName: payload.lastName ?? null,
    intro,
    details,
    outro,
    note: null,
    closing: "Thank you for shopping with us.",
  };
}

const CANCELED = 3;

function creditmemoLetter(payload: CreditmemoMailPayload): Letter {
  const order = `#${payload.orderIncrementId}`;
  const memo = `credit memo #${payload.creditmemoIncrementId}`;
  const details: Letter["details"] = [];
  const intro: string[] = [];
  const outro: string[] = [];
  let subject: string;
  if (payload.reason === "created") {
    subject = `Your refund for order ${order}`;
    intro.push(`We have refunded your order ${order} (${memo}).`);
  } else if (payload.reason === "comment") {
    subject = `Update on your refund for order ${order}`;
    intro.push(`There is an update on the refund for your order ${order} (${memo}).`);
  } else {
    // Queued before the reason was recorded: it may have been either, so it says only what both have in common.
    subject = `About your refund for order ${order}`;
    intro.push(`This is about the refund for your order ${order} (${memo}).`);
  }
  if (payload.state === CANCELED) {
    intro.push("This credit memo has been canceled.");
  } else {
    if (payload.grandTotal !== undefined && payload.orderCurrencyCode !== undefined) {
      details.push(["Refund total", formatMoney(payload.grandTotal, payload.orderCurrencyCode)]);
    }
    const storeCredit = payload.refundedToStoreCredit;
    if (storeCredit !== undefined && payload.baseCurrencyCode !== undefined && toDecimal(storeCredit).gt(0)) {
      details.push(["Added to your store credit", formatMoney(storeCredit, payload.baseCurrencyCode)]);
      outro.push("Your store credit is in your account and can be used on your next order.");
    }
  }
  return {
    subject,
    firstName: payload.firstName ?? null,
    lastName: payload.lastName ?? null,
    intro,
    details,
    outro,
    note: payload.comment?.trim() ? payload.comment : null,
    closing: "Thank you for shopping with us.",
  };
}

function greeting(letter: Letter): string {
  const name = oneLine(letter.firstName ?? "");
  return name ? `Hello ${name},` : "Hello,";
}

function toText(letter: Letter): string {
  const width = Math.max(0, ...letter.details.map(([label]) => label.length)) + 2;
  const blocks = [
    greeting(letter),
    ...letter.intro,
    ...(letter.details.length > 0 ? [letter.details.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join("\n")] : []),
    ...letter.outro,
    ...(letter.note === null ? [] : [`A note from us:\n${letter.note.split(/\r?\n/).map((line) => `> ${line}`).join("\n")}`]),
    letter.closing,
  ];
  return `${blocks.join("\n\n")}\n`;
}

const CELL = "padding:4px 16px 4px 0;text-align:left;vertical-align:top";

function toHtml(letter: Letter): string {
  const paragraph = (text: string) => `<p>${escapeHtml(text)}</p>`;
  const rows = letter.details
    .map(([label, value]) => `<tr><th scope="row" style="${CELL};font-weight:normal;color:#555">${escapeHtml(label)}</th><td style="${CELL}"><strong>${escapeHtml(value)}</strong></td></tr>`)
    .join("\n");
  const note =
    letter.note === null
      ? []
      : [
          `<p>A note from us:</p>`,
          `<blockquote style="margin:0 0 1em;padding:0 0 0 12px;border-left:3px solid #ccc">${escapeHtml(letter.note).replace(/\r?\n/g, "<br>\n")}</blockquote>`,
        ];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeHtml(oneLine(letter.subject))}</title></head>`,
    '<body style="font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#222">',
    paragraph(greeting(letter)),
    ...letter.intro.map(paragraph),
    ...(rows ? [`<table role="presentation" style="border-collapse:collapse;margin:0 0 1em">\n${rows}\n</table>`] : []),
    ...letter.outro.map(paragraph),
    ...note,
    paragraph(letter.closing),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
