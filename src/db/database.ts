import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";

/** Raw SQL on one session: what migrations, advisory locks and readiness checks need beyond Prisma. */
export interface SqlClient {
  query<Row extends Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a multi-statement script (no parameters). */
  exec(script: string): Promise<void>;
}

export type DatabaseKind = "postgres" | "embedded";

/** An open database: Prisma for the application, raw sessions for infrastructure. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  /** Runs `fn` on one dedicated connection (session-level locks and transactions stay on it). */
  withSession<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Connection usage right now, read without touching the database (for metrics scrapes). */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

/** How many connections are open, idle and waited for, and the most the pool may open. */
export interface PoolStats {
  total: number;
  idle: number;
  /** Requests queued for a connection because all `max` are busy. */
  waiting: number;
  max: number;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; absent → embedded PGlite. */
  url?: string | undefined;
  poolSize: number;
  connectTimeoutMs: number;
  /** Embedded only: a directory, or `memory://` for a throwaway database. */
  dataDir: string;
  /** Embedded only: share the database on this loopback port for command-line tools (see EMBEDDED_SOCKET_PORT). */
  socketPort?: number | undefined;
  /** Embedded, in memory only: start from this `dumpDataDir()` tarball instead of an empty cluster (tests use it). */
  loadDataDir?: Blob | undefined;
  /** Receives errors of idle pooled connections (e.g. PostgreSQL restarting), which must not crash the process. */
  onConnectionError?: (error: Error) => void;
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite database. */
export function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? Promise.resolve(openPostgres(options.url, options)) : openEmbedded(options);
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
  });
  const onError = options.onConnectionError ?? (() => {});
  pool.on("error", onError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { onConnectionError: onError }) });
  return {
    kind: "postgres",
    prisma,
    async withSession(fn) {
      const client = await pool.connect();
      try {
        return await fn(pgSession(client));
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    poolStats: () => pgPoolStats(pool, options.poolSize),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** A node-postgres pool's usage against the `max` it was opened with. */
export function pgPoolStats(pool: pg.Pool, max: number): PoolStats {
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max };
}

function pgSession(client: pg.PoolClient): SqlClient {
  return {
    async query<Row extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
      const result = await client.query<Row>(text, [...params]);
      return result.rows;
    },
    async exec(script) {
      await client.query(script);
    },
  };
}

async function openEmbedded({ dataDir, socketPort, loadDataDir }: DatabaseOptions): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(inMemory ? { loadDataDir } : { dataDir });
  await pglite.waitReady;
  // PGlite is one in-process session; the socket server is how a second process reaches it while we run.
  const socketServer = socketPort ? new PGLiteSocketServer({ db: pglite, port: socketPort, host: "127.0.0.1" }) : undefined;
  await socketServer?.start();
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const session: SqlClient = {
    async query<Row extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) {
      const result = await pglite.query<Row>(text, [...params]);
      return result.rows;
    },
    async exec(script) {
      await pglite.exec(script);
    },
  };
  return {
    kind: "embedded",
    prisma,
    // PGlite is a single connection, so every caller already shares one session.
    withSession: (fn) => fn(session),
    async ping() {
      await pglite.query("SELECT 1");
    },
    // One session shared by every request and never handed out, so it counts as one connection in use; PGlite
    // queues concurrent queries internally, where no waiting count is visible.
    poolStats: () => ({ total: 1, idle: 0, waiting: 0, max: 1 }),
    async close() {
      await socketServer?.stop();
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
