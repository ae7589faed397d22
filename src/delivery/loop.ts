import type { BaseLogger } from "pino";
import { onDeliveryQueued } from "./signal.js";

/** How long a wake-up waits for more work to be queued before claiming. */
const COALESCE_MS = 10;

/** What the delivery code logs with: Fastify's logger and a plain pino logger both are one. */
export type DeliveryLogger = Pick<BaseLogger, "debug" | "info" | "warn" | "error">;

/** One unit of claimed work: it records its own outcome (success, retry, failure) and must not throw. */
export type DeliveryTask = () => Promise<void>;

/**
 * A kind of work the loop runs (push deliveries, mail). `claim` takes up to `limit` due items from the database for
 * this process, under a lease, and returns one task per item.
 */
export interface DeliveryJob {
  readonly name: string;
  claim(limit: number): Promise<DeliveryTask[]>;
}

export interface DeliveryLoopOptions {
  jobs: readonly DeliveryJob[];
  /** Tasks in flight at once, over every job. */
  concurrency: number;
  /** How long an idle loop sleeps before looking again. */
  pollMs: number;
  log: DeliveryLogger;
}

export interface DeliveryLoop {
  /** Looks for work now (idempotent while a look is under way). */
  wake(): void;
  /** Stops claiming, and waits up to `timeoutMs` for the tasks in flight; unfinished ones are retaken by lease. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * Runs claimed work with bounded concurrency. Every replica runs one; they share the queue through the database
 * (each job's claim skips rows another process holds), so adding replicas adds throughput without coordination.
 */
export function startDeliveryLoop({ jobs, concurrency, pollMs, log }: DeliveryLoopOptions): DeliveryLoop {
  const inFlight = new Set<Promise<void>>();
  const refillAt = Math.max(1, Math.ceil(concurrency / 4));
  let timer: NodeJS.Timeout | undefined;
  let looking: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  function sleep(ms: number): void {
    clearTimeout(timer);
    timer = setTimeout(wake, ms);
    timer.unref();
  }

  async function look(): Promise<void> {
    let claimedAny = false;
    // A claim is a query: while work is in flight, wait until a quarter of the slots are free and claim them
    // together, rather than one query per finished delivery.
    if (inFlight.size > 0 && concurrency - inFlight.size < refillAt) return;
    for (const job of jobs) {
      const free = concurrency - inFlight.size;
      if (free <= 0 || stopped) break;
      let tasks: DeliveryTask[];
      try {
        tasks = await job.claim(free);
      } catch (error) {
        // A database outage: the next poll tries again; the work is still in the database.
        log.warn({ err: error, job: job.name }, "claiming due deliveries failed");
        continue;
      }
      claimedAny ||= tasks.length > 0;
      for (const task of tasks) {
        const running: Promise<void> = task()
          .catch((error: unknown) => log.error({ err: error, job: job.name }, "a delivery task failed"))
          .finally(() => {
            inFlight.delete(running);
            // A slot is free: more work may be due.
            wakeSoon();
          });
        inFlight.add(running);
      }
    }
    return claimedAny ? undefined : sleep(pollMs);
  }

  function wake(): void {
    if (stopped) return;
    if (looking) {
      again = true;
      return;
    }
    looking = look().finally(() => {
      looking = undefined;
      if (again) {
        again = false;
        wake();
      }
    });
  }

  /**
   * Looks shortly, gathering what is queued meanwhile into one claim: under load every answered request queues a
   * delivery, and a claim per request would cost a query per delivery.
   */
  let soon: NodeJS.Timeout | undefined;
  function wakeSoon(): void {
    if (stopped || soon) return;
    soon = setTimeout(() => {
      soon = undefined;
      wake();
    }, COALESCE_MS);
  }

  const unsubscribe = onDeliveryQueued(wakeSoon);
  wake();

  return {
    wake,
    async stop(timeoutMs) {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      clearTimeout(soon);
      // A look under way may be claiming: what it claims is started, and waited for below.
      await looking;
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise<void>((resolve) => {
          deadline = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(deadline);
    },
  };
}
