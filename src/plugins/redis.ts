import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Redis } from "ioredis";
import type { Config } from "../config.js";

declare module "fastify" {
  interface FastifyInstance {
    /**
     * Where the request limits and sign-in failures are counted when REDIS_URL is set, so every replica enforces one
     * limit; undefined without it (each process counts on its own). Every command may fail: see `redisOptions`.
     */
    redis: Redis | undefined;
  }
}

/** How long start-up waits for Redis before serving without it; also how long one connection attempt may take. */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Tuned to fail fast, because every caller of this client falls back rather than waits (the request limits serve, the
 * sign-in throttle counts in process): no offline queue, so a command while disconnected fails at once instead of
 * queueing until Redis is back; a command that gets no answer fails after COMMAND_TIMEOUT_MS; one retry at most.
 */
function redisOptions(keyPrefix: string) {
  return {
    keyPrefix,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // How long closing waits for the socket to close before destroying it; ioredis waits so even for a socket an
    // outage already closed, which would keep a stopping process alive 2 s (its default) for nothing.
    disconnectTimeout: 100,
    // Reconnect for ever, backing off to every 5 s: an outage ends without a restart.
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 5_000),
  };
}

/**
 * Logs an outage once, when it starts (the client retries every few seconds and would log each attempt), and once
 * when it ends. Only the error's message and code: the URL, which may hold a password, is never logged.
 */
function logOutages(client: Redis, log: FastifyBaseLogger): void {
  let down = false;
  const wentDown = (error?: Error & { code?: string }) => {
    if (down) return;
    down = true;
    log.warn(
      error ? { redisError: { message: error.message, code: error.code } } : {},
      "Redis unreachable: request limits are not enforced and sign-in failures are counted per process until it is back",
    );
  };
  // A refused or failed connection is an error; a connection Redis (or the network) closed is not, but the client
  // reconnects after either, and not after the app closes it.
  client.on("error", wentDown);
  client.on("reconnecting", () => wentDown());
  client.on("ready", () => {
    if (!down) return;
    down = false;
    log.info("Redis reachable again: limits are shared across replicas");
  });
}

/** Resolves when the client is connected or has failed to connect, whichever is first; never rejects. */
function settled(client: Redis): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      client.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, CONNECT_TIMEOUT_MS);
    client.once("ready", done);
    client.once("error", done);
  });
}

/**
 * Opens the Redis client REDIS_URL names and closes it with the app. Start-up waits for the first connection (so the
 * first requests are counted in Redis) but not for long, and not for success: a Redis that is down must not keep
 * Tally from serving.
 */
export default fp<{ config: Pick<Config, "REDIS_URL" | "REDIS_KEY_PREFIX"> }>(
  async function redisPlugin(app: FastifyInstance, { config }) {
    if (!config.REDIS_URL) {
      app.decorate("redis", undefined);
      return;
    }
    const client = new Redis(config.REDIS_URL, redisOptions(config.REDIS_KEY_PREFIX));
    logOutages(client, app.log);
    app.decorate("redis", client);
    // disconnect, not quit: quit waits for a reply a Redis that is down never sends, and nothing unsent matters.
    app.addHook("onClose", async () => client.disconnect());
    await settled(client);
  },
  { name: "redis" },
);
