import Type, { type Static, type TSchema } from "typebox";
import { idempotencyHeaders } from "../../http/idempotent-route.js";
import { collection, listQuery } from "../../http/list-schemas.js";
import { AMOUNT_PATTERN } from "../../money/index.js";
import { describeFields, FILTER_GRAMMAR, type FieldSpecMap } from "../../query/index.js";
import { MAX_FREE_JSON_BYTES, MAX_JSON_DEPTH } from "../../validation/json-limits.js";
import { ACTIVITY_TYPES, AUDIT_ENTRY_FIELDS, CREDIT_FIELDS, CREDIT_TYPES, TRANSACTION_FIELDS, TRANSACTION_TYPES } from "./fields.js";

// Nullable scalars are written as JSON Schema type arrays rather than anyOf unions: fast-json-stringify serializes
// `["string", "null"]` with a typeof check, while anyOf makes it validate every value against each branch.
type Scalar = "string" | "number" | "integer" | "boolean";
type ScalarValue<T extends Scalar> = T extends "string" ? string : T extends "boolean" ? boolean : number;

function nullable<T extends Scalar>(type: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<ScalarValue<T> | null>({ type: [type, "null"], ...options });
}

function stringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}

const DATE = "ISO-8601 in UTC, e.g. 2026-01-05T14:30:00.000Z";
// PostgreSQL text cannot hold NUL, so a NUL in a request is refused up front instead of failing in the database.
const NO_NUL = "^[^\\u0000]*$";
// customerId is a 32-bit integer column.
const MAX_INT32 = 2_147_483_647;
const MONEY = "A JSON number with at most 4 decimals.";

// The examples are rows of the demo data set (seeded on 2026-12-01: its dates are relative to the seeding day):
// customer 4's Canadian store credit, the one behind Magento's storecredit.balance example.
// test/integration/openapi-examples.test.ts checks them against a freshly seeded demo database.
const DEMO_ADMIN = "admin@greatwidgets.example";
const DEMO_CREDIT_CODE = "SC-RRMXXTEMAMVDXQET";

function auditExample(by: string, created: string, updated: string) {
  return { createBy: by, createDate: created, updateBy: by, updateDate: updated };
}

export const AuditInfo = Type.Object(
  {
    createBy: Type.Optional(nullable("string", { description: "Client id of the application, or `shopper:<customerId>`." })),
    createDate: Type.Optional(nullable("string", { format: "date-time", description: DATE })),
    updateBy: Type.Optional(nullable("string")),
    updateDate: Type.Optional(nullable("string", { format: "date-time" })),
  },
  {
    $id: "AuditInfo",
    description: "Who created and last changed the item, and when (Kibo's AdminUserAuditInfo).",
    examples: [auditExample(DEMO_ADMIN, "2026-08-03T00:00:00.000Z", "2026-09-02T00:00:00.000Z")],
  },
);

const creditExample = {
  code: DEMO_CREDIT_CODE,
  creditType: "StoreCredit",
  creditTypeId: 1,
  customCreditType: null,
  currencyCode: "CAD",
  initialBalance: 300,
  currentBalance: 274.5,
  activationDate: "2026-08-03T00:00:00.000Z",
  expirationDate: null,
  customerId: 4,
  auditInfo: auditExample(DEMO_ADMIN, "2026-08-03T00:00:00.000Z", "2026-09-02T00:00:00.000Z"),
};

// Every property is optional because responseFields may leave any of them out.
export const CustomerCredit = Type.Object(
  {
    code: Type.Optional(Type.String({ description: "Unique in the tenant, compared case-insensitively; read-only after create." })),
    creditType: Type.Optional(stringEnum(CREDIT_TYPES, { description: "Read-only after create." })),
    creditTypeId: Type.Optional(Type.Integer({ description: "Number twin of creditType: 1 StoreCredit, 2 GiftCard, 3 Custom." })),
    customCreditType: Type.Optional(nullable("string", { description: "Name of the custom type (Custom credits only)." })),
    currencyCode: Type.Optional(Type.String({ description: "ISO 4217; read-only after create." })),
    initialBalance: Type.Optional(Type.Number({ description: `${MONEY} Read-only after create.` })),
    currentBalance: Type.Optional(Type.Number({ description: `${MONEY} Changed only by transactions.` })),
    activationDate: Type.Optional(
      nullable("string", { format: "date-time", description: `${DATE}. Null: not active yet. Read-only once set.` }),
    ),
    expirationDate: Type.Optional(nullable("string", { format: "date-time", description: `${DATE}. Null: never expires.` })),
    customerId: Type.Optional(nullable("integer", { description: "The customer the credit belongs to." })),
    auditInfo: Type.Optional(Type.Ref("AuditInfo")),
  },
  {
    $id: "CustomerCredit",
    description: "A store credit, gift card or custom credit (Kibo CustomerCredit).",
    examples: [creditExample],
  },
);

// Every property is optional because responseFields may leave any of them out.
function pageOf($id: string, itemRef: string, description: string, example: unknown) {
  return collection({ $id, itemRef, description, example, counted: "Items", optional: true });
}

export const CreditCollection = pageOf("CreditCollection", "CustomerCredit", "A page of credits.", creditExample);

const transactionExample = {
  id: 2,
  transactionType: "Debit",
  impactAmount: -45.5,
  comments: null,
  orderId: null,
  data: null,
  auditInfo: auditExample("kibo-checkout", "2026-08-13T00:00:00.000Z", "2026-08-13T00:00:00.000Z"),
};

export const CreditTransaction = Type.Object(
  {
    id: Type.Optional(Type.Integer({ description: "The ledger row id." })),
    transactionType: Type.Optional(stringEnum(TRANSACTION_TYPES)),
    impactAmount: Type.Optional(Type.Number({ description: `${MONEY} Signed: negative for a Debit.` })),
    comments: Type.Optional(nullable("string")),
    orderId: Type.Optional(nullable("string")),
    data: Type.Optional(Type.Unknown({ description: "Free JSON stored with the transaction and returned as sent." })),
    auditInfo: Type.Optional(Type.Ref("AuditInfo")),
  },
  {
    $id: "CreditTransaction",
    description: "One entry of a credit's append-only ledger (Kibo CreditTransaction).",
    examples: [transactionExample],
  },
);

export const CreditTransactionCollection = pageOf(
  "CreditTransactionCollection",
  "CreditTransaction",
  "A page of a credit's transactions.",
  transactionExample,
);

const auditEntryExample = {
  activityType: "Created",
  activityTypeId: 1,
  details: `Created StoreCredit ${DEMO_CREDIT_CODE} with initial balance 300.00 CAD`,
  auditInfo: auditExample(DEMO_ADMIN, "2026-08-03T00:00:00.000Z", "2026-08-03T00:00:00.000Z"),
};

export const CreditAuditEntry = Type.Object(
  {
    activityType: Type.Optional(stringEnum(ACTIVITY_TYPES)),
    activityTypeId: Type.Optional(
      Type.Integer({ description: "Number twin of activityType: 1 Created, 2 Updated, 3 Deleted, 4 Activated, 5 Deactivated, 6 Transaction." }),
    ),
    details: Type.Optional(nullable("string")),
    auditInfo: Type.Optional(Type.Ref("AuditInfo")),
  },
  { $id: "CreditAuditEntry", description: "What happened to a credit, by whom and when.", examples: [auditEntryExample] },
);

export const CreditAuditEntryCollection = pageOf(
  "CreditAuditEntryCollection",
  "CreditAuditEntry",
  "A page of a credit's audit entries.",
  auditEntryExample,
);

/** Shared model schemas, registered by the route plugin so responses reference them as named components. */
export const MODEL_SCHEMAS: readonly TSchema[] = [
  AuditInfo,
  CustomerCredit,
  CreditCollection,
  CreditTransaction,
  CreditTransactionCollection,
  CreditAuditEntry,
  CreditAuditEntryCollection,
];

export type CustomerCreditJson = Static<typeof CustomerCredit>;
export type CreditTransactionJson = Static<typeof CreditTransaction>;
export type CreditAuditEntryJson = Static<typeof CreditAuditEntry>;
export type AuditInfoJson = Static<typeof AuditInfo>;

/** A response without a body (`send()` with no payload). */
export function EmptyBody(description: string) {
  return Type.Unsafe<void>({ type: "null", description });
}

// ---- request parts --------------------------------------------------------------------------------------------

export const CodeParams = Type.Object({
  code: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: "^[^\\u0000-\\u001f\\u007f]+$",
    description: "The credit's code, URL-encoded (`A%20B%2F1`); matched case-insensitively.",
    examples: [DEMO_CREDIT_CODE],
  }),
});

// responseFields' examples stay in its description: Swagger UI's "Try it out" pre-fills a parameter's first example,
// which would silently trim the first response a reader sees.
const RESPONSE_FIELDS = Type.String({
  maxLength: 2000,
  pattern: NO_NUL,
  description:
    "Properties to return, comma-separated, with parenthesised nesting; names match case-insensitively and unknown " +
    "names are ignored. Example: `items(code,currentBalance,auditInfo(createDate)),totalCount`.",
});

const USER_ID = Type.String({
  maxLength: 200,
  description: "Accepted for Kibo compatibility and ignored: audit entries always record the authenticated caller.",
});

export const ResponseFieldsQuery = Type.Object({ responseFields: Type.Optional(RESPONSE_FIELDS) });
export const UserIdQuery = Type.Object({ userId: Type.Optional(USER_ID), responseFields: Type.Optional(RESPONSE_FIELDS) });

/** The query string of a credits list, with the filter grammar and the resource's fields in its description. */
function creditsListQuery(fields: FieldSpecMap, examples: { filter: string[]; sortBy: string[] }) {
  const described = describeFields(fields);
  return listQuery(
    {
      sortBy: {
        description:
          "`field [asc|desc]`, comma-separated; ascending by default. Ties are broken by creation order, so paging is stable.",
        fields: described,
        examples: examples.sortBy,
      },
      filter: { description: FILTER_GRAMMAR, fields: described, examples: examples.filter },
    },
    { trailing: { responseFields: Type.Optional(RESPONSE_FIELDS) } },
  );
}

export const CreditListQuery = creditsListQuery(CREDIT_FIELDS, {
  filter: [
    "currentBalance gt 10 and creditType eq GiftCard",
    "customerId eq 4",
    "code sw SC-RRMX",
    "(creditType eq StoreCredit or creditType eq Custom) and expirationDate lt 2027-01-01",
    "expirationDate eq null",
  ],
  sortBy: ["currentBalance desc", "expirationDate asc, code"],
});

export const TransactionListQuery = creditsListQuery(TRANSACTION_FIELDS, {
  filter: ["transactionType eq Debit", "impactAmount lt -10", "orderId eq 100000744", "createDate ge 2026-01-01"],
  sortBy: ["createDate desc", "impactAmount"],
});

export const AuditEntryListQuery = creditsListQuery(AUDIT_ENTRY_FIELDS, {
  filter: ["activityType eq Transaction", "activityType in [Created, Deleted] and createDate ge 2026-01-01"],
  sortBy: ["createDate desc"],
});

export const IdempotencyHeaders = idempotencyHeaders(
  "Makes a retry safe: the first response to a key is stored, and a retry with the same key and request " +
    "returns it (with `Idempotent-Replayed: true`) instead of applying the change again. The same key with a different " +
    "request is a 409. Keys belong to the caller that sent them.",
);

// Request amounts are not coerced: `true`, `[5]`, `"0x10"` or `"1e2"` are refused, not read as 1, 5, 16 or 100.
const AMOUNT_INPUT =
  "A JSON number or a plain decimal string (`12.50`: digits, an optional sign and point; no exponent, no spaces).";
const NEW_MONEY =
  "In whole minor units of the credit's currency (ISO 4217: 2 decimals for CAD, 0 for JPY, 3 for KWD): `1.234` CAD " +
  "is refused with a 400. Stored with 4 decimals.";

const amountInput = (description: string) =>
  Type.Unsafe<number | string>({ type: ["number", "string"], pattern: AMOUNT_PATTERN, description: `${description} ${AMOUNT_INPUT}` });
const nullableAmountInput = (description: string) =>
  Type.Unsafe<number | string | null>({
    type: ["number", "string", "null"],
    pattern: AMOUNT_PATTERN,
    description: `${description} ${AMOUNT_INPUT}`,
  });
const dateInput = (description: string) =>
  nullable("string", { description: `${description} ISO-8601 with Z or an offset, or a date (midnight UTC).` });

// Kibo clients PUT back the object they read, so every response property is accepted in a request; those that
// are read-only must then equal the stored value. Unknown properties are ignored, as Kibo does.
const creditInputProperties = {
  code: Type.Optional(
    nullable("string", {
      minLength: 1,
      maxLength: 100,
      description: "Omit (or null) to have an unguessable code generated, e.g. `GC-7KQ2M9XH4TRB3NWD`.",
    }),
  ),
  creditTypeId: Type.Optional(nullable("integer", { minimum: 1, maximum: 3, description: "Must agree with creditType." })),
  customCreditType: Type.Optional(
    nullable("string", { maxLength: 100, pattern: NO_NUL, description: "Required when creditType is Custom." }),
  ),
  currencyCode: Type.Optional(
    nullable("string", {
      pattern: "^[A-Za-z]{3}$",
      description: "ISO 4217. Defaults to the base currency of the site in `x-vol-site`; required without one.",
    }),
  ),
  initialBalance: Type.Optional(nullableAmountInput("Read-only: if sent it must equal the stored value.")),
  currentBalance: Type.Optional(
    nullableAmountInput("Read-only: if sent it must equal initialBalance (create) or the stored balance (update)."),
  ),
  activationDate: Type.Optional(
    dateInput("When the credit becomes usable. On create: omitted means now, null creates it inactive; read-only once set."),
  ),
  expirationDate: Type.Optional(dateInput("When the credit stops being usable; null: never.")),
  customerId: Type.Optional(
    nullable("integer", { minimum: 0, maximum: MAX_INT32, description: "An existing customer of the tenant." }),
  ),
  auditInfo: Type.Optional(Type.Unknown({ description: "Ignored: Tally records who changed the credit and when." })),
};

export const NewCreditBody = Type.Object(
  {
    ...creditInputProperties,
    creditType: stringEnum(CREDIT_TYPES, { description: "StoreCredit, GiftCard or Custom." }),
    initialBalance: Type.Optional(amountInput(`Not negative; omitted: 0. ${NEW_MONEY}`)),
  },
  {
    description: "The credit to create. `creditType` is required; `currentBalance` starts at `initialBalance`.",
    examples: [{ creditType: "GiftCard", currencyCode: "CAD", initialBalance: 50, customerId: 4, expirationDate: "2027-12-01T00:00:00Z" }],
  },
);

export const CreditUpdateBody = Type.Object(
  { ...creditInputProperties, creditType: Type.Optional(nullable("string", { description: "Read-only." })) },
  {
    description:
      "Mutable: expirationDate, customerId, customCreditType, and activationDate while it is not set. Read-only " +
      "properties may be sent back unchanged; a different value is a 400. Omitted properties keep their value.",
    examples: [{ expirationDate: "2027-06-30T00:00:00Z", customerId: 4 }],
  },
);

export const NewTransactionBody = Type.Object(
  {
    transactionType: stringEnum(TRANSACTION_TYPES, { description: "Credit adds to the balance, Debit subtracts." }),
    impactAmount: amountInput(
      "Size of the change. A Debit may be sent positive or negative (either way it lowers the balance); a Credit must " +
        `be positive. ${NEW_MONEY}`,
    ),
    currencyCode: Type.Optional(
      nullable("string", { pattern: "^[A-Za-z]{3}$", description: "If sent, must be the credit's currency (409 otherwise)." }),
    ),
    comments: Type.Optional(nullable("string", { maxLength: 1000, pattern: NO_NUL })),
    orderId: Type.Optional(nullable("string", { maxLength: 100, pattern: NO_NUL })),
    data: Type.Optional(
      Type.Unknown({
        description:
          `Free JSON, stored and returned as sent: at most ${MAX_JSON_DEPTH} levels deep and ${MAX_FREE_JSON_BYTES} ` +
          "bytes as JSON text, with strings of valid Unicode (no lone UTF-16 surrogates such as `\\ud800`, no NUL) and " +
          "finite numbers (`1e309` is refused, not stored as null). Anything else is a 400 naming the value.",
      }),
    ),
    id: Type.Optional(Type.Unknown({ description: "Ignored: Tally assigns the id." })),
    auditInfo: Type.Optional(Type.Unknown({ description: "Ignored." })),
  },
  {
    description: "A balance change.",
    examples: [{ transactionType: "Debit", impactAmount: 12.5, orderId: "100000744", comments: "Order 100000744" }],
  },
);

export type NewCreditInput = Static<typeof NewCreditBody>;
export type CreditUpdateInput = Static<typeof CreditUpdateBody>;
export type NewTransactionInput = Static<typeof NewTransactionBody>;
