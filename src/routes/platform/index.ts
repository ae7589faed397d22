import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import { signingKeySealer } from "../../auth/secret-box.js";
import type { Config } from "../../config.js";
import { Errors } from "../../errors.js";
import { ErrorResponses } from "../../http/schemas.js";
import { AuthTicket, AuthTicketRequest, Tenant, TenantParams } from "./schemas.js";
import { getTenant, issueAuthTicket } from "./service.js";
import { requireCaller } from "../../http/caller.js";

export interface PlatformRoutesOptions {
  config: Pick<Config, "REFRESH_TOKEN_TTL_SECONDS" | "TOKEN_RATE_LIMIT_PER_MINUTE" | "EVENT_SECRET_KEYS">;
}

/** Kibo's platform endpoints that its SDK calls before any other: the OAuth ticket and the tenant lookup. */
const platformRoutes: FastifyPluginAsyncTypebox<PlatformRoutesOptions> = async (app, { config }) => {
  const sealer = signingKeySealer(config);
  app.addSchema(AuthTicket);
  app.addSchema(Tenant);

  app.post(
    "/api/platform/applications/authtickets/oauth",
    {
      config: {
        public: true,
        // Stricter than the global limit and keyed by client id, so guessing one application's secret
        // is slow from however many addresses; counted where the global limit is (Redis with REDIS_URL, so
        // over however many replicas too) and, like it, served uncounted while Redis is down.
        rateLimit: {
          max: config.TOKEN_RATE_LIMIT_PER_MINUTE,
          timeWindow: 60_000,
          keyGenerator: (request) => `oauth:${(request.body as { client_id?: string } | undefined)?.client_id ?? request.ip}`,
        },
      },
      schema: {
        operationId: "oauthAuthenticateApp",
        summary: "Get or refresh an application access token",
        description:
          "Exchanges an application's client id and shared secret for a bearer token (JWT) carrying its tenant and behaviors. " +
          "Send the same body plus `refresh_token` to refresh; each refresh token works once. An application " +
          "registered before push subscriptions existed gets the key its deliveries are signed with at its first token " +
          "request (derived from the secret and stored encrypted; the secret itself is never kept).",
        tags: ["Authentication"],
        security: [],
        body: AuthTicketRequest,
        response: { 200: Type.Ref("AuthTicket"), ...ErrorResponses(400, 401, 429) },
      },
    },
    async (request) =>
      issueAuthTicket(app.db.prisma, app.accessTokens, request.body, config.REFRESH_TOKEN_TTL_SECONDS, sealer),
  );

  app.get(
    "/api/platform/tenants/:tenantId",
    {
      config: { auth: { behaviors: [] } },
      schema: {
        operationId: "getTenant",
        summary: "Get the caller's tenant and its sites",
        description: "Kibo's SDK calls this after authenticating and uses `domain` as its API host. Only the token's own tenant is visible.",
        tags: ["Authentication"],
        params: TenantParams,
        response: { 200: Type.Ref("Tenant"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => {
      const { tenantId } = request.params;
      // Another tenant's id answers exactly like one that does not exist.
      if (tenantId !== requireCaller(request).tenantId) throw Errors.notFound(`Tenant ${tenantId} was not found.`);
      return getTenant(request.tenantDb, tenantId);
    },
  );
};

export default platformRoutes;
