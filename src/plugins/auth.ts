import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import Type from "typebox";
import type { Behavior, Caller, RouteAuth } from "../auth/caller.js";
import { AccessTokens, bearerTokenOf, ShopperTokens } from "../auth/tokens.js";
import type { Config } from "../config.js";
import { Errors } from "../errors.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route; every /api route declares this or `public`. */
    auth?: RouteAuth;
    /** Marks an /api route as deliberately open (the token endpoint). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every route that declares `auth`, absent elsewhere (see requireCaller). */
    caller: Caller | undefined;
  }
  interface FastifyInstance {
    accessTokens: AccessTokens;
  }
}

export interface AuthPluginOptions {
  config: Pick<
    Config,
    "AUTH_SIGNING_KEYS" | "ACCESS_TOKEN_TTL_SECONDS" | "SHOPPER_TOKEN_SECRET" | "SHOPPER_TOKEN_PUBLIC_KEY_FILE" | "SHOPPER_JWKS_FILE"
  >;
}

/**
 * Authenticates bearer tokens (Tally's application tokens or the storefront's shopper tokens), enforces each
 * route's behaviors and the tenant/site headers, and documents all of it in OpenAPI.
 */
export default fp<AuthPluginOptions>(
  async function authPlugin(app: FastifyInstance, { config }) {
    if (!config.AUTH_SIGNING_KEYS) throw new Error("AUTH_SIGNING_KEYS is not configured");
    const accessTokens = new AccessTokens(config.AUTH_SIGNING_KEYS, config.ACCESS_TOKEN_TTL_SECONDS);
    const shopperTokens = await ShopperTokens.fromConfig(config);
    app.decorate("accessTokens", accessTokens);
    // Fastify wants decorations declared up front (same object shape for every request).
    app.decorateRequest("caller", undefined);

    app.addHook("onRoute", (route) => {
      const auth = route.config?.auth;
      if (route.url.startsWith("/api/") && !auth && !route.config?.public) {
        throw new Error(`${route.method} ${route.url} must declare config.auth or config.public`);
      }
      // Fastify adds a HEAD twin to every GET sharing the same schema object: document it once.
      if (auth && route.method !== "HEAD") documentAuth(route as { schema?: Record<string, unknown> }, auth);
    });

    app.addHook("onRequest", async (request) => {
      const auth = request.routeOptions.config.auth;
      if (!auth) return;
      const token = bearerToken(request);
      const caller = accessTokens.isOwnToken(token)
        ? await accessTokens.verify(token)
        : shopperTokens
          ? await shopperTokens.verify(token)
          : (() => {
              throw Errors.unauthorized("The token is invalid.");
            })();
      authorize(caller, auth);
      request.caller = await withTenantHeaders(app, request, caller);
    });
  },
  { name: "auth", dependencies: ["database"] },
);

function bearerToken(request: FastifyRequest): string {
  const token = bearerTokenOf(request.headers.authorization);
  if (!token) throw Errors.unauthorized();
  return token;
}

function authorize(caller: Caller, auth: RouteAuth): void {
  if (caller.kind === "shopper") {
    if (!auth.shoppers) throw Errors.forbidden("Shopper tokens cannot call this operation.");
    return;
  }
  const missing = auth.behaviors.filter((behavior) => !caller.behaviors.has(behavior));
  if (missing.length > 0) {
    throw Errors.forbidden(`The token lacks the required behavior${missing.length > 1 ? "s" : ""} ${missing.join(", ")}.`);
  }
}

const MAX_SITE_ID = 2_147_483_647;

/** `x-vol-tenant` must agree with the token; `x-vol-site` must be one of the tenant's sites. */
async function withTenantHeaders(app: FastifyInstance, request: FastifyRequest, caller: Caller): Promise<Caller> {
  const tenantHeader = request.headers["x-vol-tenant"];
  if (tenantHeader !== undefined && String(tenantHeader) !== String(caller.tenantId)) {
    throw Errors.forbidden(`The token is for tenant ${caller.tenantId}, not ${String(tenantHeader)}.`);
  }
  const siteHeader = request.headers["x-vol-site"];
  if (siteHeader === undefined) return caller;
  const siteId = Number(siteHeader);
  // Sites are stored as PostgreSQL integers: a number outside them names no site, and is never sent to the database.
  const website = Number.isInteger(siteId) && siteId > 0 && siteId <= MAX_SITE_ID
    ? await app.db.prisma.website.findFirst({ where: { siteId, tenantId: caller.tenantId }, select: { id: true } })
    : null;
  if (!website) throw Errors.forbidden(`Site ${String(siteHeader)} does not belong to tenant ${caller.tenantId}.`);
  return { ...caller, websiteRef: website.id };
}

// Kibo's SDK sends these on every call; declared so the document and generated clients carry them.
const TENANT_HEADERS = {
  "x-vol-tenant": Type.Optional(
    Type.String({ description: "Kibo's tenant header. Optional; when sent it must be the token's tenant (403 otherwise)." }),
  ),
  "x-vol-site": Type.Optional(
    Type.String({
      description:
        "Kibo's site header. Optional; when sent it must be one of the tenant's site ids (403 otherwise) and selects the " +
        "site, e.g. whose base currency a new credit gets.",
    }),
  ),
};

function documentAuth(route: { schema?: Record<string, unknown> }, auth: RouteAuth): void {
  const schema = (route.schema ??= {});
  const headers = schema["headers"] as { properties?: Record<string, unknown> } | undefined;
  schema["headers"] = headers
    ? { ...headers, properties: { ...headers.properties, ...TENANT_HEADERS } }
    : Type.Object(TENANT_HEADERS);
  schema["security"] = [{ bearerAuth: [] }];
  schema["x-required-behaviors"] = [...auth.behaviors];
  const lines = [`Required behaviors: ${auth.behaviors.length > 0 ? auth.behaviors.join(", ") : "none"}.`];
  if (auth.shoppers) lines.push("Shopper tokens may call it too, and see only the shopper's own data.");
  schema["description"] = [schema["description"], lines.join(" ")].filter(Boolean).join("\n\n");
}

export type { Behavior };
