// The push receiver of `npm run bench:events`, in a process of its own (forked with an IPC channel): it validates
// every delivery with Kibo's Node SDK, as a real receiver would, answers 200, and records when each event arrived.
// The parent asks for { type: "stats" } and gets how many arrived, how many twice, and the lags.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";

const isRequestValid = createRequire(import.meta.url)("mozu-node-sdk/security/is-request-valid") as (
  context: { sharedSecret: string },
  request: http.IncomingMessage & { body: unknown },
  callback: (error: Error | null) => void,
) => void;

const sharedSecret = process.env["RECEIVER_SHARED_SECRET"] ?? "";
const arrivals = new Map<string, number>();
let duplicates = 0;
let invalid = 0;
const lagsMs: number[] = [];

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const receivedAt = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { eventId: string; timestamp: string };
    Object.assign(request, { body });
    isRequestValid({ sharedSecret }, request as http.IncomingMessage & { body: unknown }, (error) => {
      if (error) {
        invalid += 1;
        response.writeHead(401).end();
        return;
      }
      if (arrivals.has(body.eventId)) duplicates += 1;
      else {
        arrivals.set(body.eventId, receivedAt);
        // From the change's transaction (the event's timestamp) to its arrival here.
        lagsMs.push(receivedAt - Date.parse(body.timestamp));
      }
      response.writeHead(200).end();
    });
  });
});

server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "listening", port: (server.address() as AddressInfo).port });
});

process.on("message", (message: { type: string }) => {
  if (message.type === "reset") {
    arrivals.clear();
    lagsMs.length = 0;
    duplicates = 0;
    invalid = 0;
  }
  if (message.type === "stats") {
    const times = [...arrivals.values()];
    process.send?.({
      type: "stats",
      received: arrivals.size,
      duplicates,
      invalid,
      first: times.length ? Math.min(...times) : null,
      last: times.length ? Math.max(...times) : null,
      lagsMs,
    });
  }
});
