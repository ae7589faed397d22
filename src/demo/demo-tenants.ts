import type { Prisma } from "../generated/prisma/client.js";

/** One Magento website of a demo tenant, with its single store view. Row ids are fixed so the set is reproducible. */
export interface DemoWebsite {
  /** websites.id */
  id: number;
  websiteId: number;
  siteId: number;
  code: string;
  name: string;
  currency: string;
  /** Sales tax charged on its orders, in basis points (800 = 8%). */
  taxBasisPoints: number;
  store: { id: number; storeId: number; code: string; incrementPrefix: string };
}

/** A demo merchant and how much data it gets at scale 1. */
export interface DemoTenant {
  id: number;
  name: string;
  domain: string;
  /** Who the generated audit trail says did things. */
  admin: string;
  websites: readonly DemoWebsite[];
  /** Customer countries with their weights. */
  countries: readonly (readonly [string, number])[];
  customers: number;
  credits: number;
  /** Orders per website, in the order of `websites`. */
  orders: readonly number[];
}

export const GREAT_WIDGETS_TENANT_ID = 26507;

/** The two demo tenants: 26507 and site 41315 are the ones Kibo's SDK README uses. */
export const DEMO_TENANTS: readonly DemoTenant[] = [
  {
    id: GREAT_WIDGETS_TENANT_ID,
    name: "Great Widgets",
    domain: "t26507.tally.localhost",
    admin: "admin@greatwidgets.example",
    websites: [
      {
        id: 1,
        websiteId: 1,
        siteId: 41315,
        code: "us",
        name: "Great Widgets US",
        currency: "USD",
        taxBasisPoints: 800,
        store: { id: 1, storeId: 1, code: "us_en", incrementPrefix: "1" },
      },
      {
        id: 2,
        websiteId: 2,
        siteId: 41316,
        code: "ca",
        name: "Great Widgets Canada",
        currency: "CAD",
        taxBasisPoints: 1300,
        store: { id: 2, storeId: 2, code: "ca_en", incrementPrefix: "2" },
      },
    ],
    countries: [
      ["US", 70],
      ["CA", 28],
      ["NZ", 2],
    ],
    customers: 3_500,
    credits: 14_000,
    orders: [250, 150],
  },
  {
    id: 26508,
    name: "Sprocket & Co.",
    domain: "t26508.tally.localhost",
    admin: "admin@sprocket.example",
    websites: [
      {
        id: 3,
        websiteId: 1,
        siteId: 51315,
        code: "uk",
        name: "Sprocket & Co. UK",
        currency: "GBP",
        taxBasisPoints: 2000,
        store: { id: 3, storeId: 1, code: "uk_en", incrementPrefix: "1" },
      },
      {
        id: 4,
        websiteId: 2,
        siteId: 51316,
        code: "eu",
        name: "Sprocket & Co. Europe",
        currency: "EUR",
        taxBasisPoints: 1900,
        store: { id: 4, storeId: 2, code: "eu_de", incrementPrefix: "2" },
      },
    ],
    countries: [
      ["GB", 55],
      ["IE", 10],
      ["DE", 15],
      ["FR", 12],
      ["NL", 8],
    ],
    customers: 1_500,
    credits: 7_000,
    orders: [100, 100],
  },
];

export interface TenantRows {
  tenants: Prisma.TenantCreateManyInput[];
  websites: Prisma.WebsiteCreateManyInput[];
  stores: Prisma.StoreCreateManyInput[];
}

/** The demo tenants' rows; `lastCreditmemoNumbers` (by stores.id) sets each store's credit memo counter. */
export function tenantRows(lastCreditmemoNumbers: ReadonlyMap<number, number>): TenantRows {
  return {
    tenants: DEMO_TENANTS.map(({ id, name, domain }) => ({ id, name, domain })),
    websites: DEMO_TENANTS.flatMap((tenant) =>
      tenant.websites.map((website) => ({
        id: website.id,
        tenantId: tenant.id,
        websiteId: website.websiteId,
        siteId: website.siteId,
        code: website.code,
        name: website.name,
        baseCurrencyCode: website.currency,
      })),
    ),
    stores: DEMO_TENANTS.flatMap((tenant) =>
      tenant.websites.map(({ id: websiteRef, store }) => ({
        id: store.id,
        tenantId: tenant.id,
        websiteId: websiteRef,
        storeId: store.storeId,
        code: store.code,
        incrementPrefix: store.incrementPrefix,
        lastCreditmemoNumber: lastCreditmemoNumbers.get(store.id) ?? 0,
      })),
    ),
  };
}
