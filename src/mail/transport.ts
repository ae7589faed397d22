import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type SendMailOptions } from "nodemailer";
import type { Config } from "../config.js";
import type { DeliveryLogger } from "../delivery/loop.js";
import type { MailContent } from "./templates.js";

/** A rendered message and, when the caller has one, the Message-ID it is sent with. */
export interface OutgoingMail extends MailContent {
  messageId?: string;
}

export interface SentMail {
  /** The message's Message-ID header. */
  messageId: string;
  /** Where the message went when it was not sent: the .eml file written. */
  location?: string;
}

/** Sends one message or throws; the error's message and nodemailer's fields (`responseCode`, `command`) say why. */
export interface MailTransport {
  send(message: OutgoingMail): Promise<SentMail>;
  close(): void;
}

/**
 * The transport configuration chooses: none with MAIL_DISABLED (queued mail then stays queued); SMTP_URL through
 * nodemailer's SMTP transport; otherwise (only outside production: config.ts refuses production without one or the
 * other) .eml files under MAIL_DIR, each logged, so someone trying Tally out sees every message it would send.
 */
export function mailTransport(config: Config, log: DeliveryLogger): MailTransport | null {
  if (config.MAIL_DISABLED) {
    log.info("mail is disabled (MAIL_DISABLED=true): notifications stay queued in notification_outbox");
    return null;
  }
  return config.SMTP_URL ? smtpTransport(config.SMTP_URL, config, log) : emlTransport(config, log);
}

/**
 * smtp:// upgrades with STARTTLS whenever the server offers it (nodemailer's default; `?requireTLS=true` refuses a
 * server that does not), smtps:// speaks TLS from the first byte; user and password come percent-encoded in the URL.
 * One connection per message, no pool: mail is a few messages per change, and a fresh connection never inherits a
 * broken session from the previous message. Every wait (DNS, connect, greeting, each reply) and the send as a whole
 * are bounded by EVENT_DELIVERY_TIMEOUT_MS, so a send always ends well inside its lease (at least twice that).
 */
function smtpTransport(url: string, config: Config, log: DeliveryLogger): MailTransport {
  const timeout = config.EVENT_DELIVERY_TIMEOUT_MS;
  const transporter = nodemailer.createTransport(
    {
      url,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      dnsTimeout: timeout,
      // nodemailer's own logging could print the AUTH exchange; what Tally logs is chosen below.
      logger: false,
      debug: false,
    },
    { from: config.MAIL_FROM },
  );
  const { protocol, hostname, port } = new URL(url);
  // Never the URL itself: it carries the password.
  log.info({ smtp: { host: hostname, port: port || null, tls: protocol === "smtps:" ? "TLS" : "STARTTLS when offered" } }, "mail is sent through SMTP_URL");
  return {
    async send(message) {
      const info = await transporter.sendMail({ ...nodemailerMessage(message), signal: AbortSignal.timeout(timeout) });
      return { messageId: info.messageId };
    },
    close: () => transporter.close(),
  };
}

/** Writes each message, as the SMTP transport would have sent it (RFC 5322, CRLF lines), to a new file in MAIL_DIR. */
function emlTransport(config: Config, log: DeliveryLogger): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" }, { from: config.MAIL_FROM });
  const directory = config.MAIL_DIR;
  log.info({ mailDir: directory }, "no SMTP_URL: mail is written to MAIL_DIR as .eml files");
  return {
    async send(message) {
      const info = await composer.sendMail(nodemailerMessage(message));
      // Gift card codes are as good as money: only the owner of the process reads them.
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const file = path.join(directory, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}.eml`);
      await writeFile(file, info.message as Buffer, { flag: "wx", mode: 0o600 });
      log.info({ file, subject: message.subject }, "mail written to MAIL_DIR (no SMTP_URL)");
      return { messageId: info.messageId, location: file };
    },
    close: () => composer.close(),
  };
}

function nodemailerMessage(message: OutgoingMail): SendMailOptions {
  return {
    // An address object, not "Name <address>" text: nothing in a customer's name is parsed as another address.
    to: { name: message.to.name ?? "", address: message.to.address },
    subject: message.subject,
    text: message.text,
    html: message.html,
    ...(message.messageId ? { messageId: message.messageId } : {}),
  };
}
