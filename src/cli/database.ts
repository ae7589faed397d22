import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "../config.js";
import { type Database, type DatabaseOptions, explainConnectionError, openDatabase } from "../db/database.js";

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
  if (config.EMBEDDED_SOCKET_PORT) {
    const viaServer = await throughServerSocket(base, config.EMBEDDED_SOCKET_PORT, config.DATABASE_CONNECT_TIMEOUT_MS);
    if (viaServer) return viaServer;
  }
  return openDatabase(base);
}

/**
 * The embedded database through a running server's socket, or undefined when nothing answers there (the data
 * directory's lock then says who holds it). The socket serves one connection at a time and hangs up on others (which the client sees as a reset or an early end), so a
 * connection turned away is tried again, for up to `waitMs`, while another command finishes. There is no probe
 * connection first: the socket frees its one slot only some time after a probe hangs up, and turned the command's
 * own connection away when it came at once.
 */
async function throughServerSocket(base: DatabaseOptions, port: number, waitMs: number): Promise<Database | undefined> {
  const deadline = Date.now() + waitMs;
  for (let pause = 25; ; pause = Math.min(pause * 2, 400)) {
    const database = await openDatabase({ ...base, url: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    try {
      return await pinged(database);
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (code === "ECONNREFUSED" || /timeout exceeded when trying to connect/.test(String(message))) return undefined;
      const turnedAway = code === "ECONNRESET" || /Connection terminated/.test(String(message));
      if (!turnedAway) throw explained(error, database.location ?? `127.0.0.1:${port}`);
      if (Date.now() + pause >= deadline) {
        throw new Error(`the server's socket at 127.0.0.1:${port} serves one connection at a time and stayed busy for ${waitMs} ms (another command using it?)`, { cause: error });
      }
      await sleep(pause);
    }
  }
}

async function checked(database: Database): Promise<Database> {
  return pinged(database).catch((error: unknown) => {
    throw explained(error, database.location ?? "the database");
  });
}

/** `database` once it answers; closed, with the error thrown, when it does not. */
async function pinged(database: Database): Promise<Database> {
  try {
    await database.ping();
    return database;
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}

/** A connection error in words for operators where `explainConnectionError` has them, else the error itself. */
function explained(error: unknown, location: string): unknown {
  const words = explainConnectionError(error, location);
  return words ? new Error(words, { cause: error }) : error;
}
