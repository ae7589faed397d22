/** The permissions an application token can carry (Kibo's "Required Behaviors"). */
export const BEHAVIORS = [
  "CreditRead",
  "CreditCreate",
  "CreditUpdate",
  "CreditDelete",
  "CreditMemoRead",
  "CreditMemoWrite",
  "BalanceRead",
  "LoyaltyReportRead",
  "EventRead",
  "EventSubscriptionManage",
] as const;

export type Behavior = (typeof BEHAVIORS)[number];

/** A back-office application authenticated with its client credentials. */
export interface ApplicationCaller {
  readonly kind: "application";
  readonly tenantId: number;
  readonly clientId: string;
  readonly behaviors: ReadonlySet<Behavior>;
  /** Website row selected by `x-vol-site`, when the caller sent one. */
  readonly websiteRef?: number | undefined;
}

/** A shopper authenticated by the storefront; may touch only their own data. */
export interface ShopperCaller {
  readonly kind: "shopper";
  readonly tenantId: number;
  readonly customerId: number;
  readonly websiteRef?: number | undefined;
}

export type Caller = ApplicationCaller | ShopperCaller;

/** What a route demands of its caller; declared next to the route's schema. */
export interface RouteAuth {
  /** Every behavior an application token must carry. */
  behaviors: readonly Behavior[];
  /** Whether shopper tokens may call the route (the service then limits them to their own data). */
  shoppers?: boolean;
}

/** The name recorded in audit fields (`createBy`, `updateBy`) for a caller. */
export function actorName(caller: Caller): string {
  return caller.kind === "application" ? caller.clientId : `shopper:${caller.customerId}`;
}
