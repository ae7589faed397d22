import { randomUUID } from "node:crypto";
import { type Server, type Socket, connect, createServer } from "node:net";
import { Writable } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import { SharedFailureLimiter } from "../../../src/auth/failure-limiter.js";
import redisPlugin from "../../../src/plugins/redis.js";

// Needs the Redis server CI and development machines run (it keeps nothing on disk); each test has keys of its own.
const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A bare app with the Redis plugin, as Tally opens it; its log lines go to `lines` when given. */
async function withRedis(url: string, lines?: Record<string, unknown>[]): Promise<FastifyInstance> {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines?.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({ logger: lines ? { level: "info", stream } : false });
  apps.push(app);
  await app.register(redisPlugin, { config: { REDIS_URL: url, REDIS_KEY_PREFIX: `tally-test:${randomUUID()}:` } });
  await app.ready();
  return app;
}

function limiter(app: FastifyInstance, options: { max?: number; windowMs?: number } = {}) {
  return new SharedFailureLimiter(app.redis!, "signin:test:", { max: 3, windowMs: 60_000, ...options });
}

test("counts failures in fixed windows shared by every instance on the same Redis and prefix", async () => {
  const app = await withRedis(REDIS_URL);
  const [one, two] = [limiter(app), limiter(app)];
  await one.recordFailure("jane");
  await two.recordFailure("jane");
  expect(await one.retryAfterSeconds("jane")).toBe(0);
  await two.recordFailure("jane");
  for (const instance of [one, two]) {
    const wait = await instance.retryAfterSeconds("jane");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
  }
  expect(await one.retryAfterSeconds("john")).toBe(0);
});

test("a window ends when its first failure's expiry does, and the next starts afresh", async () => {
  const app = await withRedis(REDIS_URL);
  const instance = limiter(app, { max: 2, windowMs: 300 });
  await instance.recordFailure("jane");
  await instance.recordFailure("jane");
  expect(await instance.retryAfterSeconds("jane")).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 350));
  expect(await instance.retryAfterSeconds("jane")).toBe(0);
  await instance.recordFailure("jane");
  expect(await instance.retryAfterSeconds("jane")).toBe(0);
});

test("another key prefix is another deployment: its counts are apart", async () => {
  const [first, second] = [limiter(await withRedis(REDIS_URL), { max: 1 }), limiter(await withRedis(REDIS_URL), { max: 1 })];
  await first.recordFailure("jane");
  expect(await first.retryAfterSeconds("jane")).toBeGreaterThan(0);
  expect(await second.retryAfterSeconds("jane")).toBe(0);
});

test("with Redis down it counts in process, at once: start-up does not wait and the guard keeps working", async () => {
  const started = performance.now();
  // Nothing listens on port 1: connecting fails at once, as when Redis is down.
  const app = await withRedis("redis://127.0.0.1:1");
  expect(performance.now() - started).toBeLessThan(2_500);
  const instance = limiter(app, { max: 2 });
  const before = performance.now();
  await instance.recordFailure("jane");
  expect(await instance.retryAfterSeconds("jane")).toBe(0);
  await instance.recordFailure("jane");
  expect(await instance.retryAfterSeconds("jane")).toBeGreaterThan(0);
  expect(performance.now() - before).toBeLessThan(100);
});

describe("a Redis that accepts connections but never answers", () => {
  let server: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test("keeps start-up waiting 2 s at most, and each check no longer than the command timeout", async () => {
    const { port } = server.address() as { port: number };
    const started = performance.now();
    const app = await withRedis(`redis://127.0.0.1:${port}`);
    expect(performance.now() - started).toBeLessThan(3_000);
    const instance = limiter(app, { max: 1 });
    const before = performance.now();
    await instance.recordFailure("jane");
    expect(await instance.retryAfterSeconds("jane")).toBeGreaterThan(0);
    expect(performance.now() - before).toBeLessThan(1_500);
  }, 10_000);
});

describe("an outage that ends", () => {
  // A TCP proxy to Redis that the test takes down and brings back on the same port, as a network outage would.
  const [host, port] = ["127.0.0.1", Number(new URL(REDIS_URL).port || 6379)];
  const sockets = new Set<Socket>();
  let proxy: Server | undefined;
  let proxyPort = 0;

  async function proxyUp(): Promise<void> {
    proxy = createServer((client) => {
      const upstream = connect(port, host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => socket.destroy());
        socket.on("close", () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy!.listen(proxyPort, "127.0.0.1", resolve));
    proxyPort = (proxy.address() as { port: number }).port;
  }

  async function proxyDown(): Promise<void> {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => proxy!.close(resolve));
  }

  async function until(condition: () => boolean): Promise<void> {
    for (let waited = 0; !condition(); waited += 20) {
      if (waited > 8_000) throw new Error("condition not met in 8 s");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  afterAll(async () => {
    if (proxy?.listening) await proxyDown();
  });

  test("counts in process meanwhile, keeps those counts afterwards, shares again, and logs the outage once", async () => {
    await proxyUp();
    const lines: Record<string, unknown>[] = [];
    const app = await withRedis(`redis://127.0.0.1:${proxyPort}`, lines);
    const [replica, other] = [limiter(app, { max: 2 }), limiter(app, { max: 2 })];
    await replica.recordFailure("jane");

    await proxyDown();
    await until(() => app.redis!.status !== "ready");
    await replica.recordFailure("jane");
    expect(await replica.retryAfterSeconds("jane")).toBe(0);
    await replica.recordFailure("jane");
    expect(await replica.retryAfterSeconds("jane")).toBeGreaterThan(0);
    // Another replica knows of the first failure only: the others were counted where they happened.
    expect(await other.retryAfterSeconds("jane")).toBe(0);

    await proxyUp();
    await until(() => app.redis!.status === "ready");
    expect(await replica.retryAfterSeconds("jane")).toBeGreaterThan(0);
    await other.recordFailure("jane");
    expect(await other.retryAfterSeconds("jane")).toBeGreaterThan(0);

    const messages = lines.map((line) => String(line["msg"]));
    expect(messages.filter((message) => message.startsWith("Redis unreachable"))).toHaveLength(1);
    expect(messages.filter((message) => message.startsWith("Redis reachable again"))).toHaveLength(1);
  }, 20_000);
});
