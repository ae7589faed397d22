import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What an event records about the request that made the change. The HTTP layer sets it for each request
 * (src/plugins/event-context.ts); work outside a request (command-line tools, the demo seed) has none.
 */
export interface EventContext {
  /** The request's `x-vol-correlation`, as Tally answers it. */
  readonly correlationId: string | null;
  /** The Kibo site of the request's `x-vol-site`, once authentication has checked that it is the tenant's. */
  siteId: number | null;
  /**
   * Set when a change queued push deliveries, so that once the request is answered (its transaction committed) this
   * process's delivery loop is woken instead of finding them at its next poll.
   */
  deliveriesQueued?: boolean;
}

// Outside a request nothing reads the flag: a fresh object each time, so a write to it is dropped, never shared.
function noRequest(): EventContext {
  return { correlationId: null, siteId: null };
}

const storage = new AsyncLocalStorage<EventContext>();

/** Runs `work` with `context` as the context of every event written in it, down to its last awaited call. */
export function runInEventContext<T>(context: EventContext, work: () => T): T {
  return storage.run(context, work);
}

/** The context events written now belong to; outside a request, one naming neither correlation nor site. */
export function currentEventContext(): EventContext {
  return storage.getStore() ?? noRequest();
}
