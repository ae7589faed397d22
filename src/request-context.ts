import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the code serving a request knows about the request itself: what its events record, and whether anyone is
 * still waiting for the answer. The HTTP layer sets it for each request (src/plugins/request-context.ts); work outside
 * a request (command-line tools, the demo seed, the delivery loop) has none.
 */
export interface RequestContext {
  /** The request's `x-vol-correlation`, as Tally answers it. */
  readonly correlationId: string | null;
  /** The Kibo site of the request's `x-vol-site`, once authentication has checked that it is the tenant's. */
  siteId: number | null;
  /**
   * Set when a change queued push deliveries, so that once the request is answered (its transaction committed) this
   * process's delivery loop is woken instead of finding them at its next poll.
   */
  deliveriesQueued?: boolean;
  /**
   * Whether the caller has hung up: the database layer begins no transaction for a request nobody waits for
   * (src/db/transactions.ts). Outside a request nobody is waiting to go away.
   */
  callerGone(): boolean;
}

const nobodyLeaves = () => false;

// Outside a request nothing reads the flag: a fresh object each time, so a write to it is dropped, never shared.
function noRequest(): RequestContext {
  return { correlationId: null, siteId: null, callerGone: nobodyLeaves };
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` as the request context, down to its last awaited call. */
export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The context of the request being served; outside a request, one naming neither correlation nor site. */
export function currentRequestContext(): RequestContext {
  return storage.getStore() ?? noRequest();
}
