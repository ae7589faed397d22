import type { FastifyInstance } from "fastify";

/**
 * Runs `purge` in the background of this process, once the app is ready and then `intervalMs` after each run ends,
 * until the app closes; closing waits for a run in progress. `purge` logs its own outcome and must not throw: a
 * failure is tried again next time and never stops the process.
 */
export function schedulePurge(app: FastifyInstance, intervalMs: number, purge: () => Promise<void>): void {
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
