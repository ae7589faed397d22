import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type Database, openDatabase } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { createTenant } from "../../src/demo/factories.js";
import { openTestDatabase, testServerUrl, withDatabaseName, workerDatabaseName } from "./database.js";

/** Where a command under test writes, and how the test reads it back. */
export interface CliDatabase {
  /** The command's environment: this one's, with the database and a development secrets file of the test's own. */
  env: NodeJS.ProcessEnv;
  /** A tenant created for the commands to work in. */
  tenantId: number;
  /** A scratch directory removed after the file's tests. */
  root: string;
  /** Runs `fn` on the database the commands write to; an embedded directory is open only meanwhile (one opener). */
  inDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T>;
  /** Runs a command's source (`src/cli/…`) as `npm run` would, in that environment; a non-zero exit is returned, not thrown. */
  command(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

const run = promisify(execFile);

/**
 * For tests of command-line tools, which run in child processes and open the database as they would a deployment's:
 * PostgreSQL by DATABASE_URL (this worker's database), or an embedded data directory of their own, socket off.
 * Registers its own beforeAll/afterAll; the fields are filled in by the time the first test runs.
 */
export function useCliDatabase(prefix: string, extraEnv: NodeJS.ProcessEnv = {}): CliDatabase {
  const cli = {
    command: (script, args) =>
      run("node", ["--import", "tsx", script, ...args], { env: cli.env }).then(
        (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      ),
  } as CliDatabase;
  let shared: Database | undefined;
  beforeAll(async () => {
    cli.root = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
    const base: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development",
      DEV_SECRETS_FILE: path.join(cli.root, "dev-secrets.json"),
      ...extraEnv,
    };
    delete base["DATABASE_URL"];
    const server = testServerUrl();
    if (server) {
      const database = await openTestDatabase();
      shared = database;
      cli.env = { ...base, DATABASE_URL: withDatabaseName(server, workerDatabaseName()) };
      cli.inDatabase = (fn) => fn(database);
    } else {
      const dataDir = path.join(cli.root, "pglite");
      cli.env = { ...base, EMBEDDED_DATA_DIR: dataDir, EMBEDDED_SOCKET_PORT: "0" };
      cli.inDatabase = async (fn) => {
        const database = await openDatabase({ dataDir, poolSize: 1, connectTimeoutMs: 5_000, role: "test" });
        try {
          return await fn(database);
        } finally {
          await database.close();
        }
      };
      await cli.inDatabase((database) => database.withSession((sql) => applyMigrations(sql, readMigrations())));
    }
    cli.tenantId = await cli.inDatabase(async (database) => (await createTenant(database.prisma)).id);
  }, 60_000);
  afterAll(async () => {
    await shared?.close();
    rmSync(cli.root, { recursive: true, force: true });
  });
  return cli;
}
