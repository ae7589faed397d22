import net from "node:net";
import type { Config } from "../config.js";
import { type Database, openDatabase } from "../db/database.js";

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.setTimeout(500);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * The database a command-line tool should use: DATABASE_URL when set; otherwise the embedded database, through
 * the running server's socket if it is up (PGlite's files cannot be opened by two processes), else directly.
 */
export async function openCliDatabase(config: Config): Promise<Database> {
  const base = { poolSize: 1, connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS, dataDir: config.EMBEDDED_DATA_DIR };
  if (config.DATABASE_URL) return openDatabase({ ...base, url: config.DATABASE_URL });
  if (config.EMBEDDED_SOCKET_PORT && (await answers(config.EMBEDDED_SOCKET_PORT))) {
    return openDatabase({ ...base, url: `postgresql://postgres@127.0.0.1:${config.EMBEDDED_SOCKET_PORT}/postgres` });
  }
  return openDatabase(base);
}
