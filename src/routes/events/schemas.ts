import Type, { type Static, type TSchema } from "typebox";
import { collection, listQuery } from "../../http/list-schemas.js";
import { describeFields, FILTER_GRAMMAR } from "../../query/index.js";
import { EVENT_FIELDS } from "./fields.js";

// Nullable scalars as JSON Schema type arrays: fast-json-stringify serializes them with a typeof check.
type Scalar = "string" | "integer" | "boolean";
type ScalarValue<T extends Scalar> = T extends "string" ? string : T extends "boolean" ? boolean : number;

export function nullable<T extends Scalar>(type: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<ScalarValue<T> | null>({ type: [type, "null"], ...options });
}

// PostgreSQL text cannot hold NUL, so a NUL in a request is refused up front instead of failing in the database.
export const NO_NUL = "^[^\\u0000]*$";
/** An id in the path: no control characters (PostgreSQL's text cannot hold NUL; no id has the others). */
export const ID_CHARACTERS = "^[^\\u0000-\\u001f\\u007f]+$";
const DATE = "ISO-8601 in UTC, e.g. 2026-12-01T09:30:00.000Z";

// What a debit of 12.50 through the REST API (with `x-vol-site: 41316`) writes for the demo credit of the other
// examples, customer 4's CAD store credit of tenant 26507; test/integration/openapi-examples.test.ts makes that debit
// on a freshly seeded demo database and compares, the event id, correlation id and times aside.
const DEMO_EVENT_ID = "5b0e3c1a-7d4f-4e8b-9a2c-6f1d8e3b4a70";
const DEMO_CREATED = "2026-12-01T09:30:00.000Z";

export const eventExample = {
  id: DEMO_EVENT_ID,
  topic: "credit.updated",
  entityId: "SC-RRMXXTEMAMVDXQET",
  correlationId: "9f2c4e1a7b3d4c5e8f6a1b2c3d4e5f60",
  tenantId: 26507,
  siteId: 41316,
  catalogId: null,
  masterCatalogId: null,
  isTest: false,
  extendedProperties: [
    { key: "changedProperties", value: "currentBalance" },
    { key: "transactionId", value: 52655 },
    { key: "transactionType", value: "Debit" },
    { key: "action", value: "Used" },
    { key: "impactAmount", value: "-12.5000" },
    { key: "orderId", value: null },
    { key: "creditType", value: "StoreCredit" },
    { key: "customCreditType", value: null },
    { key: "currencyCode", value: "CAD" },
    { key: "initialBalance", value: "300.0000" },
    { key: "currentBalance", value: "262.0000" },
    { key: "customerId", value: 4 },
    { key: "activationDate", value: "2026-08-03T00:00:00.000Z" },
    { key: "expirationDate", value: null },
  ],
  auditInfo: { createBy: null, createDate: DEMO_CREATED, updateBy: null, updateDate: DEMO_CREATED },
};

export const ExtendedProperty = Type.Object(
  {
    key: Type.String({ description: "What the value is, e.g. `currentBalance`." }),
    value: Type.Unknown({
      description: "A string, number, boolean or null: ids are numbers, amounts decimal strings with 4 decimals, dates ISO-8601.",
    }),
  },
  { description: "One of Kibo's event extended properties." },
);

// Every property is optional because responseFields may leave any of them out.
export const Event = Type.Object(
  {
    id: Type.Optional(Type.String({ description: "The event's id: a UUID, unique across Tally; `eventId` in push deliveries." })),
    topic: Type.Optional(
      Type.String({
        description:
          "What happened: Kibo's `credit.created`, `credit.updated`, `credit.deleted`, or one of Tally's own topics.",
      }),
    ),
    entityId: Type.Optional(Type.String({ description: "The entity that changed; for `credit.*` topics, the credit's code." })),
    correlationId: Type.Optional(
      nullable("string", { description: "The `x-vol-correlation` of the request that made the change." }),
    ),
    tenantId: Type.Optional(Type.Integer()),
    siteId: Type.Optional(nullable("integer", { description: "The Kibo site of the request (`x-vol-site`), when it named one." })),
    catalogId: Type.Optional(nullable("integer", { description: "Always null: Tally has no catalogs." })),
    masterCatalogId: Type.Optional(nullable("integer", { description: "Always null: Tally has no catalogs." })),
    isTest: Type.Optional(Type.Boolean()),
    extendedProperties: Type.Optional(
      Type.Array(ExtendedProperty, { description: "What a consumer needs to act without reading the entity back." }),
    ),
    auditInfo: Type.Optional(
      Type.Object(
        {
          createBy: Type.Optional(nullable("string", { description: "Always null: events record the change, not its author." })),
          createDate: Type.Optional(Type.String({ format: "date-time", description: `When the change committed. ${DATE}` })),
          updateBy: Type.Optional(nullable("string")),
          updateDate: Type.Optional(Type.String({ format: "date-time", description: "Equals createDate: events never change." })),
        },
        { description: "When the event was written (Kibo's AdminUserAuditInfo)." },
      ),
    ),
  },
  { $id: "Event", description: "A change, as Kibo's event pull API shows it (Kibo Event).", examples: [eventExample] },
);

export const EventCollection = collection({
  $id: "EventCollection",
  itemRef: "Event",
  description: "A page of events.",
  example: eventExample,
  counted: "Events",
  optional: true,
});

/** Shared model schemas, registered by the route plugin so responses reference them as named components. */
export const MODEL_SCHEMAS: readonly TSchema[] = [Event, EventCollection];

export type EventJson = Static<typeof Event>;
export type EventExtendedPropertyJson = Static<typeof ExtendedProperty>;

// ---- request parts --------------------------------------------------------------------------------------------

// responseFields' examples stay in its description: Swagger UI's "Try it out" pre-fills a parameter's first example,
// which would silently trim the first response a reader sees.
const RESPONSE_FIELDS = Type.String({
  maxLength: 2000,
  pattern: NO_NUL,
  description:
    "Properties to return, comma-separated, with parenthesised nesting; names match case-insensitively and unknown " +
    "names are ignored. Example: `items(id,topic,entityId,auditInfo(createDate)),totalCount`.",
});

export const EventIdParams = Type.Object({
  eventId: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: ID_CHARACTERS,
    description: "The event's id (a UUID, matched case-insensitively).",
    examples: [DEMO_EVENT_ID],
  }),
});

export const ResponseFieldsQuery = Type.Object({ responseFields: Type.Optional(RESPONSE_FIELDS) });

const described = describeFields(EVENT_FIELDS);
const sortable = describeFields(EVENT_FIELDS.filter((field) => field.sortable !== false));

export const EventListQuery = listQuery(
  {
    sortBy: {
      description:
        "`field [asc|desc]`, comma-separated; ascending by default. Without sortBy, oldest first. Ties are broken by " +
        "the order the events were written in, so paging is stable.",
      fields: sortable,
      examples: ["createDate desc", "topic, createDate"],
    },
    filter: {
      description: `${FILTER_GRAMMAR} \`id\` and \`eventId\` (the same UUID) take \`eq\`, \`ne\` and \`in\`.`,
      fields: described,
      examples: [
        "topic eq credit.updated and entityId eq SC-RRMXXTEMAMVDXQET",
        "topic in [credit.created, credit.deleted]",
        "createDate ge 2026-12-01T00:00:00Z",
        `id eq ${DEMO_EVENT_ID}`,
        "siteId eq 41316 and isTest eq false",
      ],
    },
  },
  { trailing: { responseFields: Type.Optional(RESPONSE_FIELDS) } },
);
