import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { openCliDatabase } from "../../src/cli/database.js";
import { loadConfig } from "../../src/config.js";
import { LOCK_FILE } from "../../src/db/data-dir-lock.js";

const run = promisify(execFile);

/** A port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function embeddedEnv(dataDir: string, socketPort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    EMBEDDED_DATA_DIR: dataDir,
    EMBEDDED_SOCKET_PORT: String(socketPort),
    EMBEDDED_SEED_DEMO: "false",
    DEV_SECRETS_FILE: path.join(dataDir, "..", "dev-secrets.json"),
  };
  delete env["DATABASE_URL"];
  return env;
}

async function runCli(script: string, args: string[], env: NodeJS.ProcessEnv) {
  return run("node", ["--import", "tsx", script, ...args], { env }).then(
    (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const TENANT = 4242;
let root: string;
let dataDir: string;
let serverSocketPort: number;
let server: ChildProcess;

/**
 * A connection to the server's socket, which serves one at a time and frees its slot a moment after the last one
 * closed: one turned away is tried again.
 */
async function socketClient(): Promise<pg.Client> {
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${serverSocketPort}/postgres` });
    client.on("error", () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      if (attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** One query through the server's socket, so none is kept open. */
async function query<Row extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Row[]> {
  const client = await socketClient();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "tally-held-"));
  dataDir = path.join(root, "pglite");
  serverSocketPort = await closedPort();
  server = spawn("node", ["--import", "tsx", "src/server.ts"], {
    env: { ...embeddedEnv(dataDir, serverSocketPort), PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Server listening")) resolve();
    };
    server.stdout?.on("data", onData);
    server.stderr?.on("data", onData);
    server.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  // A tenant to register applications for, written through the server's socket like any sanctioned client.
  await query("INSERT INTO tenants (id, name, domain) VALUES ($1, 'Held', 'held.example')", [TENANT]);
}, 60_000);

afterAll(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
});

async function applications(): Promise<number> {
  const rows = await query<{ n: string }>("SELECT count(*)::text AS n FROM applications WHERE tenant_id = $1", [TENANT]);
  return Number(rows[0]?.n);
}

test.each([
  ["app:create", "src/cli/app-create.ts", ["--tenant", String(TENANT), "--behaviors", "all"]],
  ["db:migrate", "src/cli/migrate.ts", []],
  ["db:seed", "src/cli/seed.ts", []],
  ["db:purge-idempotency", "src/cli/purge-idempotency.ts", []],
])(
  "%s against a data directory a running server holds, its socket not answering, fails naming the server and writes nothing",
  async (_name, script, args) => {
    const result = await runCli(script, args, embeddedEnv(dataDir, await closedPort()));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`in use by process ${server.pid} (server`);
    expect(result.stderr).toContain(`EMBEDDED_SOCKET_PORT=${serverSocketPort}`);
    expect(result.stdout).not.toMatch(/client id|secret|Applied|loaded|Deleted/i);
    expect(await applications()).toBe(0);
    // The server's lock is left as it was, and the server still serves its database.
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    expect(await query("SELECT id FROM tenants")).toEqual([{ id: TENANT }]);
  },
  30_000,
);

test("app:create through the server's socket registers an application the server then holds", async () => {
  const result = await runCli("src/cli/app-create.ts", ["--tenant", String(TENANT), "--behaviors", "all", "--json"], embeddedEnv(dataDir, serverSocketPort));
  expect(result.code).toBe(0);
  const printed = JSON.parse(result.stdout) as { clientId: string };
  const rows = await query<{ client_id: string }>("SELECT client_id FROM applications WHERE tenant_id = $1", [TENANT]);
  expect(rows.map((row) => row.client_id)).toEqual([printed.clientId]);
}, 30_000);

test("a command finding the server's socket busy waits for it, then goes through it", async () => {
  const holder = await socketClient();
  const releasing = new Promise((resolve) => setTimeout(resolve, 500)).then(() => holder.end());
  const database = await openCliDatabase(loadConfig(embeddedEnv(dataDir, serverSocketPort)), "test");
  try {
    await releasing;
    expect(await database.read("SELECT id FROM tenants", [])).toEqual([{ id: TENANT }]);
  } finally {
    await database.close();
  }
}, 30_000);

test("a command finding the server's socket busy for longer than DATABASE_CONNECT_TIMEOUT_MS fails saying so and writes nothing", async () => {
  const holder = await socketClient();
  try {
    const env = { ...embeddedEnv(dataDir, serverSocketPort), DATABASE_CONNECT_TIMEOUT_MS: "1000" };
    const result = await runCli("src/cli/app-create.ts", ["--tenant", String(TENANT), "--behaviors", "all"], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`the server's socket at 127.0.0.1:${serverSocketPort} serves one connection at a time and stayed busy for 1000 ms`);
    expect(result.stdout).not.toMatch(/client id|secret/i);
  } finally {
    await holder.end();
  }
  expect(await applications()).toBe(1);
}, 30_000);
