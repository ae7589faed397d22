import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import type { RouteAuth } from "../../auth/caller.js";
import { ErrorResponses } from "../../http/schemas.js";
import { parseResponseFields, projectResponse, toCollection } from "../../query/index.js";
import { getEvent, listEvents } from "./reads.js";
import { EventIdParams, EventListQuery, MODEL_SCHEMAS, ResponseFieldsQuery } from "./schemas.js";
import { serializeEvent } from "./serialize.js";

const BASE = "/api/event/pull";
const TAGS = ["Events"];

const READ: RouteAuth = { behaviors: ["EventRead"] };

/** Kibo's event pull API (EventApi): the changes of the caller's tenant, as they were committed. */
const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const schema of MODEL_SCHEMAS) app.addSchema(schema);

  app.get(
    BASE,
    {
      config: { auth: READ },
      schema: {
        operationId: "getEvents",
        summary: "List events",
        description:
          "Pages through the tenant's events — every change, written in the same transaction as the change itself, so " +
          "a rolled-back request leaves none — oldest first unless sorted otherwise, the way a consumer catching up " +
          "reads them. To follow along, ask each time for `createDate ge` a minute before the newest createDate " +
          "handled and skip the ids already handled: createDate is taken when the change's transaction begins, so a " +
          "slow one can commit after events with a later createDate were read, and events of one millisecond share " +
          "it. Events are kept for `EVENT_RETENTION_DAYS` (default 30).",
        tags: TAGS,
        querystring: EventListQuery,
        response: { 200: Type.Ref("EventCollection"), ...ErrorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const page = await listEvents(request.tenantDb, request.query);
      return projectResponse(toCollection({ ...page, items: page.items.map(serializeEvent) }), fields);
    },
  );

  app.get(
    `${BASE}/:eventId`,
    {
      config: { auth: READ },
      schema: {
        operationId: "getEvent",
        summary: "Get an event",
        description: "The tenant's event with this id. An unknown id, or another tenant's event, answers 404.",
        tags: TAGS,
        params: EventIdParams,
        querystring: ResponseFieldsQuery,
        response: { 200: Type.Ref("Event"), ...ErrorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      return projectResponse(serializeEvent(await getEvent(request.tenantDb, request.params.eventId)), fields);
    },
  );
};

export default eventRoutes;
