import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../bench/shared.js";

/**
 * The chaos run's own PostgreSQL cluster and PgBouncer, from the machine's installation, in a temporary directory on
 * free ports: the run restarts its database, which must never be the one other people's tests use.
 */

const PG_BIN = process.env["CHAOS_PG_BIN"] ?? "/usr/lib/postgresql/15/bin";
const PGBOUNCER = process.env["CHAOS_PGBOUNCER"] ?? "/usr/sbin/pgbouncer";

/** initdb and the server refuse to run as root; as root they run as the postgres user, who owns the directory. */
const asRoot = process.getuid?.() === 0;

function command(file: string, args: string[]): [string, string[]] {
  return asRoot ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
}

function run(program: string, args: string[]): string {
  const [file, argv] = command(program, args);
  const result = spawnSync(file, argv, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${program} ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

export class PostgresCluster {
  private constructor(readonly directory: string, readonly port: number) {}

  static async start(): Promise<PostgresCluster> {
    const directory = mkdtempSync(path.join(os.tmpdir(), "tally-chaos-pg-"));
    chmodSync(directory, 0o755);
    if (asRoot) ownByPostgres(directory);
    const cluster = new PostgresCluster(directory, await freePort());
    run(`${PG_BIN}/initdb`, ["-D", cluster.dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
    cluster.pgCtl("start");
    return cluster;
  }

  private get dataDir(): string {
    return path.join(this.directory, "data");
  }

  private pgCtlArgs(action: "start" | "restart"): string[] {
    // fsync off: the run tests Tally's behaviour, not the disk's; no unix socket, only loopback TCP.
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=200`;
    return [action, "-D", this.dataDir, "-m", "fast", "-w", "-t", "60", "-l", path.join(this.directory, "postgres.log"), "-o", options];
  }

  private pgCtl(action: "start"): void {
    run(`${PG_BIN}/pg_ctl`, this.pgCtlArgs(action));
  }

  /**
   * `pg_ctl restart -m fast`: every session is ended, then the server starts again; resolves once it accepts. Not
   * synchronous, so the load's client keeps its own clock running meanwhile.
   */
  async restart(): Promise<void> {
    const [file, argv] = command(`${PG_BIN}/pg_ctl`, this.pgCtlArgs("restart"));
    await promisify(execFile)(file, argv);
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  stop(): void {
    try {
      run(`${PG_BIN}/pg_ctl`, ["stop", "-D", this.dataDir, "-m", "immediate", "-w"]);
    } finally {
      rmSync(this.directory, { recursive: true, force: true });
    }
  }
}

/** PgBouncer in transaction mode in front of `postgresPort`, every database name forwarded. */
export class PgBouncer {
  private constructor(private readonly directory: string, readonly port: number) {}

  static async start(postgresPort: number): Promise<PgBouncer> {
    const directory = mkdtempSync(path.join(os.tmpdir(), "tally-chaos-pgbouncer-"));
    chmodSync(directory, 0o755);
    const port = await freePort();
    writeFileSync(path.join(directory, "users.txt"), '"postgres" ""\n');
    writeFileSync(
      path.join(directory, "pgbouncer.ini"),
      [
        "[databases]",
        `* = host=127.0.0.1 port=${postgresPort}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "unix_socket_dir =",
        "auth_type = trust",
        `auth_file = ${directory}/users.txt`,
        "pool_mode = transaction",
        "max_client_conn = 1000",
        "default_pool_size = 20",
        // A server connection PostgreSQL's restart cut is found at its next use; check idle ones quickly.
        "server_check_delay = 1",
        // After one failed login (PostgreSQL restarting) PgBouncer refuses every new server connection for this long;
        // its default of 15 s would turn a half-second restart into 15 s of 503s.
        "server_login_retry = 1",
        "ignore_startup_parameters = extra_float_digits,options",
        `logfile = ${directory}/pgbouncer.log`,
        `pidfile = ${directory}/pgbouncer.pid`,
        "",
      ].join("\n"),
    );
    if (asRoot) ownByPostgres(directory);
    execFileSync(PGBOUNCER, ["-d", ...(asRoot ? ["-u", "postgres"] : []), path.join(directory, "pgbouncer.ini")]);
    return new PgBouncer(directory, port);
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  stop(): void {
    try {
      const pid = Number(execFileSync("cat", [path.join(this.directory, "pgbouncer.pid")], { encoding: "utf8" }).trim());
      if (pid > 0) process.kill(pid, "SIGTERM");
    } catch {
      // It never started, or is already gone.
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}

function ownByPostgres(directory: string): void {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  chownSync(directory, uid, gid);
}
