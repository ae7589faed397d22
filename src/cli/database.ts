import net from "node:net";
import type { Config } from "../config.js";
import { type Database, explainConnectionError, openDatabase } from "../db/database.js";

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
 * the running server's socket if it is up, else its data directory directly. PGlite's files cannot be opened by two
 * processes, so that takes the directory's lock, and a directory a server holds is refused with DataDirLockedError
 * (naming the server and its socket port) before anything is read or written. `command` names this process in the
 * lock file. PostgreSQL is asked once up front, so a missing or unreachable database is reported as such.
 */
export async function openCliDatabase(config: Config, command: string): Promise<Database> {
  const base = { poolSize: 1, connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS, dataDir: config.EMBEDDED_DATA_DIR, role: command };
  if (config.DATABASE_URL) return checked(await openDatabase({ ...base, url: config.DATABASE_URL }));
  if (config.EMBEDDED_SOCKET_PORT && (await answers(config.EMBEDDED_SOCKET_PORT))) {
    return checked(await openDatabase({ ...base, url: `postgresql://postgres@127.0.0.1:${config.EMBEDDED_SOCKET_PORT}/postgres` }));
  }
  return openDatabase(base);
}

async function checked(database: Database): Promise<Database> {
  try {
    await database.ping();
    return database;
  } catch (error) {
    await database.close().catch(() => {});
    const explained = explainConnectionError(error, database.location ?? "the database");
    throw explained ? new Error(explained, { cause: error }) : error;
  }
}
