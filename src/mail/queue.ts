import { tenantIdOf } from "../db/tenant-scope.js";
import type { TenantTx } from "../db/transactions.js";
import { currentRequestContext } from "../request-context.js";
import type { CreditMailPayload, CreditmemoMailPayload, MailTopic, MailTopics } from "./payloads.js";

type QueuedMail =
  | { topic: typeof MailTopics.creditCreated | typeof MailTopics.creditResent; payload: CreditMailPayload }
  | { topic: typeof MailTopics.creditmemo; payload: CreditmemoMailPayload };

/**
 * Queues a message for the mailer inside the transaction of the change it tells about: it commits with the change or
 * not at all, and an Idempotency-Key replay (which runs no effect) queues nothing. Once the request is answered this
 * process's delivery loop is woken (the same flag push deliveries set), so the mail leaves without waiting for a poll.
 * next_attempt_at keeps its default, the database's clock, which the mailer's claim compares it with.
 */
export async function queueMail(tx: TenantTx, mail: QueuedMail & { entityId: string; now: Date }): Promise<void> {
  const topic: MailTopic = mail.topic;
  await tx.notificationOutbox.create({
    data: { tenantId: tenantIdOf(tx), topic, entityId: mail.entityId, payload: mail.payload, createdAt: mail.now },
  });
  currentRequestContext().deliveriesQueued = true;
}
