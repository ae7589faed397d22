import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

// Everything the page loads comes from Tally itself (the Swagger UI bundle ships in the package), so the policy
// allows nothing else: a leaked page cannot send the persisted token anywhere but to this API.
const DOCS_CSP = {
  "default-src": "'self'",
  "base-uri": "'self'",
  "connect-src": "'self'",
  "form-action": "'self'",
  "frame-ancestors": "'self'",
  // The logo and Swagger UI's icons are data: URLs.
  "img-src": ["'self'", "data:"],
  "object-src": "'none'",
  "script-src": "'self'",
  "script-src-attr": "'none'",
  // Swagger UI sets style attributes at run time (code highlighting); CSS cannot reach the token or run code.
  "style-src": ["'self'", "'unsafe-inline'"],
};

/**
 * Swagger UI at /docs over the document @fastify/swagger builds, so "Try it out" calls this server. Its routes
 * are hidden from the OpenAPI document, need no token (auth guards only /api/) and must be registered before the
 * rate limiter, which only limits routes added after it.
 */
export default fp(
  async function docsPlugin(app: FastifyInstance) {
    await app.register(swaggerUi, {
      // Also serves the document itself at /docs/json and /docs/yaml.
      routePrefix: "/docs",
      staticCSP: DOCS_CSP,
      theme: { title: "Tally API" },
      uiConfig: {
        // A token pasted into Authorize survives reloads (kept in the browser's localStorage).
        persistAuthorization: true,
        displayRequestDuration: true,
        filter: true,
      },
    });
  },
  { name: "docs", dependencies: ["@fastify/swagger"] },
);
