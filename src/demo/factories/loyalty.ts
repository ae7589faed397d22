import { randomBytes } from "node:crypto";
import type { Customer, LoyaltyAccount, LoyaltyApiUser, LoyaltyCampaign, LoyaltyLedgerEntry, Prisma } from "../../generated/prisma/client.js";
import { hashSecret } from "../../auth/secrets.js";
import { toDecimal } from "../ledger.js";
import { createCustomer, createTenant } from "./tenants.js";
import { type Db, nextUnique, random } from "./unique.js";

export type LoyaltyAccountOverrides = Partial<Prisma.LoyaltyAccountCreateManyInput>;

/** Creates a loyalty account with a unique account code; a new tenant is created unless `tenantId` is given. */
export async function createLoyaltyAccount(db: Db, overrides: LoyaltyAccountOverrides = {}): Promise<LoyaltyAccount> {
  const tenantId = overrides.tenantId ?? (await createTenant(db)).id;
  const n = nextUnique();
  return db.loyaltyAccount.create({
    data: { tenantId, accountCode: `account${n}`, name: `${random.faker.company.name()} Rewards`, ...overrides },
  });
}

/** API user columns except the key hash, plus the plain `key` to hash (random when omitted). */
export type LoyaltyApiUserOverrides = Partial<Omit<Prisma.LoyaltyApiUserCreateManyInput, "keyHash">> & { key?: string };

/**
 * Creates a loyalty API user (`user_id` + API key for /api.php) with a unique user id; the key is stored only as
 * its scrypt hash and returned alongside the row. A new account is created unless `accountId` is given.
 */
export async function createLoyaltyApiUser(
  db: Db,
  overrides: LoyaltyApiUserOverrides = {},
): Promise<LoyaltyApiUser & { key: string }> {
  const { key = randomBytes(18).toString("base64url"), ...columns } = overrides;
  const accountId = columns.accountId ?? (await createLoyaltyAccount(db)).id;
  const user = await db.loyaltyApiUser.create({
    data: { userId: `user${nextUnique()}`, ...columns, accountId, keyHash: await hashSecret(key) },
  });
  return { ...user, key };
}

export type LoyaltyCampaignOverrides = Partial<Prisma.LoyaltyCampaignCreateManyInput>;

/**
 * Creates a USD campaign with an id above 32 bits: Points at 1000 points per currency unit by default,
 * no ratio for StoredValue. A new account is created unless `accountId` is given.
 */
export async function createLoyaltyCampaign(db: Db, overrides: LoyaltyCampaignOverrides = {}): Promise<LoyaltyCampaign> {
  const accountId = overrides.accountId ?? (await createLoyaltyAccount(db)).id;
  const kind = overrides.kind ?? "Points";
  const n = nextUnique();
  return db.loyaltyCampaign.create({
    data: {
      id: BigInt(100_000_000_000 + n),
      accountId,
      name: `Campaign ${n}`,
      kind,
      pointsPerCurrencyUnit: kind === "Points" ? 1000 : null,
      currencyCode: "USD",
      ...overrides,
    },
  });
}

export type LoyaltyEntryOverrides = Partial<Prisma.LoyaltyLedgerEntryCreateManyInput>;

/**
 * Creates an Earn entry (100 points, or 10.00 on a stored-value campaign). `points`/`amount` may be given
 * unsigned: the sign follows `kind` (Redeem negative). Without `campaignId` a campaign is created, without
 * `customerRef` a customer of the campaign's tenant.
 */
export async function createLoyaltyEntry(db: Db, overrides: LoyaltyEntryOverrides = {}): Promise<LoyaltyLedgerEntry> {
  const campaign =
    overrides.campaignId === undefined
      ? await createLoyaltyCampaign(db)
      : await db.loyaltyCampaign.findUniqueOrThrow({ where: { id: BigInt(overrides.campaignId) } });
  const customerRef = overrides.customerRef ?? (await createCampaignMember(db, campaign)).id;
  const kind = overrides.kind ?? "Earn";
  const sign = kind === "Redeem" ? -1 : 1;
  const points = campaign.kind === "Points" ? sign * Math.abs(overrides.points ?? 100) : null;
  const amount = campaign.kind === "StoredValue" ? toDecimal(overrides.amount ?? "10.00").abs().mul(sign).toFixed() : null;
  return db.loyaltyLedgerEntry.create({
    data: { ...overrides, campaignId: campaign.id, customerRef, kind, points, amount },
  });
}

async function createCampaignMember(db: Db, campaign: LoyaltyCampaign): Promise<Customer> {
  const account = await db.loyaltyAccount.findUniqueOrThrow({ where: { id: campaign.accountId } });
  return createCustomer(db, { tenantId: account.tenantId });
}
