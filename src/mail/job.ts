import type { Config } from "../config.js";
import type { DeliveryJob, DeliveryLogger } from "../delivery/loop.js";
import { retryDelayMs } from "../delivery/retry.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { truncate } from "../delivery/text.js";
import { renderMail } from "./templates.js";
import type { MailTransport, SentMail } from "./transport.js";

export interface MailJobOptions {
  /** Unscoped: the mailer serves every tenant's queue, as the event purge does. */
  prisma: PrismaClient;
  transport: MailTransport;
  config: Config;
  log: DeliveryLogger;
}

/** An outbox row as the claim hands it over. `attempts` counts this one. */
interface ClaimedMail {
  id: bigint;
  tenant_id: number;
  topic: string;
  payload: unknown;
  created_at: Date;
  attempts: number;
}

/** last_error's column width. */
const ERROR_LIMIT = 1000;
/** message_id's column width. */
const MESSAGE_ID_LIMIT = 300;

/**
 * Sends the `notification_outbox` queue, as one job of the delivery loop (src/delivery/loop.ts). A claim takes due
 * rows under a lease and counts the attempt; each task renders its row, sends it and records the outcome — Sent;
 * Pending again after a backoff (retryDelayMs); Failed once EVENT_DELIVERY_MAX_ATTEMPTS attempts have failed, or at
 * once when the row can never be sent (no usable address, a payload no template reads, a recipient the SMTP server
 * refuses for good). A worker that dies mid-send records nothing: its lease expires and another worker sends the row
 * again, so delivery is at least once and a rare duplicate is possible (the Message-ID stays the same, which lets
 * many mail systems drop the second copy).
 */
export function mailJob({ prisma, transport, config, log }: MailJobOptions): DeliveryJob {
  const domain = messageIdDomain(config.MAIL_FROM);

  /**
   * Records an outcome only while the row is still this attempt's: `attempts` is the fencing token, since any later
   * claim (after this lease had expired) counted another attempt. A stale worker's outcome is dropped, not written
   * over the newer one.
   */
  async function record(row: ClaimedMail, changes: Prisma.Sql): Promise<void> {
    const updated = await prisma.$executeRaw(Prisma.sql`
      UPDATE notification_outbox SET ${changes}, lease_expires_at = NULL
       WHERE id = ${row.id} AND attempts = ${row.attempts}::int AND status = 'Pending'`);
    if (updated === 0) log.warn({ outboxId: row.id.toString(), topic: row.topic }, "a mail's lease passed before its outcome was recorded; another worker has it");
  }

  const sent = (row: ClaimedMail, result: SentMail) => {
    // The .eml file when one was written (what the column documents), unless its path is too long to be kept whole.
    const reference = result.location && result.location.length <= MESSAGE_ID_LIMIT ? result.location : result.messageId.slice(0, MESSAGE_ID_LIMIT);
    return record(row, Prisma.sql`status = 'Sent', processed_at = now(), message_id = ${reference}`);
  };

  /** `exhausted`: every attempt failed (an error: mail that should have gone did not), rather than unsendable. */
  const failed = (row: ClaimedMail, reason: string, exhausted = false) => {
    const fields = { outboxId: row.id.toString(), tenantId: row.tenant_id, topic: row.topic, attempts: row.attempts, reason };
    if (exhausted) log.error(fields, "mail failed after its last attempt; it will not be retried");
    else log.warn(fields, "mail cannot be sent; it will not be retried");
    return record(row, Prisma.sql`status = 'Failed', processed_at = now(), last_error = ${truncate(reason, ERROR_LIMIT)}`);
  };

  const retry = (row: ClaimedMail, reason: string) => {
    const delayMs = retryDelayMs(row.attempts, config.EVENT_RETRY_BASE_MS);
    log.warn({ outboxId: row.id.toString(), topic: row.topic, attempts: row.attempts, retryInMs: delayMs, reason }, "sending mail failed; it will be retried");
    return record(row, Prisma.sql`next_attempt_at = now() + ${delayMs}::int * interval '1 millisecond', last_error = ${truncate(reason, ERROR_LIMIT)}`);
  };

  async function deliver(row: ClaimedMail): Promise<void> {
    const rendered = renderMail({ topic: row.topic, payload: row.payload, createdAt: row.created_at });
    if (!rendered.ok) return failed(row, rendered.reason);
    let result: SentMail;
    try {
      result = await transport.send({ ...rendered.mail, messageId: `<tally.${row.tenant_id}.${row.id}.${row.created_at.getTime()}@${domain}>` });
    } catch (error) {
      const reason = describeSendError(error);
      if (refusesRecipient(error)) return failed(row, `the SMTP server refused the recipient for good: ${reason}`);
      if (row.attempts >= config.EVENT_DELIVERY_MAX_ATTEMPTS) {
        return failed(row, `${reason} (attempt ${row.attempts} of ${config.EVENT_DELIVERY_MAX_ATTEMPTS})`, true);
      }
      return retry(row, reason);
    }
    log.debug({ outboxId: row.id.toString(), topic: row.topic, messageId: result.messageId }, "mail sent");
    return sent(row, result);
  }

  return {
    name: "mail",
    async claim(limit) {
      if (limit <= 0) return [];
      const rows = await prisma.$queryRaw<ClaimedMail[]>(Prisma.sql`
        UPDATE notification_outbox AS o
           SET lease_expires_at = now() + ${config.EVENT_DELIVERY_LEASE_MS}::int * interval '1 millisecond',
               attempts = o.attempts + 1
          FROM (SELECT id FROM notification_outbox
                 WHERE status = 'Pending' AND next_attempt_at <= now()
                   AND (lease_expires_at IS NULL OR lease_expires_at < now())
                 ORDER BY next_attempt_at, id
                 LIMIT ${limit}::int
                 FOR UPDATE SKIP LOCKED) AS due
         WHERE o.id = due.id
        RETURNING o.id, o.tenant_id, o.topic, o.payload, o.created_at, o.attempts`);
      return rows.map((row) => async () => {
        try {
          await deliver(row);
        } catch (error) {
          // The outcome could not be recorded (the database went away): the lease expires and the row is sent again.
          log.error({ err: error, outboxId: row.id.toString(), topic: row.topic }, "recording a mail's outcome failed; it will be retried when its lease expires");
        }
      });
    },
  };
}

/**
 * An SMTP server's permanent "no such recipient" (5xx to RCPT TO): sending the same message again is refused again.
 * Every other failure is retried, permanent ones included — a 535 for wrong credentials or a 554 from a sender policy
 * is the operator's to fix, and the messages should still go once it is fixed.
 */
function refusesRecipient(error: unknown): boolean {
  const { permanent, command } = error as { permanent?: unknown; command?: unknown };
  return permanent === true && command === "RCPT TO";
}

function describeSendError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as { code?: unknown };
  return typeof code === "string" && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/** The domain of MAIL_FROM's address, for the Message-IDs this installation mints. */
function messageIdDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? "tally.localhost";
}
