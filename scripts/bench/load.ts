/**
 * The load generator of `npm run bench`, in a process of its own so that it shares no event loop with the servers
 * it measures. Forked with IPC: it receives `{ url, headers, connections, warmupSeconds, durationSeconds }`, runs
 * autocannon for the warm-up, sends `{ type: "warm" }` and waits for `{ type: "go" }` (the benchmark reads the
 * servers' CPU in between), then sends `{ type: "result", … }` after the measured run and exits.
 */
import autocannon from "autocannon";

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadResult {
  type: "result";
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const send = (message: object) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

process.once("message", (options: LoadOptions) => {
  void (async () => {
    const { url, headers, connections } = options;
    await autocannon({ url, headers, connections, duration: options.warmupSeconds });
    const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
    await send({ type: "warm" });
    await go;
    const result = await autocannon({ url, headers, connections, duration: options.durationSeconds });
    const answer: LoadResult = {
      type: "result",
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    await send(answer);
    process.disconnect();
  })();
});
