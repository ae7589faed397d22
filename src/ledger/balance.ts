import type { Prisma } from "../generated/prisma/client.js";

/** The website a balance is kept in: its row id (credits' websiteRef) and base currency. */
export interface BalanceWebsite {
  id: number;
  baseCurrencyCode: string;
}

/**
 * The credits that make up a customer's store-credit balance in a website at `now`: the customer's credits of every
 * type that are activated, not expired, not deleted, held in the website's base currency, and either restricted to
 * that website or usable in all of the tenant's websites (websiteRef null). Credits in another currency never count:
 * amounts in two currencies cannot be added up.
 */
export function balanceCreditsWhere(customerId: number, website: BalanceWebsite, now: Date): Prisma.CreditWhereInput {
  return {
    customerId,
    deletedAt: null,
    currencyCode: website.baseCurrencyCode,
    activationDate: { lte: now },
    AND: [
      { OR: [{ expirationDate: null }, { expirationDate: { gt: now } }] },
      { OR: [{ websiteRef: website.id }, { websiteRef: null }] },
    ],
  };
}
