import type { LoyaltyCampaignKind, LoyaltyEntryKind, Prisma } from "../generated/prisma/client.js";
import type { IdSequence } from "./bulk.js";
import { GREAT_WIDGETS_TENANT_ID } from "./demo-tenants.js";
import { JANE_DOE, JANE_DOE_ENTRIES, LOYALTY_EXAMPLE } from "../examples/index.js";
import type { CustomerRow } from "./generate-customers.js";
import { addDays, formatCents, type Random } from "./random.js";

interface DemoCampaign {
  id: bigint;
  name: string;
  kind: LoyaltyCampaignKind;
  pointsPerCurrencyUnit: number | null;
  currencyCode: string;
  coalitionOptOut: boolean;
  /** Customers with entries in it at scale 1. */
  members: number;
}

interface DemoLoyaltyAccount {
  id: number;
  tenantId: number;
  accountCode: string;
  name: string;
  campaigns: readonly DemoCampaign[];
}

/** The demo's loyalty programs: Great Widgets' coalition account of the report example, and one for tenant 26508. */
const ACCOUNTS: readonly DemoLoyaltyAccount[] = [
  {
    id: 1,
    tenantId: GREAT_WIDGETS_TENANT_ID,
    accountCode: LOYALTY_EXAMPLE.accountCode,
    name: "Great Widgets Rewards",
    campaigns: [
      {
        id: LOYALTY_EXAMPLE.campaignId,
        name: "Widget Points",
        kind: "Points",
        pointsPerCurrencyUnit: LOYALTY_EXAMPLE.pointsPerCurrencyUnit,
        currencyCode: "USD",
        coalitionOptOut: false,
        members: 1_500,
      },
      {
        id: 123456789013n,
        name: "Double Widget Days",
        kind: "Points",
        pointsPerCurrencyUnit: 100,
        currencyCode: "USD",
        coalitionOptOut: false,
        members: 800,
      },
      {
        id: 123456789014n,
        name: "Great Widgets Gift Cards",
        kind: "StoredValue",
        pointsPerCurrencyUnit: null,
        currencyCode: "USD",
        coalitionOptOut: false,
        members: 600,
      },
      {
        id: 123456789015n,
        name: "Partner Miles",
        kind: "Points",
        pointsPerCurrencyUnit: 1000,
        currencyCode: "USD",
        coalitionOptOut: true,
        members: 400,
      },
    ],
  },
  {
    id: 2,
    tenantId: 26508,
    accountCode: "sprocketclub",
    name: "Sprocket Club",
    campaigns: [
      {
        id: 223456789012n,
        name: "Sprocket Points",
        kind: "Points",
        pointsPerCurrencyUnit: 1000,
        currencyCode: "GBP",
        coalitionOptOut: false,
        members: 700,
      },
      {
        id: 223456789013n,
        name: "Sprocket Gift Cards",
        kind: "StoredValue",
        pointsPerCurrencyUnit: null,
        currencyCode: "GBP",
        coalitionOptOut: false,
        members: 500,
      },
    ],
  },
];

export interface LoyaltyRows {
  accounts: Prisma.LoyaltyAccountCreateManyInput[];
  campaigns: Prisma.LoyaltyCampaignCreateManyInput[];
  entries: Prisma.LoyaltyLedgerEntryCreateManyInput[];
}

/**
 * Generates the loyalty accounts, campaigns and ledger: each member earns 1–5 times and redeems up to twice,
 * never more than their balance in that campaign at the time. Jane Doe's entries in campaign 123456789012 are
 * the report example's.
 */
export function generateLoyalty(
  random: Random,
  customersByTenant: ReadonlyMap<number, readonly CustomerRow[]>,
  scale: number,
  anchor: Date,
  ids: IdSequence,
): LoyaltyRows {
  const rows: LoyaltyRows = { accounts: [], campaigns: [], entries: [] };
  for (const account of ACCOUNTS) {
    const { campaigns, ...accountColumns } = account;
    rows.accounts.push(accountColumns);
    const customers = customersByTenant.get(account.tenantId) ?? [];
    for (const campaign of campaigns) {
      const { members, ...campaignColumns } = campaign;
      rows.campaigns.push({ ...campaignColumns, accountId: account.id });
      const isExample = campaign.id === LOYALTY_EXAMPLE.campaignId;
      const jane = isExample ? customers.find((customer) => customer.customerId === JANE_DOE.customerId) : undefined;
      if (jane) {
        for (const entry of JANE_DOE_ENTRIES) {
          rows.entries.push({ id: ids.take(), campaignId: campaign.id, customerRef: jane.id, amount: null, ...entry });
        }
      }
      const others = customers.filter((customer) => customer !== jane);
      const memberCount = Math.min(others.length, Math.max(1, Math.round(members * scale)));
      for (const member of random.sample(others, memberCount)) {
        for (const entry of memberEntries(random, campaign, member, anchor)) {
          rows.entries.push({ id: ids.take(), campaignId: campaign.id, customerRef: member.id, ...entry });
        }
      }
    }
  }
  return rows;
}

type EntryColumns = { kind: LoyaltyEntryKind; points: number | null; amount: string | null; createdAt: Date };

function memberEntries(random: Random, campaign: DemoCampaign, member: CustomerRow, anchor: Date): EntryColumns[] {
  const earns = random.int(1, 5);
  const redeems = random.int(0, 2);
  // The first entry is always an earn; the rest come in random order.
  const rest = [...Array<LoyaltyEntryKind>(earns - 1).fill("Earn"), ...Array<LoyaltyEntryKind>(redeems).fill("Redeem")];
  const kinds: LoyaltyEntryKind[] = ["Earn", ...random.sample(rest, rest.length)];
  const dates = kinds
    .map(() => random.dateBetween(member.createdAt, addDays(anchor, -1)))
    .sort((a, b) => a.getTime() - b.getTime());
  // Balances in points, or in cents for stored value, so no arithmetic touches fractional money.
  let balance = 0;
  const entries: EntryColumns[] = [];
  kinds.forEach((kind, index) => {
    const createdAt = dates[index] ?? anchor;
    if (kind === "Earn") {
      const units = earnUnits(random, campaign);
      balance += units;
      entries.push(entryColumns(campaign, "Earn", units, createdAt));
    } else if (balance > 0) {
      const units = random.chance(0.3) ? balance : random.int(1, balance);
      balance -= units;
      entries.push(entryColumns(campaign, "Redeem", -units, createdAt));
    }
  });
  return entries;
}

function earnUnits(random: Random, campaign: DemoCampaign): number {
  if (campaign.kind === "StoredValue") return random.cents(1_000, 10_000, 500);
  return (campaign.pointsPerCurrencyUnit ?? 1000) >= 1000 ? random.int(100, 5_000) : random.int(10, 500);
}

function entryColumns(campaign: DemoCampaign, kind: LoyaltyEntryKind, units: number, createdAt: Date): EntryColumns {
  return campaign.kind === "Points"
    ? { kind, points: units, amount: null, createdAt }
    : { kind, points: null, amount: formatCents(units), createdAt };
}
