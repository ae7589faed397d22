/**
 * The topics Tally publishes. Kibo's own credit topics, with the credit code as entityId, and Tally's for the faces
 * Kibo has no topic for: a customer's store-credit balance in one website (entityId `<customerId>:<websiteId>`,
 * Magento's ids) and Magento's credit memos (entityId = the memo's increment id).
 */
export const EventTopics = {
  creditCreated: "credit.created",
  creditUpdated: "credit.updated",
  creditDeleted: "credit.deleted",
  balanceUpdated: "storecredit.balance.updated",
  creditmemoCreated: "creditmemo.created",
  creditmemoUpdated: "creditmemo.updated",
} as const;

export type EventTopic = (typeof EventTopics)[keyof typeof EventTopics];

/** Every topic, in the order the README documents them. */
export const EVENT_TOPICS: readonly EventTopic[] = Object.values(EventTopics);

/** The entityId of a store-credit balance: Magento's customer id and website id. */
export function balanceEntityId(customerId: number, websiteId: number): string {
  return `${customerId}:${websiteId}`;
}
