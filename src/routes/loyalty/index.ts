import { Readable } from "node:stream";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiUserAuthenticator } from "./credentials.js";
import { LOYALTY_ERROR_FORMAT } from "./error-format.js";
import { readReportRequest } from "./params.js";
import {
  ApiKeyHeader,
  CustomerBalancesReport,
  LoyaltyApiError,
  REPORT_DESCRIPTION,
  ReportParams,
  reportResponses,
} from "./schemas.js";
import { SIGN_IN_LIMITS, SignInThrottle } from "../../auth/sign-in-throttle.js";
import { customerBalanceBatches, type RenderedBatch, type Rendering, reportScope } from "./service.js";
import { type ReportWriter, reportWriter } from "./writers.js";

export interface LoyaltyRoutesOptions {
  /** Customers per database query while a report streams (default 2,000). */
  batchSize?: number;
}

/** `/api.php`: the loyalty API's one endpoint, POST form data or GET query string, answering XML, JSON or JSONP. */
const loyaltyRoutes: FastifyPluginAsyncTypebox<LoyaltyRoutesOptions> = async (app, options) => {
  const batchSize = options.batchSize ?? 2_000;
  // PostgreSQL renders customers as frames, a string per customer rather than one per column. PGlite keeps the row
  // rendering: it serves development and tests, not 200,000-customer reports, and the differential test holds the
  // two renderings to the same bytes on both databases.
  const rendering: Rendering = app.db.kind === "postgres" ? "frames" : "rows";
  const authenticator = new ApiUserAuthenticator(app.db.prisma, new SignInThrottle(SIGN_IN_LIMITS, { redis: app.redis, name: "loyalty" }));

  // Registered inside this plugin, so form bodies are parsed for /api.php only.
  await app.register(formbody);
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    limits: { files: 0, fields: 50, fieldSize: 4_096, parts: 50 },
  });
  app.addSchema(CustomerBalancesReport);
  app.addSchema(LoyaltyApiError);

  app.addHook("onRequest", async (_request, reply) => {
    // Reports carry personal data and GET requests carry keys: nothing may cache them or guess their type.
    reply.header("cache-control", "no-store").header("x-content-type-options", "nosniff");
  });
  app.addHook("preValidation", async (request) => {
    dropEmptyValues(request.query);
    dropEmptyValues(request.body);
  });

  const routeOptions = {
    config: { public: true, errorFormat: LOYALTY_ERROR_FORMAT },
    // A HEAD would run the whole report only to throw the body away.
    exposeHeadRoute: false,
  };
  const tags = ["Loyalty"];

  app.get(
    "/api.php",
    {
      ...routeOptions,
      schema: {
        operationId: "loyaltyApiGet",
        summary: "Loyalty API (query string): customers_balances report",
        description: REPORT_DESCRIPTION,
        tags,
        // The key may also come as the user_password parameter, which OpenAPI cannot name as a scheme: hence `{}`.
        security: [{ loyaltyApiKey: [] }, {}],
        headers: ApiKeyHeader,
        querystring: ReportParams,
        response: reportResponses(),
      },
    },
    (request, reply) => answerReport(request, reply, request.query),
  );

  app.post(
    "/api.php",
    {
      ...routeOptions,
      schema: {
        operationId: "loyaltyApiPost",
        summary: "Loyalty API (form post): customers_balances report",
        description: REPORT_DESCRIPTION,
        tags,
        // The key may also come as the user_password parameter, which OpenAPI cannot name as a scheme: hence `{}`.
        security: [{ loyaltyApiKey: [] }, {}],
        headers: ApiKeyHeader,
        consumes: ["application/x-www-form-urlencoded", "multipart/form-data"],
        body: ReportParams,
        response: reportResponses(),
      },
    },
    (request, reply) => answerReport(request, reply, request.body),
  );

  async function answerReport(request: FastifyRequest, reply: FastifyReply, params: ReportParams) {
    const headerKey = request.headers["api_access_key"];
    const report = readReportRequest(params, typeof headerKey === "string" ? headerKey : undefined);
    const account = await authenticator.authenticate(report.credentials, request.ip);
    const scope = await reportScope(app.tenantDbFor(account.tenantId), account, report.campaignId, report.coalition);
    const abort = new AbortController();
    reply.raw.once("close", () => abort.abort());
    const writer = reportWriter(report.format);
    const batches = customerBalanceBatches(app.db, scope, report, {
      batchSize,
      signal: abort.signal,
      format: report.format,
      rendering,
    });
    // The first batch is awaited before answering, so a failing query still gets a proper error response.
    const first = await batches.next();
    // Readable.from pulls the next piece only when the socket has taken the previous ones (push returned true): a
    // slow client holds back the batches rather than letting their bytes pile up in memory.
    const body = Readable.from(writeReport(writer, first, batches), { objectMode: false });
    return reply.status(200).type(writer.contentType).send(body);
  }
};

/** The report's bytes in order: the envelope around each batch's bytes, a batch at a time. */
async function* writeReport(
  writer: ReportWriter,
  first: IteratorResult<RenderedBatch>,
  rest: AsyncGenerator<RenderedBatch>,
): AsyncGenerator<string | Buffer> {
  let written = 0;
  try {
    yield writer.open();
    if (!first.done) {
      written += first.value.customers;
      yield first.value.bytes;
      for await (const batch of rest) {
        written += batch.customers;
        yield batch.bytes;
      }
    }
    yield writer.close(written);
  } finally {
    // Also when the client left before the loop above took over the batches: stops their prefetch.
    await rest.return(undefined);
  }
}

function dropEmptyValues(params: unknown): void {
  if (typeof params !== "object" || params === null) return;
  const record = params as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) if (value === "") delete record[name];
}

export default loyaltyRoutes;
