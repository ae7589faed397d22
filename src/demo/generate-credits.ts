import type { BalanceAction, CreditType, Prisma } from "../generated/prisma/client.js";
import type { IdSequence } from "./bulk.js";
import type { DemoTenant, DemoWebsite } from "./demo-tenants.js";
import { GREAT_WIDGETS_TENANT_ID } from "./demo-tenants.js";
import { MAGENTO_BALANCE_CUSTOMER_ID } from "../examples/index.js";
import type { CustomerRow } from "./generate-customers.js";
import { buildLedger, type LedgerMove } from "./ledger.js";
import { addDays, formatCents, type Random } from "./random.js";

/** A ledger move with its time decided. */
export type DatedMove = LedgerMove & { createdAt: Date };

/** A credit being generated: its columns, opening balance and moves; credit memos may still append refunds. */
export interface DraftCredit {
  id: number;
  tenant: DemoTenant;
  code: string;
  creditType: CreditType;
  customCreditType: string | null;
  website: DemoWebsite;
  /** Only store credits are tied to their website; gift cards and custom credits go by currency. */
  websiteRef: number | null;
  customerId: number | null;
  initialCents: number;
  createdAt: Date;
  createdBy: string;
  activationDate: Date | null;
  /** Activated some days after it was issued (an Activated audit entry) rather than on issue. */
  activatedLater: boolean;
  expirationDate: Date | null;
  moves: DatedMove[];
  /** An admin edited it after its last movement (an Updated audit entry). */
  edited: boolean;
  deleted: boolean;
}

/** At most this many ledger rows after the opening one. */
export const MAX_MOVES = 5;

const CODE_PREFIX: Readonly<Record<CreditType, string>> = { GiftCard: "GC", StoreCredit: "SC", Custom: "CU" };
const CUSTOM_TYPES = ["Loyalty Reward", "Goodwill", "Promotion", "Employee Perk"];
const GIFT_CARD_CENTS = [1_000, 2_500, 5_000, 7_500, 10_000, 15_000, 20_000, 25_000];
const CHECKOUT = "kibo-checkout";
const REFUNDS = "magento-refunds";

/**
 * Generates a tenant's credits: store credits, gift cards (some unassigned) and custom credits in its websites'
 * currencies; some expired, some not activated, some spent to zero. Great Widgets' first credits are the
 * Magento balance example's (customer 4: CAD on website 2, USD on website 1).
 */
export function generateCredits(
  random: Random,
  tenant: DemoTenant,
  customers: readonly CustomerRow[],
  ordersByWebsite: ReadonlyMap<number, readonly string[]>,
  count: number,
  anchor: Date,
  ids: IdSequence,
): DraftCredit[] {
  const codes = new Set<string>();
  const uniqueCode = (type: CreditType): string => {
    for (;;) {
      const code = `${CODE_PREFIX[type]}-${random.code(16)}`;
      if (!codes.has(code)) {
        codes.add(code);
        return code;
      }
    }
  };
  const drafts: DraftCredit[] =
    tenant.id === GREAT_WIDGETS_TENANT_ID ? magentoBalanceCredits(tenant, anchor, ids, uniqueCode) : [];
  while (drafts.length < count) {
    drafts.push(generateCredit(random, tenant, customers, ordersByWebsite, anchor, ids.take(), uniqueCode));
  }
  return drafts;
}

function magentoBalanceCredits(
  tenant: DemoTenant,
  anchor: Date,
  ids: IdSequence,
  uniqueCode: (type: CreditType) => string,
): DraftCredit[] {
  const [usa, canada] = tenant.websites;
  if (!usa || !canada) throw new Error("Great Widgets needs its US and Canadian websites");
  const issued = addDays(anchor, -120);
  const storeCredit = (website: DemoWebsite, initialCents: number, moves: DatedMove[]): DraftCredit => ({
    id: ids.take(),
    tenant,
    code: uniqueCode("StoreCredit"),
    creditType: "StoreCredit",
    customCreditType: null,
    website,
    websiteRef: website.id,
    customerId: MAGENTO_BALANCE_CUSTOMER_ID,
    initialCents,
    createdAt: issued,
    createdBy: tenant.admin,
    activationDate: issued,
    activatedLater: false,
    expirationDate: null,
    moves,
    edited: false,
    deleted: false,
  });
  return [
    storeCredit(canada, 30_000, [
      { type: "Debit", amount: "45.50", action: "Used", createdBy: CHECKOUT, createdAt: addDays(issued, 10) },
      {
        type: "Credit",
        amount: "20.00",
        action: "Updated",
        comments: "Goodwill for a late delivery",
        createdBy: tenant.admin,
        createdAt: addDays(issued, 30),
      },
    ]),
    storeCredit(usa, 12_500, []),
  ];
}

function generateCredit(
  random: Random,
  tenant: DemoTenant,
  customers: readonly CustomerRow[],
  ordersByWebsite: ReadonlyMap<number, readonly string[]>,
  anchor: Date,
  id: number,
  uniqueCode: (type: CreditType) => string,
): DraftCredit {
  const creditType = random.weighted<CreditType>([
    ["StoreCredit", 45],
    ["GiftCard", 40],
    ["Custom", 15],
  ]);
  const website = random.pick(tenant.websites);
  const createdAt = random.dateBetween(addDays(anchor, -730), addDays(anchor, -1));
  const activation = random.weighted([
    ["onIssue", 80],
    ["later", 8],
    ["never", 6],
    ["future", 6],
  ] as const);
  const activationDate =
    activation === "onIssue"
      ? createdAt
      : activation === "later"
        ? random.dateBetween(createdAt, minDate(addDays(createdAt, 10), anchor))
        : activation === "future"
          ? random.dateBetween(addDays(anchor, 1), addDays(anchor, 45))
          : null;
  const expirationDate = random.chance(0.4) ? null : addDays(createdAt, random.pick([90, 180, 365, 730]));
  const initialCents =
    creditType === "GiftCard"
      ? random.pick(GIFT_CARD_CENTS)
      : creditType === "Custom"
        ? random.cents(500, 5_000, 100)
        : random.chance(0.05)
          ? 0
          : random.cents(500, 30_000);
  const draft: DraftCredit = {
    id,
    tenant,
    code: uniqueCode(creditType),
    creditType,
    customCreditType: creditType === "Custom" ? random.pick(CUSTOM_TYPES) : null,
    website,
    websiteRef: creditType === "StoreCredit" ? website.id : null,
    customerId: creditType === "GiftCard" && random.chance(0.45) ? null : random.pick(customers).customerId,
    initialCents,
    createdAt,
    createdBy: creditType === "StoreCredit" && random.chance(0.5) ? REFUNDS : tenant.admin,
    activationDate,
    activatedLater: activation === "later",
    expirationDate,
    moves: [],
    edited: random.chance(0.05),
    deleted: random.chance(0.01),
  };
  // Credits are usable between activation and expiry; nothing moves outside that window.
  if (activationDate && activationDate < anchor) {
    const until = minDate(expirationDate ?? anchor, anchor);
    if (activationDate < until) {
      draft.moves = generateMoves(random, draft, ordersByWebsite.get(website.id) ?? [], activationDate, until);
    }
  }
  return draft;
}

function generateMoves(
  random: Random,
  credit: DraftCredit,
  orderIds: readonly string[],
  from: Date,
  until: Date,
): DatedMove[] {
  const count = random.weighted([
    [0, 25],
    [1, 25],
    [2, 20],
    [3, 15],
    [4, 10],
    [MAX_MOVES, 5],
  ]);
  const spendAll = random.chance(0.15);
  const dates = Array.from({ length: count }, () => random.dateBetween(from, until)).sort(
    (a, b) => a.getTime() - b.getTime(),
  );
  let balance = credit.initialCents;
  return dates.map((createdAt, index): DatedMove => {
    const orderId = orderIds.length > 0 ? random.pick(orderIds) : null;
    if (balance > 0 && ((spendAll && index === count - 1) || random.chance(0.7))) {
      const cents = spendAll && index === count - 1 ? balance : random.chance(0.25) ? balance : random.cents(1, balance);
      balance -= cents;
      return {
        type: "Debit",
        amount: formatCents(cents),
        action: "Used",
        orderId,
        comments: orderId ? `Used on order ${orderId}` : null,
        createdBy: CHECKOUT,
        createdAt,
      };
    }
    const cents = random.cents(100, 5_000);
    balance += cents;
    const action = random.weighted<BalanceAction>([
      ["Updated", 50],
      ["Refunded", 30],
      ["Reverted", 20],
    ]);
    const comments =
      action === "Updated" || !orderId
        ? "Balance adjusted by customer service"
        : action === "Refunded"
          ? `Refund for order ${orderId}`
          : `Order ${orderId} canceled`;
    return {
      type: "Credit",
      amount: formatCents(cents),
      action,
      orderId: action === "Updated" ? null : orderId,
      comments,
      createdBy: action === "Updated" ? credit.tenant.admin : REFUNDS,
      createdAt,
    };
  });
}

const minDate = (a: Date, b: Date): Date => (a < b ? a : b);

/** When the credit last changed so far: its last move, its activation, or its creation. */
export function lastActivity(credit: DraftCredit): Date {
  const lastMove = credit.moves[credit.moves.length - 1];
  if (lastMove) return lastMove.createdAt;
  return credit.activatedLater && credit.activationDate ? credit.activationDate : credit.createdAt;
}

export interface CreditRows {
  credits: Prisma.CreditCreateManyInput[];
  transactions: Prisma.CreditTransactionCreateManyInput[];
  auditEntries: Prisma.CreditAuditEntryCreateManyInput[];
}

/**
 * Turns finished drafts into rows: the ledger (opening row + moves, each with the balance after it),
 * currentBalance = the last balanceAfter, and an audit trail in time order
 * (Created, Activated, one Transaction per move, Updated, Deleted).
 */
export function creditRows(
  random: Random,
  drafts: readonly DraftCredit[],
  anchor: Date,
  ids: { transaction: IdSequence; audit: IdSequence },
): CreditRows {
  const rows: CreditRows = { credits: [], transactions: [], auditEntries: [] };
  for (const draft of drafts) {
    const tenantId = draft.tenant.id;
    const ledger = buildLedger(formatCents(draft.initialCents), draft.moves, {
      createdAt: draft.createdAt,
      createdBy: draft.createdBy,
    });
    for (const row of ledger.rows) {
      rows.transactions.push({ id: ids.transaction.take(), tenantId, creditId: draft.id, ...row });
    }
    const opening = `${formatCents(draft.initialCents)} ${draft.website.currency}`;
    const audit: Omit<Prisma.CreditAuditEntryCreateManyInput, "id" | "tenantId" | "creditId">[] = [
      {
        activityType: "Created",
        details: `Created ${draft.creditType} ${draft.code} with initial balance ${opening}`,
        createdBy: draft.createdBy,
        createdAt: draft.createdAt,
      },
    ];
    if (draft.activatedLater && draft.activationDate) {
      audit.push({
        activityType: "Activated",
        details: "Activated",
        createdBy: draft.tenant.admin,
        createdAt: draft.activationDate,
      });
    }
    for (const row of ledger.moves) {
      audit.push({
        activityType: "Transaction",
        details: `${row.transactionType} ${row.impactAmount}; balance ${row.balanceAfter}`,
        createdBy: row.createdBy,
        createdAt: row.createdAt,
      });
    }
    let updatedAt = lastActivity(draft);
    let updatedBy = ledger.moves[ledger.moves.length - 1]?.createdBy ?? draft.createdBy;
    let expirationDate = draft.expirationDate;
    if (draft.edited) {
      updatedAt = random.dateBetween(updatedAt, anchor);
      updatedBy = draft.tenant.admin;
      const previous = expirationDate;
      expirationDate = addDays(expirationDate ?? updatedAt, 365);
      audit.push({
        activityType: "Updated",
        details: `expirationDate: ${previous?.toISOString() ?? "none"} → ${expirationDate.toISOString()}`,
        createdBy: updatedBy,
        createdAt: updatedAt,
      });
    }
    let deletedAt: Date | null = null;
    if (draft.deleted) {
      deletedAt = random.dateBetween(updatedAt, anchor);
      updatedAt = deletedAt;
      updatedBy = draft.tenant.admin;
      audit.push({ activityType: "Deleted", details: "Deleted", createdBy: updatedBy, createdAt: deletedAt });
    }
    for (const entry of audit) rows.auditEntries.push({ id: ids.audit.take(), tenantId, creditId: draft.id, ...entry });
    rows.credits.push({
      id: draft.id,
      tenantId,
      code: draft.code,
      codeKey: draft.code.toUpperCase(),
      creditType: draft.creditType,
      customCreditType: draft.customCreditType,
      currencyCode: draft.website.currency,
      initialBalance: formatCents(draft.initialCents),
      currentBalance: ledger.currentBalance,
      activationDate: draft.activationDate,
      expirationDate,
      customerId: draft.customerId,
      websiteRef: draft.websiteRef,
      deletedAt,
      createdBy: draft.createdBy,
      createdAt: draft.createdAt,
      updatedBy,
      updatedAt,
    });
  }
  return rows;
}
