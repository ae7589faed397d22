import net from "node:net";
import { type Database, type DatabaseOptions, openDatabase } from "../../src/db/database.js";
import { testServerUrl, withDatabaseName, workerDatabaseName } from "./database.js";

/**
 * A TCP forwarder that can be "stopped" (every connection cut, the port refusing) and started again on the
 * same port: a database outage and recovery without touching the real server other tests use. It can also be made a
 * blackhole: connections stay open and nothing crosses them either way, as in a network partition where packets are
 * dropped silently; `heal()` delivers what was held back, as TCP retransmission would.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  /** What happened while the blackhole held it back (a connection to open, a close to pass on), in order. */
  private held: (() => void)[] | undefined;
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      this.sockets.add(client);
      client.on("close", () => this.sockets.delete(client));
      client.on("error", () => client.destroy());
      client.pause();
      this.whenOpen(() => this.connect(client));
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  private connect(client: net.Socket): void {
    if (client.destroyed) return;
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    this.sockets.add(upstream);
    upstream.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    // A partition hides the far end closing, too: the close is passed on when it heals.
    upstream.on("close", () => {
      this.sockets.delete(upstream);
      this.pairs.delete(pair);
      this.whenOpen(() => client.destroy());
    });
    client.pipe(upstream).pipe(client);
  }

  private whenOpen(action: () => void): void {
    if (this.held) this.held.push(action);
    else action();
  }

  /** From now on nothing crosses any connection, old or new, until `heal()`. */
  blackhole(): void {
    this.held ??= [];
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Ends the blackhole: held bytes flow, held connections open, held closes are passed on. */
  heal(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    for (const { client, upstream } of this.pairs) client.pipe(upstream).pipe(client);
    for (const action of held) action();
  }

  async stop(): Promise<void> {
    this.held = undefined;
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** This worker's PostgreSQL database opened through a proxy the test can cut: the proxy and the database. */
export async function openDatabaseThroughProxy(
  options: Partial<DatabaseOptions> = {},
): Promise<{ proxy: TcpProxy; database: Database }> {
  const server = new URL(testServerUrl() ?? "");
  const proxy = new TcpProxy(server.hostname, Number(server.port || 5432));
  await proxy.start();
  const url = new URL(withDatabaseName(testServerUrl() ?? "", workerDatabaseName()));
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  const database = await openDatabase({ url: url.toString(), poolSize: 2, connectTimeoutMs: 1_000, dataDir: "", ...options });
  return { proxy, database };
}
