// The push receiver of `npm run bench:events` and `npm run chaos`, in a process of its own (forked with an IPC
// channel): it validates every delivery with Kibo's Node SDK, as a real receiver would, answers 200, and records when
// each event arrived. The parent asks for { type: "stats" } and gets how many arrived, how many twice, and the lags.
// Told the pid of each process that may deliver ({ type: "sender", pid }, Linux only), it also records which of them
// sent each copy of an event that arrived more than once, from the kernel's socket tables.
import { readdir, readFile, readlink } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
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

/** One copy of an event as it arrived: when, and the pid that sent it (null when not told or not found). */
interface Copy {
  at: number;
  pid: number | null;
}
const senderPids = new Set<number>();
const socketOwners = new WeakMap<Socket, Promise<number | null>>();
/** Every copy of every event, kept only while senders are known: the parent asks for the events that came twice. */
const copies = new Map<string, Copy[]>();

/**
 * The sender process of a connection to this server: the inode of its end in /proc/net/tcp (local port = the peer's,
 * remote port = ours), then which candidate holds that socket among its file descriptors.
 */
async function ownerOf(socket: Socket): Promise<number | null> {
  const hex = (port: number | undefined) => `:${(port ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  const table = await readFile("/proc/net/tcp", "utf8").catch(() => "");
  const line = table
    .split("\n")
    .map((row) => row.trim().split(/\s+/))
    .find((fields) => fields[1]?.endsWith(hex(socket.remotePort)) && fields[2]?.endsWith(hex(socket.localPort)));
  const link = line?.[9] ? `socket:[${line[9]}]` : undefined;
  if (!link) return null;
  for (const pid of senderPids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "")) === link) return pid;
    }
  }
  return null;
}

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
      if (senderPids.size > 0) {
        const copy: Copy = { at: receivedAt, pid: null };
        copies.set(body.eventId, [...(copies.get(body.eventId) ?? []), copy]);
        void socketOwners.get(request.socket)?.then((pid) => (copy.pid = pid));
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

server.on("connection", (socket: Socket) => {
  if (senderPids.size > 0) socketOwners.set(socket, ownerOf(socket));
});

server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "listening", port: (server.address() as AddressInfo).port });
});

process.on("message", (message: { type: string; pid?: number }) => {
  if (message.type === "sender" && message.pid !== undefined) senderPids.add(message.pid);
  if (message.type === "reset") {
    copies.clear();
    arrivals.clear();
    lagsMs.length = 0;
    duplicates = 0;
    invalid = 0;
  }
  if (message.type === "stats") {
    const times = [...arrivals.values()];
    const repeated = [...copies].filter(([, list]) => list.length > 1).map(([eventId, list]) => ({ eventId, copies: list }));
    process.send?.({
      repeated,
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
