import { readFileSync } from "node:fs";
import swagger from "@fastify/swagger";
import type { FastifyInstance, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import { ErrorBodySchema, errorResponse, STATUS_DESCRIPTIONS } from "../http/schemas.js";

const TAGS = [
  { name: "Authentication", description: "Application tokens (Kibo's auth tickets) and the caller's tenant." },
  {
    name: "Credits",
    description:
      "Kibo's Customer Credits API: store credits, gift cards and custom credits, their ledger transactions and audit trail.",
  },
  { name: "Store credit", description: "A customer's store-credit balance per website and its history (Magento's storecredit.*)." },
  { name: "Credit memos", description: "Refunds on orders (Magento's order_creditmemo.*); refunds to store credit move money into the ledger." },
  { name: "Loyalty", description: "The loyalty API's customers_balances report, per campaign or across a coalition." },
  { name: "Events", description: "Kibo's event pull API: every change, written in the same transaction as the change itself." },
  {
    name: "Push subscriptions",
    description:
      "Kibo's EventSubscriptionApi, and Tally's own routes to create, change and delete subscriptions: each event of the " +
      "subscribed topics is POSTed to the endpoint, signed with the application's shared secret as Kibo signs, at least " +
      "once and in order per entity; receivers deduplicate by eventId.",
  },
  { name: "Operations", description: "Liveness and readiness probes." },
];

type ResponseMap = Record<string, unknown>;

// The document versions the API with the package; read at run time because package.json sits outside rootDir,
// two levels up from both src/plugins and dist/plugins.
const { version: PACKAGE_VERSION } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/**
 * Builds the OpenAPI 3.1 document from the route schemas, and completes every API route's responses with the
 * failures any request can meet (bad token, rate limit, oversized or unreadable body, unexpected error, database
 * outage), so a generated client knows every status it may see. The test suite's response check holds the server to it.
 */
export default fp(
  async function openApiPlugin(app: FastifyInstance) {
    app.addSchema(ErrorBodySchema);
    app.addHook("onRoute", (route) => {
      if (route.url.startsWith("/api") && route.method !== "HEAD") documentCommonFailures(route);
    });
    await app.register(swagger, {
      // Shared schemas become components named by their $id (ErrorBody, CustomerCredit, …) rather than def-N.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json["$id"] ?? `def-${i}`) },
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Tally",
          version: PACKAGE_VERSION,
          description:
            "Store credit, gift cards, credit memos and loyalty balances behind Kibo- and Magento-compatible APIs. " +
            "Errors answer Kibo's error body (`ErrorBody`), except the loyalty API, which answers in its own format. " +
            "This document covers the REST API only. The same store-credit and credit-memo services are also served as " +
            "Magento's SOAP API, described by its own WSDLs: V1 at `/api/soap/?wsdl` and V2 (WS-I with " +
            "MAGENTO_SOAP_WSI=true) at `/api/v2_soap/?wsdl`, authenticated with Magento API users and sessions.",
        },
        // Relative, so the interactive docs and generated clients call the server that serves the document.
        servers: [{ url: "/", description: "The Tally instance serving this document" }],
        tags: TAGS,
        components: {
          securitySchemes: {
            bearerAuth: {
              type: "http",
              scheme: "bearer",
              bearerFormat: "JWT",
              description:
                "An application access token from POST /api/platform/applications/authtickets/oauth, or a shopper token signed by the storefront.",
            },
            loyaltyApiKey: {
              type: "apiKey",
              in: "header",
              name: "api_access_key",
              description:
                "The loyalty API user's key. Alternatively send it as the `user_password` parameter; `user_id` and `account_id` are always parameters.",
            },
          },
        },
      },
    });
  },
  { name: "openapi" },
);

function documentCommonFailures(route: RouteOptions): void {
  const schema = route.schema as { response?: ResponseMap; body?: unknown; hide?: boolean } | undefined;
  if (!schema?.response || schema.hide) return;
  const responses = schema.response;
  // A route that answers its own error format (the loyalty API) keeps it for these failures too.
  const ownFormat = [responses["400"], responses["401"]].find((response) => response && !isKiboError(response));
  const add = (status: number) => {
    if (String(status) in responses) return;
    responses[status] = ownFormat
      ? { ...(ownFormat as object), description: STATUS_DESCRIPTIONS[status] ?? "Error" }
      : errorResponse(status);
  };
  add(400);
  // Routes behind a token: a missing or bad token, or one without the route's behaviors.
  if (route.config?.auth) {
    add(401);
    add(403);
  }
  if (schema.body) {
    add(413);
    add(415);
  }
  add(429);
  add(500);
  add(503);
}

function isKiboError(response: unknown): boolean {
  const schema = (response as { content?: Record<string, { schema?: { $ref?: unknown } }> }).content?.["application/json"]?.schema;
  return schema?.$ref === "ErrorBody";
}
