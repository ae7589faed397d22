import type { LoyaltyEntryKind, Prisma } from "../generated/prisma/client.js";

/**
 * The loyalty report example: account `greatwidgets`, campaign 123456789012, 1000 points per currency unit, and
 * the API user the example request signs in with.
 */
export const LOYALTY_EXAMPLE = {
  accountCode: "greatwidgets",
  campaignId: 123456789012n,
  pointsPerCurrencyUnit: 1000,
  userId: "john1970",
  userPassword: "1959caadac9b13dcb3",
} as const;

/** Jane Doe of the loyalty report example, as customer 1 of tenant 26507. */
export const JANE_DOE = {
  customerId: 1,
  cardNumber: "12345678",
  code: "173648028775637382",
  firstName: "Jane",
  lastName: "Doe",
  email: "jdoe@email.com",
  phone: "555-5555",
  address1: "123 Main St.",
  address2: "Apt 3G",
  city: "Anytown",
  state: "ND",
  zip: "12345",
  country: "NZ",
  custom1: "She likes cheese!",
  customDate: new Date("1970-07-14T00:00:00Z"),
  username: "jdoe123",
  createdAt: new Date("2010-11-02T16:20:00Z"),
  // record_timestamp in the report.
  updatedAt: new Date("2011-05-07T14:38:59Z"),
} satisfies Omit<Prisma.CustomerCreateManyInput, "id" | "tenantId">;

/** Jane's entries in campaign 123456789012: earned 6021, redeemed −6001, balance 20, never below zero. */
export const JANE_DOE_ENTRIES: readonly { kind: LoyaltyEntryKind; points: number; createdAt: Date }[] = [
  { kind: "Earn", points: 2500, createdAt: new Date("2010-12-01T10:00:00Z") },
  { kind: "Earn", points: 1521, createdAt: new Date("2011-01-15T12:30:00Z") },
  { kind: "Redeem", points: -4000, createdAt: new Date("2011-02-10T09:45:00Z") },
  { kind: "Earn", points: 2000, createdAt: new Date("2011-03-20T17:05:00Z") },
  { kind: "Redeem", points: -2001, createdAt: new Date("2011-04-30T11:11:00Z") },
];

/** Jane's line of the documented customers_balances response, value for value, in the documented order. */
export const JANE_DOE_REPORT_LINE = {
  card_number: "12345678",
  code: "173648028775637382",
  first_name: "Jane",
  last_name: "Doe",
  email: "jdoe@email.com",
  phone: "555-5555",
  address1: "123 Main St.",
  address2: "Apt 3G",
  city: "Anytown",
  state: "ND",
  zip: "12345",
  country: "NZ",
  custom1: "She likes cheese!",
  custom_date: "1970-07-14",
  customer_username: "jdoe123",
  record_timestamp: "2011-05-07 14:38:59",
  earned: "6021",
  redeemed: "-6001",
  balance: "20",
  balance_equivalent: "0.02",
  earned_equivalent: "6.02",
  redeemed_equivalent: "-6",
} as const;
