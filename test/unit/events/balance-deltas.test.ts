import { type BalanceShare, balanceDeltas, countsTowardBalance } from "../../../src/ledger/balance.js";

const NOW = new Date("2026-06-01T12:00:00Z");
const EARLIER = new Date("2026-01-01T00:00:00Z");
const LATER = new Date("2027-01-01T00:00:00Z");

/** Balances are written as strings here; the ledger reads any stored decimal through its string form. */
type Overrides = Partial<Omit<BalanceShare, "currentBalance">> & { currentBalance?: string };

const credit = ({ currentBalance = "20.0000", ...overrides }: Overrides = {}): BalanceShare => ({
  customerId: 4,
  activationDate: EARLIER,
  expirationDate: null,
  deletedAt: null,
  ...overrides,
  currentBalance: currentBalance as unknown as BalanceShare["currentBalance"],
});

test.each<[string, Overrides, boolean]>([
  ["an active credit of a customer", {}, true],
  ["a credit of no customer (an unassigned gift card)", { customerId: null }, false],
  ["a credit never activated", { activationDate: null }, false],
  ["a credit activated later", { activationDate: LATER }, false],
  ["a credit activated this very moment", { activationDate: NOW }, true],
  ["a credit expiring later", { expirationDate: LATER }, true],
  ["a credit expired this very moment", { expirationDate: NOW }, false],
  ["a deleted credit", { deletedAt: EARLIER }, false],
])("%s counts toward a balance: %s", (_name, overrides, counts) => {
  expect(countsTowardBalance(credit(overrides), NOW)).toBe(counts);
});

const deltas = (before: BalanceShare | null, after: BalanceShare) =>
  Object.fromEntries([...balanceDeltas(before, after, NOW)].map(([customerId, delta]) => [customerId, delta.toFixed(4)]));

test.each<[string, BalanceShare | null, BalanceShare, Record<number, string>]>([
  ["a posting moves its customer's balance by the amount", credit(), credit({ currentBalance: "12.5000" }), { 4: "-7.5000" }],
  ["a new credit with a balance adds it", null, credit(), { 4: "20.0000" }],
  ["a new credit opened at 0 moves nothing", null, credit({ currentBalance: "0" }), {}],
  ["a posting to a gift card of no customer moves nothing", credit({ customerId: null }), credit({ customerId: null, currentBalance: "1" }), {}],
  ["activation brings the whole balance in", credit({ activationDate: null }), credit(), { 4: "20.0000" }],
  ["expiry takes the whole balance out", credit(), credit({ expirationDate: EARLIER }), { 4: "-20.0000" }],
  ["a new customer takes it from the old one", credit({ customerId: 9 }), credit({ customerId: 4 }), { 4: "20.0000", 9: "-20.0000" }],
  ["associating a gift card gives its balance to the shopper", credit({ customerId: null }), credit(), { 4: "20.0000" }],
  ["changing what does not count moves nothing", credit(), credit({ expirationDate: LATER }), {}],
  ["deleting an empty credit moves nothing", credit({ currentBalance: "0" }), credit({ currentBalance: "0", deletedAt: NOW }), {}],
])("%s", (_name, before, after, expected) => {
  expect(deltas(before, after)).toEqual(expected);
});

test("customers come in ascending id, whatever order the change names them in", () => {
  expect([...balanceDeltas(credit({ customerId: 9 }), credit({ customerId: 4 }), NOW).keys()]).toEqual([4, 9]);
  expect([...balanceDeltas(credit({ customerId: 4 }), credit({ customerId: 9 }), NOW).keys()]).toEqual([4, 9]);
});
