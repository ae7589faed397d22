import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { deliveryQueued } from "../delivery/signal.js";
import { type RequestContext, runInRequestContext } from "../request-context.js";

/**
 * Gives every request its context (src/request-context.ts): its correlation id — request.id, the `x-vol-correlation`
 * Tally answers with (src/http/listener-options.ts) — from the first hook on, whether its caller is still connected,
 * and its Kibo site once authentication has checked `x-vol-site`. Events written while the request is served carry
 * the correlation and site; the database layer reads the caller's presence before it begins a transaction.
 */
export default fp(
  async function requestContextPlugin(app: FastifyInstance) {
    const contexts = new WeakMap<FastifyRequest, RequestContext>();
    const contextOf = (request: FastifyRequest, reply: FastifyReply): RequestContext => {
      const known = contexts.get(request);
      if (known) return known;
      const context: RequestContext = {
        correlationId: request.id,
        siteId: null,
        // The response closes before it is finished only when the connection under it went away.
        callerGone: () => reply.raw.destroyed && !reply.raw.writableFinished,
      };
      contexts.set(request, context);
      return context;
    };

    app.addHook("onRequest", (request, reply, done) => {
      runInRequestContext(contextOf(request, reply), done);
    });

    // Entered again here: reading a body runs in the socket's callbacks, which do not carry the context on, and the
    // caller (with the site the auth plugin checked) is known by now.
    app.addHook("preHandler", (request, reply, done) => {
      const context = contextOf(request, reply);
      context.siteId = siteIdOf(request);
      runInRequestContext(context, done);
    });

    // The response is sent after the request's transaction committed: the deliveries it queued can be claimed now.
    app.addHook("onResponse", (request, _reply, done) => {
      if (contexts.get(request)?.deliveriesQueued) deliveryQueued();
      done();
    });
  },
  { name: "request-context" },
);

/** The `x-vol-site` site, when the auth plugin has accepted it as one of the caller's tenant's sites. */
function siteIdOf(request: FastifyRequest): number | null {
  if (request.caller?.websiteRef === undefined) return null;
  return Number(request.headers["x-vol-site"]);
}
