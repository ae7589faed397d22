import { kiboAmountFromText } from "../../money/index.js";
import type { SqlTable } from "../../query/index.js";
import { CREDIT_FIELDS } from "./fields.js";
import type { CustomerCreditJson } from "./schemas.js";
import { creditTypeId } from "./serialize.js";

/**
 * The credits list as SQL (the filter language's SQL target): the hot list of the Kibo face reads its page and count
 * without Prisma's request building and row mapping, and PostgreSQL formats what it returns (amounts as text, dates
 * as ISO-8601 UTC), so a row becomes a CustomerCredit without a Date or Decimal in between.
 */

/** As JavaScript's toISOString writes a date, in UTC whatever the session's time zone. */
const iso = (column: string, alias: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${alias}"`;

export const CREDIT_TABLE: SqlTable = {
  name: "credits",
  tenantColumn: "tenantId",
  select: [
    "code",
    `credit_type::text AS "creditType"`,
    `custom_credit_type AS "customCreditType"`,
    `currency_code AS "currencyCode"`,
    `initial_balance::text AS "initialBalance"`,
    `current_balance::text AS "currentBalance"`,
    iso("activation_date", "activationDate"),
    iso("expiration_date", "expirationDate"),
    `customer_id AS "customerId"`,
    `created_by AS "createdBy"`,
    iso("created_at", "createdAt"),
    `updated_by AS "updatedBy"`,
    iso("updated_at", "updatedAt"),
  ].join(", "),
  fields: CREDIT_FIELDS,
  columns: {
    tenantId: "tenant_id",
    deletedAt: "deleted_at",
    id: "id",
    codeKey: "code_key",
    creditType: "credit_type",
    customCreditType: "custom_credit_type",
    currencyCode: "currency_code",
    initialBalance: "initial_balance",
    currentBalance: "current_balance",
    activationDate: "activation_date",
    expirationDate: "expiration_date",
    customerId: "customer_id",
    createdAt: "created_at",
    updatedAt: "updated_at",
  },
};

/** A credits row as CREDIT_TABLE's select list reads it. */
export interface CreditRow {
  code: string;
  creditType: "StoreCredit" | "GiftCard" | "Custom";
  customCreditType: string | null;
  currencyCode: string;
  initialBalance: string;
  currentBalance: string;
  activationDate: string | null;
  expirationDate: string | null;
  customerId: number | null;
  createdBy: string | null;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string;
}

/** A CreditRow as Kibo's CustomerCredit: what serializeCredit gives for the same credit. */
export function serializeCreditRow(row: CreditRow): CustomerCreditJson {
  return {
    code: row.code,
    creditType: row.creditType,
    creditTypeId: creditTypeId(row.creditType),
    customCreditType: row.customCreditType,
    currencyCode: row.currencyCode,
    initialBalance: kiboAmountFromText(row.initialBalance),
    currentBalance: kiboAmountFromText(row.currentBalance),
    activationDate: row.activationDate,
    expirationDate: row.expirationDate,
    customerId: row.customerId,
    auditInfo: {
      createBy: row.createdBy,
      createDate: row.createdAt,
      updateBy: row.updatedBy ?? row.createdBy,
      updateDate: row.updatedAt,
    },
  };
}
