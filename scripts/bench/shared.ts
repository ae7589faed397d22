import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/** What the benchmarks share: where their throwaway database lives, and reading their numeric flags. */

/**
 * The keys production requires, fresh for one run, and no mail: a benchmark's server is configured as production
 * is, with nothing left over from this shell.
 */
export function productionKeys(): Record<string, string> {
  const secret = randomBytes(24).toString("hex");
  return {
    AUTH_SIGNING_KEYS: `bench:${secret}`,
    SHOPPER_TOKEN_SECRET: secret,
    EVENT_SECRET_KEYS: `bench:${randomBytes(32).toString("base64")}`,
    MAIL_DISABLED: "true",
  };
}

/**
 * The benchmark's database: BENCH_DATABASE_URL as given, else `name` on the server of DATABASE_URL, else on the
 * local PostgreSQL. DATABASE_URL may name a database someone cares about: only its server is borrowed.
 */
export function benchDatabaseUrl(name: string): string {
  const explicit = process.env["BENCH_DATABASE_URL"];
  if (explicit) return explicit;
  return withDatabase(process.env["DATABASE_URL"] || "postgresql://postgres@127.0.0.1:5432/postgres", name);
}

/** The same server, another database (the maintenance database `postgres` to create and drop the benchmark's). */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A flag that must be a positive integer. */
export function positiveFlag(flags: Readonly<Record<string, unknown>>, name: string): number {
  const value = Number(flags[name]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${String(flags[name])}`);
  return value;
}

/** Runs a setup step and prints how long it took. */
export async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** A plain-text table with columns as wide as their widest cell. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(line(header));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of rows) console.log(line(row));
}

export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  // SIGTERM lets close-with-grace close the app and node write the CPU profile; SIGKILL if that hangs.
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function waitUntilReady(base: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode} before it was ready`);
    const response = await fetch(`${base}/ready`).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${base}/ready did not answer 200 within 60 s`);
}

/** utime + stime of the process, in clock ticks: every thread's CPU (event loop, GC, libuv pool). */
export function cpuTicks(server: ChildProcess): number {
  return processTicks(server.pid!);
}

/** utime + stime of any process, in clock ticks. */
export function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat(5), i.e. 12 and 13 after the state (field 3).
  return Number(fields[11]) + Number(fields[12]);
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");
}

/** The kernel's clock ticks per second, the unit of cpuTicks. */
export function clockTicksPerSecond(): number {
  return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Runs `work` against a database created empty for it at `url` (dropped first if a previous run left it), and drops
 * it afterwards unless `keep`.
 */
export async function withThrowawayDatabase<T>(url: string, keep: boolean, work: (name: string) => Promise<T>): Promise<T> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    return await work(name);
  } finally {
    if (!keep) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

/** `npm run build`, so the server measured is the one production runs. */
export function buildTally(): Promise<void> {
  return timed("npm run build", async () => void execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" }));
}

/** The resident set size of a process, in MB, from /proc/<pid>/status. */
export function residentMegabytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** A build of the committed HEAD, beside the working tree, and how to remove it. */
export interface CommittedBuild {
  root: string;
  commit: string;
  remove(): void;
}

/**
 * Builds HEAD as committed in a detached worktree under the system's temporary directory, with this repository's
 * node_modules linked in and its generated Prisma client copied (it is not committed), so that a benchmark can run
 * today's committed code beside the working tree's in the same run.
 */
export async function buildCommittedTally(): Promise<CommittedBuild> {
  const root = mkdtempSync(path.join(os.tmpdir(), "tally-committed-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  const commit = git("rev-parse", "--short", "HEAD");
  const remove = () => {
    git("worktree", "remove", "--force", root);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    git("worktree", "add", "--quiet", "--detach", root, "HEAD");
    symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
    cpSync(path.join(ROOT, "src/generated"), path.join(root, "src/generated"), { recursive: true });
    await timed(`build of HEAD (${commit}) in ${root}`, async () =>
      void execFileSync("npx", ["tsc", "-b", "tsconfig.build.json"], { cwd: root, stdio: "inherit" }),
    );
    return { root, commit, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

export interface ServerOptions {
  port: number;
  /** Absent: the embedded database, as `env` configures it. */
  databaseUrl?: string;
  poolSize?: number;
  /** Settings of this benchmark's own, on top of production's. */
  env?: NodeJS.ProcessEnv;
  /** Write the server's V8 CPU profile to this directory when it stops. */
  cpuProfileDir?: string | undefined;
  /** Run src/server.ts through tsx instead of the build. */
  source?: boolean;
  /** The checkout whose build runs (a worktree of another commit, say); this repository by default. */
  root?: string;
  /** Where the server's stdout (its log) goes: a file descriptor, or this terminal by default. */
  stdout?: number;
}

/**
 * Starts Tally as production starts it, in a process of its own: `node dist/server.js`, NODE_ENV=production, fresh
 * keys, warnings and errors logged, rate limits and the timer-driven purges off (they would land in one round).
 */
export function startProductionServer({
  port,
  databaseUrl,
  poolSize,
  env = {},
  cpuProfileDir,
  source = false,
  root = ROOT,
  stdout,
}: ServerOptions): ChildProcess {
  // Built from nothing but PATH and the image's settings: this shell's DATABASE_URL or NODE_OPTIONS never reach the server.
  const serverEnv: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    // Per-request info lines would be measured as the route's own cost.
    LOG_LEVEL: "warn",
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    ...(poolSize === undefined ? {} : { DATABASE_POOL_SIZE: String(poolSize) }),
    ...productionKeys(),
    RATE_LIMIT_PER_MINUTE: "0",
    IDEMPOTENCY_PURGE_INTERVAL_MINUTES: "0",
    ...productionMemoryEnv(root),
    ...env,
  };
  const profile = cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(cpuProfileDir)}`] : [];
  const entry = source ? ["--import", "tsx", "src/server.ts"] : ["dist/server.js"];
  // The server is node itself, not npm or a shell, so /proc/<pid> is the process that answers.
  const child = spawn(process.execPath, [...profile, ...entry], { cwd: root, env: serverEnv, stdio: ["ignore", stdout ?? "inherit", "inherit"] });
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal === null) console.error(`The server exited with ${code}.`);
  });
  return child;
}

/**
 * The memory settings of the runtime image of the build at `root` (glibc's malloc, Node.js's options), read from its
 * Dockerfile's ENV so the benchmark starts each build as its image would; a build from before they were set gets none.
 */
function productionMemoryEnv(root: string): NodeJS.ProcessEnv {
  const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8");
  const env: NodeJS.ProcessEnv = {};
  for (const name of ["GLIBC_TUNABLES", "NODE_OPTIONS"]) {
    const value = new RegExp(`^\\s*${name}=(\\S+?)(?:\\s+\\\\)?$`, "m").exec(dockerfile)?.[1];
    if (value) env[name] = value;
  }
  return env;
}

/**
 * utime + stime, in clock ticks, of every PostgreSQL backend serving `client`'s database but `client` itself, by
 * backend pid; undefined when the database runs on another machine (or as another user) and /proc cannot say.
 */
export async function databaseBackendTicks(client: pg.Client): Promise<Map<number, number> | undefined> {
  const backends = await client.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  );
  const ticks = new Map<number, number>();
  try {
    for (const { pid } of backends.rows) ticks.set(pid, processTicks(pid));
  } catch {
    return undefined;
  }
  return ticks;
}

/** The backends' CPU ticks between two readings of databaseBackendTicks; a backend started in between counts whole. */
export function backendTicksBetween(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number | undefined {
  if (!before || !after) return undefined;
  let total = 0;
  for (const [pid, ticks] of after) total += ticks - (before.get(pid) ?? 0);
  return total;
}
