import type { Prisma } from "../generated/prisma/client.js";

// Which tenant each model's rows belong to, as data: src/db/tenant-scope.ts enforces it on every query.

export type ModelName = Prisma.ModelName;
type Payload<M extends ModelName> = Prisma.TypeMap["model"][M]["payload"];
type Relations<M extends ModelName> = Payload<M>["objects"];
type Scalar<M extends ModelName> = keyof Payload<M>["scalars"] & string;
/** A relation's target as written in the map: `"Credit"` for a to-one relation, `"Credit[]"` for a to-many one. */
type Target<P> = P extends readonly (infer E extends { name: string })[]
  ? `${E["name"]}[]`
  : NonNullable<P> extends { name: infer N extends string }
    ? N
    : never;
type RelationName<M extends ModelName> = keyof Relations<M> & string;
type ToOne<M extends ModelName> = {
  [R in RelationName<M>]: Relations<M>[R] extends readonly unknown[] ? never : R;
}[RelationName<M>];
/** A scalar foreign key's parent: its model and the column it points at. */
export type Reference = { [T in ModelName]: readonly [T, Scalar<T>] }[ModelName];

/** How one model belongs to a tenant, and which of its fields can point at rows of other models. */
export type ModelScope<M extends ModelName> = (
  | { /** The model's own tenant column. */ readonly column: Scalar<M> }
  | { /** The relation to the parent that carries the tenant: direct creates are refused. */ readonly parent: ToOne<M> }
) & {
  /** Every relation and its target, so nested writes are checked against the target's own scope. */
  readonly relations: { readonly [R in RelationName<M>]: Target<Relations<M>[R]> };
  /**
   * Scalar foreign keys whose parent the database does not tie to the tenant: a value written through the scoped
   * client is looked up through it first. A composite key that includes the tenant column is left to the database.
   */
  readonly references?: { readonly [F in Scalar<M>]?: Reference };
};

/** Every model, mapped: a model added to the schema does not compile until it is listed here. */
export type TenantScopes = { readonly [M in ModelName]: ModelScope<M> };

export const TENANT_SCOPES: TenantScopes = {
  Tenant: {
    column: "id",
    relations: {
      websites: "Website[]",
      stores: "Store[]",
      customers: "Customer[]",
      credits: "Credit[]",
      loyaltyAccounts: "LoyaltyAccount[]",
      orders: "Order[]",
      creditmemos: "Creditmemo[]",
      creditTransactions: "CreditTransaction[]",
      creditAuditEntries: "CreditAuditEntry[]",
      idempotencyKeys: "IdempotencyKey[]",
      outbox: "NotificationOutbox[]",
      applications: "Application[]",
      magentoApiUsers: "MagentoApiUser[]",
      events: "Event[]",
      eventSubscriptions: "EventSubscription[]",
      eventDeliveries: "EventDelivery[]",
      eventDeliveryAttempts: "EventDeliveryAttempt[]",
    },
  },
  Website: {
    column: "tenantId",
    relations: { tenant: "Tenant", stores: "Store[]", orders: "Order[]", credits: "Credit[]" },
  },
  Store: {
    column: "tenantId",
    relations: { tenant: "Tenant", website: "Website", orders: "Order[]" },
    references: { websiteId: ["Website", "id"] },
  },
  Customer: {
    column: "tenantId",
    relations: { tenant: "Tenant", credits: "Credit[]", orders: "Order[]", loyaltyEntries: "LoyaltyLedgerEntry[]" },
  },
  // customerId: the foreign key (tenant_id, customer_id) keeps the customer in the credit's tenant.
  Credit: {
    column: "tenantId",
    relations: {
      tenant: "Tenant",
      customer: "Customer",
      website: "Website",
      transactions: "CreditTransaction[]",
      auditEntries: "CreditAuditEntry[]",
    },
    references: { websiteRef: ["Website", "id"] },
  },
  CreditTransaction: {
    column: "tenantId",
    relations: { tenant: "Tenant", credit: "Credit", creditmemo: "Creditmemo" },
    references: { creditId: ["Credit", "id"], creditmemoId: ["Creditmemo", "creditmemo_id"] },
  },
  CreditAuditEntry: {
    column: "tenantId",
    relations: { tenant: "Tenant", credit: "Credit" },
    references: { creditId: ["Credit", "id"] },
  },
  // customerId: tied to the tenant by the foreign key (tenant_id, customer_id), as on credits.
  Order: {
    column: "tenantId",
    relations: {
      tenant: "Tenant",
      website: "Website",
      store: "Store",
      customer: "Customer",
      items: "OrderItem[]",
      creditmemos: "Creditmemo[]",
    },
    references: { websiteId: ["Website", "id"], storeRef: ["Store", "id"] },
  },
  OrderItem: { parent: "order", relations: { order: "Order" }, references: { orderRef: ["Order", "id"] } },
  Creditmemo: {
    column: "tenant_id",
    relations: {
      tenant: "Tenant",
      order: "Order",
      items: "CreditmemoItem[]",
      comments: "CreditmemoComment[]",
      transactions: "CreditTransaction[]",
    },
    references: { order_ref: ["Order", "id"] },
  },
  CreditmemoItem: {
    parent: "creditmemo",
    relations: { creditmemo: "Creditmemo" },
    references: { parent_id: ["Creditmemo", "creditmemo_id"] },
  },
  CreditmemoComment: {
    parent: "creditmemo",
    relations: { creditmemo: "Creditmemo" },
    references: { parent_id: ["Creditmemo", "creditmemo_id"] },
  },
  LoyaltyAccount: {
    column: "tenantId",
    relations: { tenant: "Tenant", campaigns: "LoyaltyCampaign[]", apiUsers: "LoyaltyApiUser[]" },
  },
  LoyaltyApiUser: {
    parent: "account",
    relations: { account: "LoyaltyAccount" },
    references: { accountId: ["LoyaltyAccount", "id"] },
  },
  LoyaltyCampaign: {
    parent: "account",
    relations: { account: "LoyaltyAccount", entries: "LoyaltyLedgerEntry[]" },
    references: { accountId: ["LoyaltyAccount", "id"] },
  },
  LoyaltyLedgerEntry: {
    parent: "campaign",
    relations: { campaign: "LoyaltyCampaign", customer: "Customer" },
    references: { campaignId: ["LoyaltyCampaign", "id"], customerRef: ["Customer", "id"] },
  },
  IdempotencyKey: { column: "tenantId", relations: { tenant: "Tenant" } },
  NotificationOutbox: { column: "tenantId", relations: { tenant: "Tenant" } },
  Event: { column: "tenantId", relations: { tenant: "Tenant", deliveries: "EventDelivery[]" } },
  EventSubscription: {
    column: "tenantId",
    relations: { tenant: "Tenant", application: "Application", deliveries: "EventDelivery[]" },
    references: { applicationId: ["Application", "id"] },
  },
  EventDelivery: {
    column: "tenantId",
    relations: {
      tenant: "Tenant",
      subscription: "EventSubscription",
      event: "Event",
      deliveryAttempts: "EventDeliveryAttempt[]",
    },
    references: { subscriptionRef: ["EventSubscription", "id"], eventRef: ["Event", "id"] },
  },
  EventDeliveryAttempt: {
    column: "tenantId",
    relations: { tenant: "Tenant", delivery: "EventDelivery" },
    references: { deliveryRef: ["EventDelivery", "id"] },
  },
  Application: {
    column: "tenantId",
    relations: { tenant: "Tenant", refreshTokens: "RefreshToken[]", eventSubscriptions: "EventSubscription[]" },
  },
  RefreshToken: {
    parent: "application",
    relations: { application: "Application" },
    references: { applicationId: ["Application", "id"] },
  },
  MagentoApiUser: { column: "tenantId", relations: { tenant: "Tenant", sessions: "MagentoApiSession[]" } },
  MagentoApiSession: {
    parent: "user",
    relations: { user: "MagentoApiUser" },
    references: { userId: ["MagentoApiUser", "id"] },
  },
};
