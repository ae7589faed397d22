import Type, { type Static, type TSchema } from "typebox";
import { EVENT_TOPICS } from "../../events/topics.js";
import { collection, listQuery } from "../../http/list-schemas.js";
import { describeFields, FILTER_GRAMMAR } from "../../query/index.js";
import { DELIVERY_FIELDS, DELIVERY_STATUSES, SUBSCRIPTION_FIELDS } from "./push-fields.js";
import { eventExample, ExtendedProperty, ID_CHARACTERS, NO_NUL, nullable } from "./schemas.js";

const DATE = "ISO-8601 in UTC, e.g. 2026-12-01T09:30:00.000Z";
const TOPICS = EVENT_TOPICS.map((topic) => `\`${topic}\``).join(", ");

// The demo's Kibo SDK application (src/examples) subscribing the ERP of the other examples' tenant, 26507; its
// delivery of the event example failed once with a 503 and was delivered on the retry.
const DEMO_SUBSCRIPTION_ID = "3f6c2a8e-1b7d-4c9e-8a5f-2d4b6e8c0a13";
const DEMO_PROCESS_ID = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";
const DEMO_APP = "KIBO_APP.1.0.0.Release";
const SUBSCRIBED = "2026-11-30T16:00:00.000Z";

const subscriptionExample = {
  id: DEMO_SUBSCRIPTION_ID,
  appId: DEMO_APP,
  endpoint: "https://erp.example.com/tally/events",
  topics: ["credit.created", "credit.updated", "credit.deleted"],
  isActive: true,
  contentType: "application/json",
  notificationDeliveryType: "Webhook",
  confirmed: true,
  noCallback: false,
  apiVersion: "1.0",
  subscribingTenants: [{ tenantId: 26507, subscribingContextLevelType: "Tenant" }],
  createBy: DEMO_APP,
  createDate: SUBSCRIBED,
  updateBy: DEMO_APP,
  updateDate: SUBSCRIBED,
};

const deliveryExample = {
  id: DEMO_PROCESS_ID,
  subscriptionId: DEMO_SUBSCRIPTION_ID,
  eventSummary: {
    eventId: eventExample.id,
    topic: eventExample.topic,
    entityId: eventExample.entityId,
    correlationId: eventExample.correlationId,
    createDate: eventExample.auditInfo.createDate,
    tenantId: eventExample.tenantId,
    siteId: eventExample.siteId,
    catalogId: null,
    masterCatalogId: null,
    extendedProperties: eventExample.extendedProperties,
  },
  deliveryStatus: "Succeeded",
  isRunning: false,
  retriesRemaining: 0,
  lastExecutionDate: "2026-12-01T09:30:02.214Z",
  nextExecutionDate: null,
  createDate: eventExample.auditInfo.createDate,
  updateDate: "2026-12-01T09:30:02.214Z",
  deliveryAttempts: [
    {
      executionDate: "2026-12-01T09:30:00.031Z",
      deliveryStatus: "Failed",
      errorType: "HttpStatus",
      message: "HTTP 503: upstream busy, try again later",
      httpStatus: { code: 503, name: "Service Unavailable" },
    },
    {
      executionDate: "2026-12-01T09:30:02.214Z",
      deliveryStatus: "Succeeded",
      errorType: null,
      message: null,
      httpStatus: { code: 200, name: "OK" },
    },
  ],
};

// ---- models ---------------------------------------------------------------------------------------------------

// Every property is optional because responseFields may leave any of them out.
export const EventSubscription = Type.Object(
  {
    id: Type.Optional(Type.String({ description: "The subscription's id: a UUID." })),
    appId: Type.Optional(Type.String({ description: "The client id of the application the subscription belongs to." })),
    endpoint: Type.Optional(Type.String({ description: "Where deliveries are posted." })),
    topics: Type.Optional(Type.Array(Type.String(), { description: `The topics delivered, of ${TOPICS}.` })),
    isActive: Type.Optional(
      Type.Boolean({ description: "Whether it is delivered to; an inactive one queues nothing new and holds what was queued." }),
    ),
    contentType: Type.Optional(Type.String({ description: "Always `application/json`." })),
    notificationDeliveryType: Type.Optional(Type.String({ description: "Always `Webhook`: an HTTP POST to the endpoint." })),
    confirmed: Type.Optional(
      Type.Boolean({ description: "Always true: the endpoint was checked (https, a public address) when it was set." }),
    ),
    noCallback: Type.Optional(
      Type.Boolean({ description: "Always false: changes the application made itself are delivered to it too." }),
    ),
    apiVersion: Type.Optional(Type.String({ description: "The version of the delivery body: `1.0`." })),
    subscribingTenants: Type.Optional(
      Type.Array(
        Type.Object({
          tenantId: Type.Optional(Type.Integer()),
          subscribingContextLevelType: Type.Optional(
            Type.String({ description: "Always `Tenant`: every site's events of the tenant are delivered." }),
          ),
        }),
        { description: "The caller's tenant: a subscription covers its own tenant only." },
      ),
    ),
    createBy: Type.Optional(nullable("string", { description: "The client id that created it." })),
    createDate: Type.Optional(Type.String({ format: "date-time", description: DATE })),
    updateBy: Type.Optional(nullable("string", { description: "The client id that changed it last." })),
    updateDate: Type.Optional(Type.String({ format: "date-time", description: DATE })),
  },
  {
    $id: "EventSubscription",
    description: "A push subscription of the calling application, as Kibo's EventSubscriptionApi shows one.",
    examples: [subscriptionExample],
  },
);

export const EventSubscriptionCollection = collection({
  $id: "EventSubscriptionCollection",
  itemRef: "EventSubscription",
  description: "A page of the calling application's subscriptions.",
  example: subscriptionExample,
  counted: "Subscriptions",
  optional: true,
});

const DeliveryAttempt = Type.Object(
  {
    executionDate: Type.Optional(Type.String({ format: "date-time", description: `When the POST was sent. ${DATE}` })),
    deliveryStatus: Type.Optional(Type.String({ description: "`Succeeded` or `Failed`." })),
    errorType: Type.Optional(
      nullable("string", {
        description:
          "Why it failed: `HttpStatus` (not a 2xx), `Timeout`, `Network`, `Refused` (the endpoint's address is not " +
          "allowed), `WorkerLost` (the worker sending it stopped); null when it succeeded.",
      }),
    ),
    message: Type.Optional(nullable("string", { description: "What happened, for a person." })),
    httpStatus: Type.Optional(
      Type.Union(
        [
          Type.Object({
            code: Type.Optional(Type.Integer({ description: "The status the endpoint answered." })),
            name: Type.Optional(nullable("string", { description: "Its reason phrase." })),
          }),
          Type.Null(),
        ],
        { description: "The endpoint's answer; null when there was none (timeout, network error, refused)." },
      ),
    ),
  },
  { description: "One POST of the event to the endpoint (Kibo's EventDeliveryAttempt)." },
);

const EventSummary = Type.Object(
  {
    eventId: Type.Optional(Type.String({ description: "The event's id, as `GET /api/event/pull/{eventId}` reads it." })),
    topic: Type.Optional(Type.String()),
    entityId: Type.Optional(Type.String()),
    correlationId: Type.Optional(nullable("string")),
    createDate: Type.Optional(Type.String({ format: "date-time", description: DATE })),
    tenantId: Type.Optional(Type.Integer()),
    siteId: Type.Optional(nullable("integer")),
    catalogId: Type.Optional(nullable("integer", { description: "Always null: Tally has no catalogs." })),
    masterCatalogId: Type.Optional(nullable("integer", { description: "Always null: Tally has no catalogs." })),
    extendedProperties: Type.Optional(Type.Array(ExtendedProperty)),
  },
  { description: "The event delivered (Kibo's EventSummary)." },
);

export const EventDeliverySummary = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        description:
          "The delivery's process id: a UUID (Kibo's SDK declares a number; it sends what it was given back in the path).",
      }),
    ),
    subscriptionId: Type.Optional(
      Type.String({ description: "Tally's addition: the subscription it is delivered to, for the routes that name both." }),
    ),
    eventSummary: Type.Optional(EventSummary),
    deliveryStatus: Type.Optional(
      // Typed as the column (text) is; the enum documents the values the delivery worker writes.
      Type.Unsafe<string>({
        type: "string",
        enum: [...DELIVERY_STATUSES],
        description: "`Pending` (queued or being retried), `Succeeded` (an attempt got a 2xx) or `Failed` (out of attempts).",
      }),
    ),
    isRunning: Type.Optional(Type.Boolean({ description: "Whether a worker is sending it at this moment." })),
    retriesRemaining: Type.Optional(
      Type.Integer({ description: "Attempts left before it fails (EVENT_DELIVERY_MAX_ATTEMPTS in all); 0 unless Pending." }),
    ),
    lastExecutionDate: Type.Optional(
      nullable("string", { format: "date-time", description: "The latest attempt; null before the first." }),
    ),
    nextExecutionDate: Type.Optional(
      nullable("string", { format: "date-time", description: "When it is attempted next; null unless Pending." }),
    ),
    createDate: Type.Optional(Type.String({ format: "date-time", description: "When it was queued: with the change. " + DATE })),
    updateDate: Type.Optional(Type.String({ format: "date-time", description: DATE })),
    deliveryAttempts: Type.Optional(
      Type.Array(DeliveryAttempt, { description: "Every attempt, oldest first, redeliveries included." }),
    ),
  },
  {
    $id: "EventDeliverySummary",
    description: "One event's delivery to one subscription, with every attempt (Kibo's EventDeliverySummary).",
    examples: [deliveryExample],
  },
);

export const EventDeliverySummaryCollection = collection({
  $id: "EventDeliverySummaryCollection",
  itemRef: "EventDeliverySummary",
  description: "A page of delivery summaries.",
  example: deliveryExample,
  counted: "Deliveries",
  optional: true,
});

/** Shared model schemas, registered by the route plugin so responses reference them as named components. */
export const PUSH_MODEL_SCHEMAS: readonly TSchema[] = [
  EventSubscription,
  EventSubscriptionCollection,
  EventDeliverySummary,
  EventDeliverySummaryCollection,
];

export type EventSubscriptionJson = Static<typeof EventSubscription>;
export type EventDeliverySummaryJson = Static<typeof EventDeliverySummary>;

// ---- request parts --------------------------------------------------------------------------------------------

const ENDPOINT = Type.String({
  minLength: 1,
  maxLength: 2000,
  pattern: NO_NUL,
  description:
    "The URL deliveries are posted to: `https://` (`http://` only outside production or with EVENT_ALLOW_HTTP), " +
    "naming a public address: loopback, link-local and private addresses, and names resolving to them, are refused " +
    "unless EVENT_ALLOWED_HOSTS lists the host. No credentials in it: each delivery is signed instead.",
  examples: ["https://erp.example.com/tally/events"],
});

const TOPIC_LIST = Type.Array(Type.String({ maxLength: 100, pattern: NO_NUL }), {
  maxItems: 100,
  description: `One or more of Tally's topics, each once: ${TOPICS}.`,
  examples: [["credit.created", "credit.updated", "credit.deleted"]],
});

export const NewSubscriptionBody = Type.Object(
  {
    endpoint: ENDPOINT,
    topics: TOPIC_LIST,
    isActive: Type.Optional(Type.Boolean({ description: "Default true." })),
  },
  {
    description:
      "The subscription to create. Other EventSubscription properties may be sent (a copy of one read back) and are ignored.",
    examples: [{ endpoint: "https://erp.example.com/tally/events", topics: ["credit.created", "credit.updated", "credit.deleted"] }],
  },
);

export const SubscriptionReplaceBody = Type.Object(
  {
    endpoint: ENDPOINT,
    topics: TOPIC_LIST,
    isActive: Type.Boolean({ description: "False queues nothing new for it and holds what was queued until it is true again." }),
  },
  {
    description: "What the subscription becomes: all three are replaced. Other EventSubscription properties are ignored.",
    examples: [{ endpoint: "https://erp.example.com/tally/events", topics: ["credit.updated"], isActive: false }],
  },
);

/** A response without a body (fast-json-stringify needs its type: null). */
export function NoContent(description: string) {
  return Type.Unsafe<void>({ type: "null", description });
}

const ID_TEXT = "(a UUID, matched case-insensitively)";

export const SubscriptionIdParams = Type.Object({
  subscriptionId: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: ID_CHARACTERS,
    description: `The subscription's id ${ID_TEXT}.`,
    examples: [DEMO_SUBSCRIPTION_ID],
  }),
});

export const DeliveryParams = Type.Object({
  subscriptionId: SubscriptionIdParams.properties.subscriptionId,
  processId: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: ID_CHARACTERS,
    description: `The delivery's process id, the \`id\` of its summary ${ID_TEXT}.`,
    examples: [DEMO_PROCESS_ID],
  }),
});

// responseFields' and sortBy's examples stay in their descriptions: Swagger UI's "Try it out" pre-fills a parameter's
// first example, which would silently trim or reorder the first response a reader sees.
function responseFields(example: string) {
  return Type.String({
    maxLength: 2000,
    pattern: NO_NUL,
    description:
      "Properties to return, comma-separated, with parenthesised nesting; names match case-insensitively and unknown " +
      `names are ignored. Example: \`${example}\`.`,
  });
}

const SUBSCRIPTION_FIELDS_TEXT = responseFields("items(id,endpoint,topics,isActive),totalCount");
const DELIVERY_FIELDS_TEXT = responseFields("items(id,deliveryStatus,eventSummary(eventId,topic)),totalCount");

export const SubscriptionResponseFieldsQuery = Type.Object({ responseFields: Type.Optional(responseFields("id,endpoint")) });
export const DeliveryResponseFieldsQuery = Type.Object({
  responseFields: Type.Optional(responseFields("id,deliveryStatus,deliveryAttempts(executionDate,httpStatus)")),
});

const subscriptionSortable = describeFields(SUBSCRIPTION_FIELDS.filter((field) => field.sortable !== false));

export const SubscriptionListQuery = listQuery(
  {
    sortBy: {
      description: "`field [asc|desc]`, comma-separated; ascending by default. Without sortBy, oldest first.",
      fields: subscriptionSortable,
      examples: ["updateDate desc", "endpoint"],
    },
    filter: {
      description: `${FILTER_GRAMMAR} \`id\` takes \`eq\`, \`ne\` and \`in\`.`,
      fields: describeFields(SUBSCRIPTION_FIELDS),
      examples: ["isActive eq true", `id eq ${DEMO_SUBSCRIPTION_ID}`, "endpoint sw 'https://erp.example.com/'"],
    },
  },
  {
    trailing: {
      responseGroups: Type.Optional(
        Type.String({
          maxLength: 200,
          pattern: NO_NUL,
          description: "Accepted and ignored (Kibo's `SubscribingSites`): a subscription covers the whole tenant.",
        }),
      ),
      responseFields: Type.Optional(SUBSCRIPTION_FIELDS_TEXT),
    },
  },
);

const deliverySortable = describeFields(DELIVERY_FIELDS.filter((field) => field.sortable !== false));

export const DeliveryListQuery = listQuery(
  {
    sortBy: {
      description:
        "`field [asc|desc]`, comma-separated; ascending by default. Without sortBy, oldest first; ties are broken " +
        "by the order the deliveries were queued in.",
      fields: deliverySortable,
      examples: ["lastExecutionDate desc", "topic, createDate"],
    },
    filter: {
      description: `${FILTER_GRAMMAR} \`id\`, \`subscriptionId\` and \`eventId\` take \`eq\`, \`ne\` and \`in\`.`,
      fields: describeFields(DELIVERY_FIELDS),
      examples: [
        "deliveryStatus eq Failed",
        "topic eq credit.updated and entityId eq SC-RRMXXTEMAMVDXQET",
        `eventId eq ${eventExample.id}`,
        "createDate ge 2026-12-01T00:00:00Z",
      ],
    },
  },
  { trailing: { responseFields: Type.Optional(DELIVERY_FIELDS_TEXT) } },
);
