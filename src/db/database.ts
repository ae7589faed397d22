import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { portInUse } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { lockDataDir } from "./data-dir-lock.js";
import { withClient } from "./pg-checkout.js";
import { preparedReads } from "./prepared-reads.js";
import { LimitedPrismaPg, type TransactionLimits } from "./transactions.js";

/** Raw SQL on one session: what migrations, advisory locks and readiness checks need beyond Prisma. */
export interface SqlClient {
  query<Row extends Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a multi-statement script (no parameters). */
  exec(script: string): Promise<void>;
}

export type DatabaseKind = "postgres" | "embedded";

export type SqlRead = (text: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** An open database: Prisma for the application, raw sessions for infrastructure. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  /**
   * Where it is, for operators' messages: PostgreSQL's host, port and database (never the password), or the data
   * directory. Optional so a hand-built Database (the benchmark's) need not say.
   */
  readonly location?: string;
  /**
   * One parameterised statement on any pooled connection, outside any transaction, its rows as the driver parses
   * them: what a tenant's raw reads run on (`TenantDb.$rows`), without Prisma's request building and row mapping.
   */
  read: SqlRead;
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
  /** Embedded, on disk: who opens the directory, named in its lock file for whoever finds it taken (default "server"). */
  role?: string | undefined;
  /** Embedded, in memory only: start from this `dumpDataDir()` tarball instead of an empty cluster (tests use it). */
  loadDataDir?: Blob | undefined;
  /** Receives errors of idle pooled connections (e.g. PostgreSQL restarting), which must not crash the process. */
  onConnectionError?: (error: Error) => void;
  /**
   * PostgreSQL only: run `read`'s statements as prepared statements (default true; see prepared-reads.ts). Off for a
   * transaction pooler that cannot track them; one found refusing them turns them off by itself.
   */
  preparedStatements?: boolean | undefined;
  /** Told when the database refuses a prepared statement (a transaction pooler): reads go unnamed from then on. */
  onPreparedStatementsRefused?: (error: Error) => void;
  /**
   * PostgreSQL only: how long a statement, a lock wait and an idle transaction may last (the server's limits, set in
   * each transaction), and from the first, how long the client waits for any answer. Absent (command-line tools,
   * whose migrations may rightly run long): no limits.
   */
  limits?: TransactionLimits | undefined;
}

/**
 * How much longer than statement_timeout the client waits for an answer. The server cancels a slow statement
 * itself, cleanly and with the connection kept; the client's own timer is for a server it cannot hear from at all
 * (a partition), so it only has to allow for the round trip of that cancellation.
 */
const QUERY_TIMEOUT_MARGIN_MS = 1_000;

/**
 * TCP keepalive on pooled connections: a partition that drops packets silently is found on an idle connection within
 * about this plus the kernel's probes, rather than when a request next picks it up. It does not help a query already
 * waiting for its answer (that is the query timeout's job).
 */
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite database. */
export function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? Promise.resolve(openPostgres(options.url, options)) : openEmbedded(options);
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  const { limits } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    // Client-side, so it holds through PgBouncer (which refuses statement_timeout as a startup parameter).
    ...(limits ? { query_timeout: limits.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS } : {}),
  });
  const onError = options.onConnectionError ?? (() => {});
  pool.on("error", onError);
  pool.on("release", discardIfAwaitingAnswer);
  const prisma = new PrismaClient({ adapter: new LimitedPrismaPg(pool, { onConnectionError: onError }, limits) });
  return {
    kind: "postgres",
    prisma,
    location: postgresLocation(url),
    read: preparedReads(pool, {
      enabled: options.preparedStatements ?? true,
      onRefused: options.onPreparedStatementsRefused ?? (() => {}),
    }),
    withSession: (fn) => withClient(pool, (client) => fn(pgSession(client))),
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

/** Host, port and database of a PostgreSQL URL: what a message may show of it. */
function postgresLocation(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}/${decodeURIComponent(parsed.pathname.slice(1)) || "postgres"}`;
  } catch {
    return "the DATABASE_URL server";
  }
}

/**
 * What an operator should read for an error raised while reaching a database (at `location`, as `Database.location`
 * gives it), or undefined when it is not such an error. Names host and database, never the password.
 */
export function explainConnectionError(error: unknown, location: string): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const [server = location, name = "postgres"] = location.split(/\/(.*)/);
  if (code === "3D000") {
    return `database "${name}" does not exist on ${server}: create it with createdb ${name} or CREATE DATABASE "${name}", then run npm run db:migrate.`;
  }
  const unreachable =
    (typeof code === "string" && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|57P03)$/.test(code)) ||
    (typeof message === "string" && /timeout exceeded when trying to connect|Connection terminated/.test(message));
  if (unreachable) return `PostgreSQL at ${location} is not reachable: ${String(message)}`;
  if (code === "28P01" || code === "28000") return `PostgreSQL at ${location} refused the credentials: ${String(message)}`;
  return undefined;
}

/**
 * Closes a connection released while a query on it is still unanswered, instead of pooling it. node-postgres's query
 * timeout gives up on the answer but leaves the query on the connection, and Prisma's transactions release without
 * an error, so the next caller would queue behind a statement that may never answer. `end()` marks the client
 * ending at once, which the pool checks just after this event, and cuts the socket as it has a query in flight.
 */
function discardIfAwaitingAnswer(error: Error | undefined, client: pg.PoolClient): void {
  if (!error && (client as unknown as { _getActiveQuery?(): unknown })._getActiveQuery?.()) void client.end();
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

async function openEmbedded({ dataDir, socketPort, loadDataDir, role }: DatabaseOptions): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  // Before PGlite touches the files: a second opener would read a stale copy and its writes would be lost.
  const lock = inMemory ? undefined : lockDataDir(dataDir, role ?? "server", socketPort);
  let pglite: PGlite | undefined;
  let socketServer: PGLiteSocketServer | undefined;
  try {
    pglite = new PGlite(inMemory ? { loadDataDir } : { dataDir });
    await pglite.waitReady;
    // PGlite is one in-process session; the socket server is how a second process reaches it while we run.
    socketServer = socketPort ? new PGLiteSocketServer({ db: pglite, port: socketPort, host: "127.0.0.1" }) : undefined;
    await socketServer?.start().catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === "EADDRINUSE" ? portInUse("EMBEDDED_SOCKET_PORT", "127.0.0.1", socketPort ?? 0, error) : error;
    });
  } catch (error) {
    await pglite?.close().catch(() => {});
    lock?.release();
    throw error;
  }
  return embeddedDatabase(pglite, socketServer, dataDir, () => lock?.release());
}

function embeddedDatabase(
  pglite: PGlite,
  socketServer: PGLiteSocketServer | undefined,
  dataDir: string,
  release: () => void,
): Database {
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
    location: dataDir,
    // PGlite queues a query behind any open transaction, so a read never lands inside another request's.
    read: (text, params) => session.query(text, params),
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
      release();
    },
  };
}
