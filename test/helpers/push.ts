import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { pushSigningKey, secretBox } from "../../src/auth/secret-box.js";
import type { DeliveryJob } from "../../src/delivery/loop.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { TEST_KEYS } from "./auth.js";

// Kibo's Node SDK is CommonJS and ships no types: the validator a receiver built on it calls, exactly.
const isRequestValid = createRequire(import.meta.url)("mozu-node-sdk/security/is-request-valid") as (
  context: { sharedSecret: string; capabilityTimeoutInSeconds?: number },
  request: http.IncomingMessage & { body: unknown },
  callback: (error: Error | null) => void,
) => void;

/** The box the test configuration's EVENT_SECRET_KEYS make. */
export const testSecretBox = secretBox(TEST_KEYS.EVENT_SECRET_KEYS);

/**
 * An application of `tenantId` whose shared secret is `secret`, with its push-signing key stored as Tally stores
 * it (sealed), and a subscription of it to `topics` at `endpoint`.
 */
export async function subscribe(
  prisma: PrismaClient,
  { tenantId, endpoint, topics, secret = "receiver-shared-secret" }: { tenantId: number; endpoint: string; topics: string[]; secret?: string },
) {
  const application = await prisma.application.create({
    data: {
      tenantId,
      clientId: `push-${randomUUID().slice(0, 8)}`,
      name: "Push receiver",
      secretHash: "scrypt$unused",
      behaviors: ["EventRead"],
      signingKey: testSecretBox.seal(pushSigningKey(secret)),
    },
  });
  const subscription = await prisma.eventSubscription.create({
    data: { subscriptionId: randomUUID(), tenantId, applicationId: application.id, endpoint, topics, isActive: true },
  });
  return { application, subscription, secret };
}

/** What a receiver was sent, and how its validator judged it. */
export interface Received {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: { eventId: string; topic: string; entityId: string; extendedProperties: { key: string; value: unknown }[] } & Record<string, unknown>;
  valid: boolean;
  rejection?: string;
}

export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  received: Received[];
  /** The ones it answered 2xx. */
  accepted(): Received[];
  close(): Promise<void>;
}

/**
 * A webhook receiver built as Kibo's docs build one: the body parsed, then `is-request-valid` with the application's
 * shared secret; 401 when it rejects. `respond` decides the answer to a valid delivery (default 200); it may also
 * hold the request open.
 */
export async function startReceiver(
  sharedSecret: string,
  respond: (delivery: Received, index: number) => number | Promise<number> = () => 200,
): Promise<Receiver> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const delivery: Received = { headers: request.headers, rawBody, body: JSON.parse(rawBody), valid: false };
      received.push(delivery);
      const index = received.length - 1;
      Object.assign(request, { body: delivery.body });
      isRequestValid({ sharedSecret }, request as http.IncomingMessage & { body: unknown }, (error) => {
        delivery.valid = error === null;
        if (error) delivery.rejection = error.message;
        void Promise.resolve(error ? 401 : respond(delivery, index)).then((status) => {
          statuses[index] = status;
          response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : `refused ${status}`);
        });
      });
    });
  });
  // Kept-alive sockets from Tally's agent would hold close() open.
  server.keepAliveTimeout = 200;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tally`,
    received,
    accepted: () => received.filter((_, index) => (statuses[index] ?? 0) >= 200 && (statuses[index] ?? 0) < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs `job` until a claim finds nothing due, each batch to completion; returns how many tasks ran. */
export async function drain(job: DeliveryJob, batch = 8): Promise<number> {
  let ran = 0;
  for (;;) {
    const tasks = await job.claim(batch);
    if (tasks.length === 0) return ran;
    await Promise.all(tasks.map((task) => task()));
    ran += tasks.length;
  }
}

/**
 * Resolves when `condition` holds, polling; fails after `timeoutMs`, with what `explain` tells of the state then (a
 * failure seen once in CI is worth more with the rows it left behind).
 */
export async function eventually<T>(
  condition: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  explain?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${explain ? `: ${await explain()}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
