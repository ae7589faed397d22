import type { TenantDb } from "../db/tenant-scope.js";
import type { TenantTx } from "../db/transactions.js";
import type { Credit, Prisma } from "../generated/prisma/client.js";
import { Decimal, toDecimal } from "../money/index.js";

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

/**
 * A customer's balance in a website (the sum of balanceCreditsWhere's credits) and how many credits make it up: what
 * the balance route answers and what a balance event announces, computed one way.
 */
export async function balanceIn(
  db: TenantDb | TenantTx,
  customerId: number,
  website: BalanceWebsite,
  now: Date,
): Promise<{ amount: Decimal; credits: number }> {
  const { _sum, _count } = await db.credit.aggregate({
    where: balanceCreditsWhere(customerId, website, now),
    _sum: { currentBalance: true },
    _count: { _all: true },
  });
  return { amount: toDecimal(_sum.currentBalance ?? 0), credits: _count._all };
}

/** What decides whether a credit counts toward its customer's balances, and with how much. */
export type BalanceShare = Pick<Credit, "customerId" | "currentBalance" | "activationDate" | "expirationDate" | "deletedAt">;

/**
 * Whether the credit counts at `now` toward its customer's balance in the websites its currency and restriction
 * allow: balanceCreditsWhere's test of the credit itself, the website part left out.
 */
export function countsTowardBalance(credit: BalanceShare, now: Date): credit is BalanceShare & { customerId: number } {
  return (
    credit.customerId !== null &&
    credit.deletedAt === null &&
    credit.activationDate !== null &&
    credit.activationDate <= now &&
    (credit.expirationDate === null || credit.expirationDate > now)
  );
}

/**
 * How a change to one credit moves its customers' balances (in every website the credit counts in, since neither its
 * currency nor its website restriction ever changes): the customer's share after minus their share before, per
 * customer, zeros left out, in ascending customer id. `before` is null for a new credit. A posting moves its customer's
 * balance by the posted amount; activation, expiry or a new customer move the whole balance in or out.
 */
export function balanceDeltas(before: BalanceShare | null, after: BalanceShare, now: Date): Map<number, Decimal> {
  const deltas = new Map<number, Decimal>();
  const add = (credit: BalanceShare | null, sign: 1 | -1) => {
    if (!credit || !countsTowardBalance(credit, now)) return;
    const share = toDecimal(credit.currentBalance).times(sign);
    deltas.set(credit.customerId, (deltas.get(credit.customerId) ?? new Decimal(0)).plus(share));
  };
  add(before, -1);
  add(after, 1);
  return new Map([...deltas].filter(([, delta]) => !delta.isZero()).sort(([a], [b]) => a - b));
}
