import net from "node:net";
import { type Database, openDatabase } from "../../src/db/database.js";
import { testServerUrl, withDatabaseName, workerDatabaseName } from "./database.js";

/**
 * A TCP forwarder that can be "stopped" (every connection cut, the port refusing) and started again on the
 * same port: a database outage and recovery without touching the real server other tests use.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** This worker's PostgreSQL database opened through a proxy the test can cut: the proxy and the database. */
export async function openDatabaseThroughProxy(): Promise<{ proxy: TcpProxy; database: Database }> {
  const server = new URL(testServerUrl() ?? "");
  const proxy = new TcpProxy(server.hostname, Number(server.port || 5432));
  await proxy.start();
  const url = new URL(withDatabaseName(testServerUrl() ?? "", workerDatabaseName()));
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  const database = await openDatabase({ url: url.toString(), poolSize: 2, connectTimeoutMs: 1_000, dataDir: "" });
  return { proxy, database };
}
