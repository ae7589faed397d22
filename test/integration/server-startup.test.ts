import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { LOCK_FILE } from "../../src/db/data-dir-lock.js";

const run = promisify(execFile);

/** Starts src/server.ts with `env` over a development environment without DATABASE_URL; resolves when it exits. */
async function startServer(env: Record<string, string>) {
  const full: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", LOG_LEVEL: "silent", HOST: "127.0.0.1", EMBEDDED_SEED_DEMO: "false", ...env };
  delete full["DATABASE_URL"];
  return run("node", ["--import", "tsx", "src/server.ts"], { env: full, timeout: 60_000 }).then(
    () => ({ code: 0, stderr: "" }),
    (error: { code: number; stderr: string }) => error,
  );
}

/** A listener on a loopback port, standing in for another Tally that took it first. */
async function occupiedPort(): Promise<net.Server & { port: number }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(server, { port: (server.address() as net.AddressInfo).port });
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tally-start-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test("a second Tally whose EMBEDDED_SOCKET_PORT is taken stops with one line naming the variable and the ways out", async () => {
  const other = await occupiedPort();
  try {
    const dataDir = path.join(root, "pglite");
    const result = await startServer({ PORT: "0", EMBEDDED_DATA_DIR: dataDir, EMBEDDED_SOCKET_PORT: String(other.port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `EMBEDDED_SOCKET_PORT=${other.port}: 127.0.0.1:${other.port} is already in use, probably by another Tally. Stop that process, ` +
        "or set EMBEDDED_SOCKET_PORT to a free port, or 0 to turn the socket off (command-line tools then cannot reach the running server's database).\n",
    );
    // The data directory is not left locked by the process that gave up.
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  } finally {
    other.close();
  }
}, 60_000);

test.each(["PORT", "METRICS_PORT"])("a taken %s stops the server with one line naming it", async (variable) => {
  const other = await occupiedPort();
  try {
    const result = await startServer({ PORT: "0", EMBEDDED_DATA_DIR: "memory://", EMBEDDED_SOCKET_PORT: "0", [variable]: String(other.port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${variable}=${other.port}: 127\\.0\\.0\\.1:${other.port} is already in use.*set ${variable} to a free port.*\\n$`));
    expect(result.stderr.split("\n")).toHaveLength(2);
  } finally {
    other.close();
  }
}, 60_000);

test("production without DATABASE_URL refuses to start, naming DATABASE_URL and EMBEDDED_DATABASE", async () => {
  const result = await startServer({
    NODE_ENV: "production",
    AUTH_SIGNING_KEYS: `k1:${"a".repeat(32)}`,
    SHOPPER_TOKEN_SECRET: "b".repeat(32),
    EMBEDDED_DATA_DIR: path.join(root, "pglite"),
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("DATABASE_URL: required in production (or set EMBEDDED_DATABASE=true and EMBEDDED_DATA_DIR");
  expect(result.stderr).not.toMatch(/\n\s+at /);
  // Refused before anything was opened: no embedded database was created.
  expect(existsSync(path.join(root, "pglite"))).toBe(false);
}, 60_000);
