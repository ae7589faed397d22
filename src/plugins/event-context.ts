import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { deliveryQueued } from "../delivery/signal.js";
import { type EventContext, runInEventContext } from "../events/context.js";

/**
 * Gives every request its event context (src/events/context.ts): its correlation id — request.id, the
 * `x-vol-correlation` Tally answers with (src/http/listener-options.ts) — from the first hook on, and its Kibo site
 * once authentication has checked `x-vol-site`. Events written while the request is served carry both.
 */
export default fp(
  async function eventContextPlugin(app: FastifyInstance) {
    const contexts = new WeakMap<FastifyRequest, EventContext>();

    app.addHook("onRequest", (request, _reply, done) => {
      const context: EventContext = { correlationId: request.id, siteId: null };
      contexts.set(request, context);
      runInEventContext(context, done);
    });

    // Entered again here: reading a body runs in the socket's callbacks, which do not carry the context on, and the
    // caller (with the site the auth plugin checked) is known by now.
    app.addHook("preHandler", (request, _reply, done) => {
      const context = contexts.get(request) ?? { correlationId: request.id, siteId: null };
      context.siteId = siteIdOf(request);
      runInEventContext(context, done);
    });

    // The response is sent after the request's transaction committed: the deliveries it queued can be claimed now.
    app.addHook("onResponse", (request, _reply, done) => {
      if (contexts.get(request)?.deliveriesQueued) deliveryQueued();
      done();
    });
  },
  { name: "event-context" },
);

/** The `x-vol-site` site, when the auth plugin has accepted it as one of the caller's tenant's sites. */
function siteIdOf(request: FastifyRequest): number | null {
  if (request.caller?.websiteRef === undefined) return null;
  return Number(request.headers["x-vol-site"]);
}
