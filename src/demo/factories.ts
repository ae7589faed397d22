/**
 * The test factories: each takes the Prisma client or a transaction client and overrides, creates missing parents,
 * and uses unique defaults (ids ≥ 1,000,000). One module per part of the model; tests import them from here.
 */
export { type CreditOverrides, type CreditTransactionSpec, createCredit } from "./factories/credits.js";
export {
  type CreditmemoCommentSpec,
  type CreditmemoItemSpec,
  type CreditmemoOverrides,
  type CreditmemoWithChildren,
  createCreditmemo,
} from "./factories/creditmemos.js";
export {
  type LoyaltyAccountOverrides,
  type LoyaltyApiUserOverrides,
  type LoyaltyCampaignOverrides,
  type LoyaltyEntryOverrides,
  createLoyaltyAccount,
  createLoyaltyApiUser,
  createLoyaltyCampaign,
  createLoyaltyEntry,
} from "./factories/loyalty.js";
export { type OrderItemOverrides, type OrderOverrides, type OrderWithItems, createOrder } from "./factories/orders.js";
export {
  type CustomerOverrides,
  type StoreOverrides,
  type TenantOverrides,
  type WebsiteOverrides,
  createCustomer,
  createStore,
  createTenant,
  createWebsite,
} from "./factories/tenants.js";
export type { Db } from "./factories/unique.js";
