import { actorName, type Caller, type ShopperCaller } from "../../auth/caller.js";
import type { TenantDb } from "../../db/tenant-scope.js";
import { Errors } from "../../errors.js";
import type { Credit, CreditAuditEntry, CreditTransaction, Prisma } from "../../generated/prisma/client.js";
import { isUniqueViolation, TRANSACTION_OPTIONS, type TenantTx } from "../../db/transactions.js";
import type { LedgerWrite } from "../../ledger/writes.js";
import { AmountError, type Decimal, parseAmount, toDecimal, toKiboAmount } from "../../money/index.js";
import { toDate } from "../../query/filter/coerce.js";
import { compileFilter, parseFilter, parseSortBy, resolvePaging, type FieldSpecMap, type PagingInput } from "../../query/index.js";
import { generateCreditCode } from "../../ledger/codes.js";
import { isActiveCurrency } from "./currencies.js";
import { AUDIT_ENTRY_FIELDS, checkFilterRanges, CREDIT_FIELDS, TRANSACTION_FIELDS, type CreditTypeName } from "./fields.js";
import type { CreditUpdateInput, NewCreditInput, NewTransactionInput } from "./schemas.js";
import { CREDIT_VIEW, creditTypeId, type CreditView } from "./serialize.js";

/** The list parameters every collection endpoint takes. */
export interface ListInput extends PagingInput {
  sortBy?: string | undefined;
  filter?: string | undefined;
}

/** One page of rows plus what the collection envelope needs. */
export interface Page<T> {
  startIndex: number;
  pageSize: number;
  totalCount: number;
  items: T[];
}

// ---- reads ------------------------------------------------------------------------------------------------------

/** Lists the tenant's live credits; a shopper sees only their own, whatever the filter says. */
export async function listCredits(db: TenantDb, caller: Caller, input: ListInput): Promise<Page<CreditView>> {
  const query = listQuery(input, CREDIT_FIELDS);
  const where = { AND: [{ deletedAt: null, ...ownedBy(caller) }, ...query.filters] } as Prisma.CreditWhereInput;
  return readPage(
    query,
    (args) => db.credit.findMany({ where, select: CREDIT_VIEW, ...args }),
    () => db.credit.count({ where }),
  );
}

/** The live credit with this code (case-insensitive), as the caller may see it; 404 otherwise. */
export async function getCredit(db: TenantDb | TenantTx, caller: Caller, code: string): Promise<Credit> {
  const credit = await db.credit.findFirst({ where: { codeKey: code.toUpperCase(), deletedAt: null, ...ownedBy(caller) } });
  if (!credit) throw creditNotFound(code);
  return credit;
}

/** Lists a credit's ledger rows (the opening balance is the first Credit row). */
export async function listTransactions(
  db: TenantDb,
  caller: Caller,
  code: string,
  input: ListInput,
): Promise<Page<CreditTransaction>> {
  const query = listQuery(input, TRANSACTION_FIELDS);
  const credit = await getCredit(db, caller, code);
  const where = { AND: [{ creditId: credit.id }, ...query.filters] } as Prisma.CreditTransactionWhereInput;
  return readPage(query, (args) => db.creditTransaction.findMany({ where, ...args }), () => db.creditTransaction.count({ where }));
}

/** Lists a credit's audit trail. */
export async function listAuditEntries(
  db: TenantDb,
  caller: Caller,
  code: string,
  input: ListInput,
): Promise<Page<CreditAuditEntry>> {
  const query = listQuery(input, AUDIT_ENTRY_FIELDS);
  const credit = await getCredit(db, caller, code);
  const where = { AND: [{ creditId: credit.id }, ...query.filters] } as Prisma.CreditAuditEntryWhereInput;
  return readPage(query, (args) => db.creditAuditEntry.findMany({ where, ...args }), () => db.creditAuditEntry.count({ where }));
}

interface ListQuery {
  filters: Record<string, unknown>[];
  orderBy: Record<string, unknown>[];
  skip: number;
  take: number;
  startIndex: number;
  pageSize: number;
}

/** Validates paging, sortBy and filter before any query runs, so a bad parameter costs no database work. */
function listQuery(input: ListInput, fields: FieldSpecMap): ListQuery {
  const paging = resolvePaging(input);
  const orderBy = parseSortBy(input.sortBy, fields, { column: "id" });
  const ast = input.filter === undefined || input.filter.trim() === "" ? undefined : parseFilter(input.filter);
  if (ast) checkFilterRanges(ast, fields);
  return { ...paging, orderBy, filters: ast ? [compileFilter(ast, fields)] : [] };
}

/**
 * Reads one page, then counts only when the page cannot tell the total: a short page at a reachable offset already
 * says how many rows match, which saves the count query for most lookups by customer or code.
 */
async function readPage<T>(
  query: ListQuery,
  find: (args: { orderBy: never; skip: number; take: number }) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Page<T>> {
  const items = await find({ orderBy: query.orderBy as never, skip: query.skip, take: query.take });
  const complete = items.length < query.take && (items.length > 0 || query.skip === 0);
  const totalCount = complete ? query.skip + items.length : await count();
  return { startIndex: query.startIndex, pageSize: query.pageSize, totalCount, items };
}

/** Shoppers are confined to their own credits; this is ANDed with whatever filter they send. */
function ownedBy(caller: Caller): { customerId?: number } {
  return caller.kind === "shopper" ? { customerId: caller.customerId } : {};
}

// ---- create -----------------------------------------------------------------------------------------------------

/**
 * Creates a credit inside `tx` (the idempotency transaction): the credit, its opening ledger row when the initial
 * balance is positive (noted in `written`), and a Created audit entry.
 */
export async function addCredit(
  tx: TenantTx,
  caller: Caller,
  input: NewCreditInput,
  now: Date,
  written: LedgerWrite[],
): Promise<Credit> {
  const creditType = input.creditType;
  if (input.creditTypeId !== undefined && input.creditTypeId !== null && input.creditTypeId !== creditTypeId(creditType)) {
    throw invalid("creditTypeId", `creditTypeId ${input.creditTypeId} does not match creditType ${creditType} (${creditTypeId(creditType)}).`);
  }
  const customCreditType = checkCustomType(creditType, input.customCreditType ?? null);
  const initialBalance = reportable("initialBalance", readAmount("initialBalance", input.initialBalance ?? 0));
  if (initialBalance.isNegative()) throw invalid("initialBalance", "initialBalance must not be negative.");
  if (input.currentBalance !== undefined && input.currentBalance !== null) {
    if (!readAmount("currentBalance", input.currentBalance).equals(initialBalance)) {
      throw invalid("currentBalance", "currentBalance is read-only: a new credit's balance is its initialBalance.");
    }
  }
  // Omitted: usable at once, as credits issued by a clerk are. An explicit null creates the credit inactive.
  const activationDate = input.activationDate === undefined ? now : readDate("activationDate", input.activationDate);
  const expirationDate = readDate("expirationDate", input.expirationDate);
  const currencyCode = await resolveCurrency(tx, caller, input.currencyCode ?? null);
  const customerId = input.customerId ?? null;
  if (customerId !== null) await requireCustomer(tx, customerId);
  const code = input.code === undefined || input.code === null ? await unusedCode(tx, creditType) : await freeCode(tx, input.code);

  const actor = actorName(caller);
  const tenantId = caller.tenantId;
  const amount = initialBalance.toFixed();
  let credit: Credit;
  try {
    credit = await tx.credit.create({
      data: {
        tenantId,
        code,
        codeKey: code.toUpperCase(),
        creditType,
        customCreditType,
        currencyCode,
        initialBalance: amount,
        currentBalance: amount,
        activationDate,
        expirationDate,
        customerId,
        createdBy: actor,
        createdAt: now,
        updatedBy: actor,
        updatedAt: now,
        transactions: initialBalance.isZero()
          ? {}
          : {
              create: {
                tenantId,
                transactionType: "Credit",
                impactAmount: amount,
                balanceAfter: amount,
                action: "Created",
                comments: "Initial balance",
                createdBy: actor,
                createdAt: now,
              },
            },
        auditEntries: {
          create: {
            tenantId,
            activityType: "Created",
            details: `Created ${creditType} ${code} with initial balance ${money(initialBalance)} ${currencyCode}`,
            createdBy: actor,
            createdAt: now,
          },
        },
      },
    });
  } catch (error) {
    // Two creates of one code raced past the check above; the unique index decided.
    if (isUniqueViolation(error)) throw duplicateCode(code);
    throw error;
  }
  if (!initialBalance.isZero()) written.push({ type: "Credit", action: "Created" });
  return credit;
}

async function unusedCode(tx: TenantTx, creditType: CreditTypeName): Promise<string> {
  // A collision among 2^79 codes is not expected; the loop only makes it harmless.
  for (;;) {
    const code = generateCreditCode(creditType);
    if (!(await tx.credit.findFirst({ where: { codeKey: code }, select: { id: true } }))) return code;
  }
}

/**
 * A client-chosen code, checked and not yet used in the tenant (deleted credits' codes stay taken). Codes are
 * printable ASCII: they travel in URLs and on printed cards, and codeKey must equal PostgreSQL's upper(code), which
 * only ASCII guarantees matches JavaScript's toUpperCase.
 */
async function freeCode(tx: TenantTx, code: string): Promise<string> {
  if (!/^[\x20-\x7E]+$/.test(code) || code.trim() !== code) {
    throw invalid("code", "code may contain only printable ASCII characters and must not start or end with a space.");
  }
  if (await tx.credit.findFirst({ where: { codeKey: code.toUpperCase() }, select: { id: true } })) throw duplicateCode(code);
  return code;
}

function checkCustomType(creditType: string, customCreditType: string | null): string | null {
  const name = customCreditType?.trim() || null;
  if (creditType === "Custom" && name === null) {
    throw invalid("customCreditType", "customCreditType is required when creditType is Custom.");
  }
  if (creditType !== "Custom" && name !== null) {
    throw invalid("customCreditType", `customCreditType applies only to Custom credits, not ${creditType}.`);
  }
  return name;
}

async function resolveCurrency(tx: TenantTx, caller: Caller, requested: string | null): Promise<string> {
  if (requested !== null) {
    const code = requested.toUpperCase();
    if (!isActiveCurrency(code)) throw invalid("currencyCode", `currencyCode '${requested}' is not an active ISO 4217 currency code.`);
    return code;
  }
  const website =
    caller.websiteRef === undefined
      ? null
      : await tx.website.findFirst({ where: { id: caller.websiteRef }, select: { baseCurrencyCode: true } });
  if (!website) throw invalid("currencyCode", "currencyCode is required unless the request selects a site with x-vol-site.");
  return website.baseCurrencyCode;
}

async function requireCustomer(tx: TenantTx, customerId: number): Promise<void> {
  const customer = await tx.customer.findFirst({ where: { customerId }, select: { id: true } });
  if (!customer) throw invalid("customerId", `customerId ${customerId} is not a customer of this tenant.`);
}

// ---- update, delete, associate, resend --------------------------------------------------------------------------

/**
 * Applies the mutable properties of a Kibo CustomerCredit (expirationDate, customerId, customCreditType, and
 * activationDate while unset). Read-only properties may be sent back unchanged; a different value is a 400 naming it.
 */
export function updateCredit(db: TenantDb, caller: Caller, code: string, input: CreditUpdateInput, now: Date): Promise<Credit> {
  return db.$transaction(async (tx) => {
    const credit = await lockLiveCredit(tx, caller, code);
    checkReadOnly(credit, input);
    const changes: Prisma.CreditUncheckedUpdateInput = {};
    const described: string[] = [];
    const audit: { activityType: "Activated" | "Deactivated"; details: string }[] = [];

    if (input.activationDate !== undefined && credit.activationDate === null) {
      const activationDate = readDate("activationDate", input.activationDate);
      if (activationDate !== null) {
        changes.activationDate = activationDate;
        described.push(`activationDate: null → ${activationDate.toISOString()}`);
        audit.push({ activityType: "Activated", details: `Activated as of ${activationDate.toISOString()}` });
      }
    }
    if (input.expirationDate !== undefined) {
      const expirationDate = readDate("expirationDate", input.expirationDate);
      if (expirationDate?.getTime() !== credit.expirationDate?.getTime()) {
        changes.expirationDate = expirationDate;
        described.push(`expirationDate: ${isoOrNull(credit.expirationDate)} → ${isoOrNull(expirationDate)}`);
        if (expirationDate !== null && expirationDate <= now && !isExpired(credit, now)) {
          audit.push({ activityType: "Deactivated", details: `Expired as of ${expirationDate.toISOString()}` });
        }
      }
    }
    if (input.customerId !== undefined && input.customerId !== credit.customerId) {
      if (input.customerId !== null) await requireCustomer(tx, input.customerId);
      changes.customerId = input.customerId;
      described.push(`customerId: ${credit.customerId ?? "null"} → ${input.customerId ?? "null"}`);
    }
    if (input.customCreditType !== undefined) {
      const customCreditType = checkCustomType(credit.creditType, input.customCreditType);
      if (customCreditType !== credit.customCreditType) {
        changes.customCreditType = customCreditType;
        described.push(`customCreditType: ${credit.customCreditType ?? "null"} → ${customCreditType ?? "null"}`);
      }
    }
    if (described.length === 0) return credit;

    const actor = actorName(caller);
    const entries = [{ activityType: "Updated" as const, details: described.join("; ") }, ...audit];
    return tx.credit.update({
      where: { id: credit.id },
      data: {
        ...changes,
        updatedBy: actor,
        updatedAt: now,
        auditEntries: {
          create: entries.map((entry) => ({ ...entry, tenantId: caller.tenantId, createdBy: actor, createdAt: now })),
        },
      },
    });
  }, TRANSACTION_OPTIONS);
}

/** Properties the update may carry only with their stored value. */
function checkReadOnly(credit: Credit, input: CreditUpdateInput): void {
  const given = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
  if (given(input.code) && input.code.toUpperCase() !== credit.codeKey) throw readOnly("code", credit.code);
  if (given(input.creditType) && input.creditType !== credit.creditType) throw readOnly("creditType", credit.creditType);
  if (given(input.creditTypeId) && input.creditTypeId !== creditTypeId(credit.creditType)) {
    throw readOnly("creditTypeId", String(creditTypeId(credit.creditType)));
  }
  if (given(input.currencyCode) && input.currencyCode.toUpperCase() !== credit.currencyCode) {
    throw readOnly("currencyCode", credit.currencyCode);
  }
  if (given(input.initialBalance) && !readAmount("initialBalance", input.initialBalance).equals(toDecimal(credit.initialBalance))) {
    throw readOnly("initialBalance", money(toDecimal(credit.initialBalance)));
  }
  if (given(input.currentBalance) && !readAmount("currentBalance", input.currentBalance).equals(toDecimal(credit.currentBalance))) {
    throw Errors.invalidParameter(
      `currentBalance is read-only: it is ${money(toDecimal(credit.currentBalance))} and changes only through transactions.`,
      { parameter: "currentBalance" },
    );
  }
  if (credit.activationDate !== null && input.activationDate !== undefined) {
    const sent = readDate("activationDate", input.activationDate);
    if (sent?.getTime() !== credit.activationDate.getTime()) {
      throw Errors.invalidParameter(
        `activationDate is read-only once set: the credit was activated on ${credit.activationDate.toISOString()}.`,
        { parameter: "activationDate" },
      );
    }
  }
}

/** Soft-deletes a credit whose balance is zero; its code stays reserved and its ledger and audit trail remain. */
export function deleteCredit(db: TenantDb, caller: Caller, code: string, now: Date): Promise<void> {
  return db.$transaction(async (tx) => {
    const credit = await lockLiveCredit(tx, caller, code);
    const balance = toDecimal(credit.currentBalance);
    if (!balance.isZero()) {
      throw Errors.conflict(
        `${label(credit)} ${credit.code} still has ${money(balance)} ${credit.currencyCode}; debit it to zero before deleting it.`,
        { code: credit.code },
      );
    }
    const actor = actorName(caller);
    await tx.credit.update({
      where: { id: credit.id },
      data: {
        deletedAt: now,
        updatedBy: actor,
        updatedAt: now,
        auditEntries: {
          create: { tenantId: caller.tenantId, activityType: "Deleted", details: `Deleted ${credit.code}`, createdBy: actor, createdAt: now },
        },
      },
    });
  }, TRANSACTION_OPTIONS);
}

/**
 * Binds an unowned credit to the calling shopper (the shopper redeems a gift card code). Already theirs: unchanged.
 * Another customer's: 409.
 */
export function associateCreditToShopper(db: TenantDb, caller: ShopperCaller, code: string, now: Date): Promise<Credit> {
  return db.$transaction(async (tx) => {
    const credit = await lockCredit(tx, caller.tenantId, code);
    if (!credit || credit.deletedAt !== null) throw creditNotFound(code);
    if (credit.customerId === caller.customerId) return credit;
    if (credit.customerId !== null) {
      throw Errors.conflict(`${label(credit)} ${credit.code} is already associated with another customer.`, { code: credit.code });
    }
    const customer = await tx.customer.findFirst({ where: { customerId: caller.customerId }, select: { id: true } });
    if (!customer) {
      throw Errors.conflict(`Customer ${caller.customerId} is not known to this tenant, so no credit can be associated with it.`);
    }
    const actor = actorName(caller);
    return tx.credit.update({
      where: { id: credit.id },
      data: {
        customerId: caller.customerId,
        updatedBy: actor,
        updatedAt: now,
        auditEntries: {
          create: {
            tenantId: caller.tenantId,
            activityType: "Updated",
            details: `customerId: null → ${caller.customerId} (associated to shopper)`,
            createdBy: actor,
            createdAt: now,
          },
        },
      },
    });
  }, TRANSACTION_OPTIONS);
}

/** Topic of the outbox message a mailer consumes to resend the credit-created email. */
export const RESEND_EMAIL_TOPIC = "credit.resend-email";

/** Queues the credit-created email for resending: an outbox row for the mailer; Tally itself sends nothing. */
export async function resendCreditCreatedEmail(db: TenantDb, caller: Caller, code: string, now: Date): Promise<void> {
  const credit = await getCredit(db, caller, code);
  const customer =
    credit.customerId === null
      ? null
      : await db.customer.findFirst({ where: { customerId: credit.customerId }, select: { email: true } });
  await db.notificationOutbox.create({
    data: {
      tenantId: caller.tenantId,
      topic: RESEND_EMAIL_TOPIC,
      entityId: credit.code,
      payload: {
        code: credit.code,
        creditType: credit.creditType,
        currencyCode: credit.currencyCode,
        currentBalance: toDecimal(credit.currentBalance).toFixed(),
        customerId: credit.customerId,
        email: customer?.email ?? null,
        requestedBy: actorName(caller),
      },
      createdAt: now,
    },
  });
}

// ---- transactions -----------------------------------------------------------------------------------------------

/**
 * Applies a Credit or Debit inside `tx` (the idempotency transaction). The credit row is locked first, so
 * concurrent debits queue on it: each sees the balance the previous one left, none overdraws, none is lost. The
 * ledger row (noted in `written`), the new balance and the audit entry commit together.
 */
export async function addTransaction(
  tx: TenantTx,
  caller: Caller,
  code: string,
  input: NewTransactionInput,
  now: Date,
  written: LedgerWrite[],
): Promise<CreditTransaction> {
  const size = reportable("impactAmount", readAmount("impactAmount", input.impactAmount));
  if (input.data !== undefined && JSON.stringify(input.data).includes("\\u0000")) {
    throw invalid("data", "data must not contain NUL characters.");
  }
  if (size.isZero()) throw invalid("impactAmount", "impactAmount must not be zero.");
  if (input.transactionType === "Credit" && size.isNegative()) {
    throw invalid("impactAmount", "A Credit must have a positive impactAmount; send a Debit to lower the balance.");
  }
  // Kibo's admin sends Debits signed, other clients unsigned: either way a Debit lowers the balance.
  const impact = input.transactionType === "Debit" ? size.abs().negated() : size;

  const credit = await lockCredit(tx, caller.tenantId, code);
  if (!credit) throw creditNotFound(code);
  const name = `${label(credit)} ${credit.code}`;
  const balance = toDecimal(credit.currentBalance);
  if (credit.deletedAt !== null) throw Errors.conflict(`${name} was deleted; no transactions can be added.`, { code: credit.code });
  const sentCurrency = input.currencyCode?.toUpperCase();
  if (sentCurrency !== undefined && sentCurrency !== credit.currencyCode) {
    throw Errors.conflict(`${name} is in ${credit.currencyCode}; a transaction in ${sentCurrency} cannot be applied to it.`, {
      code: credit.code,
    });
  }
  if (isExpired(credit, now)) {
    throw Errors.conflict(`${name} expired on ${credit.expirationDate?.toISOString()}; it can no longer be used.`, { code: credit.code });
  }
  if (impact.isNegative()) {
    if (credit.activationDate === null || credit.activationDate > now) {
      const when = credit.activationDate ? ` until ${credit.activationDate.toISOString()}` : " yet";
      throw Errors.conflict(`${name} is not active${when}; it cannot be debited.`, { code: credit.code });
    }
    if (balance.lessThan(impact.abs())) {
      throw Errors.conflict(
        `${name} has ${money(balance)} ${credit.currencyCode} left; cannot debit ${money(impact.abs())}.`,
        { code: credit.code, currentBalance: money(balance), requested: money(impact.abs()) },
      );
    }
  }

  const balanceAfter = reportable("impactAmount", balance.plus(impact));
  const actor = actorName(caller);
  await tx.credit.update({
    where: { id: credit.id },
    data: { currentBalance: balanceAfter.toFixed(), updatedBy: actor, updatedAt: now },
  });
  const row = await tx.creditTransaction.create({
    data: {
      tenantId: caller.tenantId,
      creditId: credit.id,
      transactionType: input.transactionType,
      impactAmount: impact.toFixed(),
      balanceAfter: balanceAfter.toFixed(),
      action: input.transactionType === "Debit" ? "Used" : "Updated",
      comments: input.comments ?? null,
      orderId: input.orderId ?? null,
      ...(input.data === undefined || input.data === null ? {} : { data: input.data as Prisma.InputJsonValue }),
      createdBy: actor,
      createdAt: now,
    },
  });
  written.push({ type: row.transactionType, action: row.action });
  const order = input.orderId ? `; order ${input.orderId}` : "";
  const currency = credit.currencyCode;
  await tx.creditAuditEntry.create({
    data: {
      tenantId: caller.tenantId,
      creditId: credit.id,
      activityType: "Transaction",
      details: `${input.transactionType} ${money(impact.abs())} ${currency}; balance ${money(balanceAfter)} ${currency}${order}`,
      createdBy: actor,
      createdAt: now,
    },
  });
  return row;
}

// ---- helpers ----------------------------------------------------------------------------------------------------

/**
 * Locks the credit row (deleted or not) for the rest of the transaction and reads it. Raw SQL bypasses the tenant
 * scope, so the tenant is part of the statement.
 */
async function lockCredit(tx: TenantTx, tenantId: number, code: string): Promise<Credit | null> {
  const locked = await tx.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM credits WHERE tenant_id = ${tenantId} AND code_key = ${code.toUpperCase()} FOR UPDATE`;
  const id = locked[0]?.id;
  return id === undefined ? null : tx.credit.findFirst({ where: { id } });
}

/** Locks a live credit the caller may see; 404 for a deleted or another shopper's credit. */
async function lockLiveCredit(tx: TenantTx, caller: Caller, code: string): Promise<Credit> {
  const credit = await lockCredit(tx, caller.tenantId, code);
  const visible = credit && credit.deletedAt === null && (caller.kind !== "shopper" || credit.customerId === caller.customerId);
  if (!credit || !visible) throw creditNotFound(code);
  return credit;
}

function isExpired(credit: Credit, now: Date): boolean {
  return credit.expirationDate !== null && credit.expirationDate <= now;
}

function readAmount(field: string, value: number | string): Decimal {
  try {
    return parseAmount(value);
  } catch (error) {
    if (error instanceof AmountError) throw invalid(field, `${field}: ${error.message}`);
    throw error;
  }
}

function readDate(field: string, value: string | null | undefined): Date | null {
  if (value === undefined || value === null) return null;
  const date = toDate(value.trim());
  if (!date || date.getUTCFullYear() < 1) {
    throw invalid(field, `${field} '${value}' is not a date: use ISO-8601 such as 2026-01-05 or 2026-01-05T14:30:00Z.`);
  }
  return date;
}

/** An amount (or a balance it leads to) must be one Tally can answer as an exact JSON number. */
function reportable(field: string, amount: Decimal): Decimal {
  try {
    toKiboAmount(amount);
    return amount;
  } catch (error) {
    if (error instanceof AmountError) throw invalid(field, `${field}: ${error.message}`);
    throw error;
  }
}

const isoOrNull = (date: Date | null): string => (date ? date.toISOString() : "null");

/** An amount as a clerk reads it: at least two decimals (12.50), all four when they matter (0.1234). */
function money(amount: Decimal): string {
  return amount.decimalPlaces() <= 2 ? amount.toFixed(2) : amount.toFixed();
}

function label(credit: Credit): string {
  if (credit.creditType === "GiftCard") return "Gift card";
  if (credit.creditType === "StoreCredit") return "Store credit";
  return credit.customCreditType ?? "Credit";
}

function invalid(parameter: string, message: string) {
  return Errors.invalidParameter(message, { parameter });
}

function readOnly(parameter: string, stored: string) {
  return Errors.invalidParameter(`${parameter} is read-only: it is ${stored}; send the same value or leave it out.`, { parameter });
}

function creditNotFound(code: string) {
  return Errors.notFound(`Credit ${code} was not found.`, { code });
}

function duplicateCode(code: string) {
  return Errors.alreadyExists(`A credit with code ${code} already exists (codes are compared case-insensitively).`, { code });
}
