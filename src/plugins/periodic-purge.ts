import type { FastifyInstance } from "fastify";

/** One kind of background purge: what it deletes, and how its outcome is logged. */
export interface Purge {
  /** Deletes what is due; how many rows it deleted. */
  run(): Promise<number>;
  /** Logged with the count when something was deleted, e.g. "purged old events". */
  done: string;
  /** Logged with the error when a run fails. */
  failed: string;
  /** Settings logged with the outcome (the retention it applied). */
  fields: Record<string, unknown>;
}

/**
 * Runs `purge` in the background of this process, once the app is ready and then `intervalMs` after each run ends,
 * until the app closes; closing waits for a run in progress. A failure is logged and tried again next time; it never
 * stops the process.
 */
export function schedulePurge(app: FastifyInstance, intervalMs: number, { run, done, failed, fields }: Purge): void {
  async function purge(): Promise<void> {
    try {
      const deleted = await run();
      if (deleted > 0) app.log.info({ deleted, ...fields }, done);
    } catch (error) {
      app.log.error({ err: error }, failed);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      running = purge().finally(() => {
        running = undefined;
        if (!closed) schedule(intervalMs);
      });
    }, delayMs);
    // A pending purge is no reason to keep the process alive.
    timer.unref();
  }

  app.addHook("onReady", async () => {
    // The first purge at a random point of the first interval: replicas started together do not all purge at
    // once, and a process restarted more often than the interval still purges now and then.
    schedule(Math.random() * intervalMs);
  });
  // onClose hooks run in reverse order of registration, so this one finishes before the database closes.
  app.addHook("onClose", async () => {
    closed = true;
    clearTimeout(timer);
    await running;
  });
}
