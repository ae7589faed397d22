import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataDirLockedError, LOCK_FILE, lockDataDir } from "../../../src/db/data-dir-lock.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "tally-lock-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A process that stays alive until killed, and its pid. */
function sleeper() {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid as number;
}

describe("lockDataDir", () => {
  it("writes this process's pid and removes the file on release", () => {
    const lock = lockDataDir(dir, "server", 54329);
    const holder = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"));
    expect(holder).toMatchObject({ pid: process.pid, role: "server", socketPort: 54329 });
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lock.release();
  });

  it("refuses a directory held by a live process, naming the pid, its role and the socket port to use", () => {
    const child = sleeper();
    try {
      writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, role: "server", socketPort: 54400, since: "2026-12-01T10:00:00.000Z" }));
      let thrown: unknown;
      try {
        lockDataDir(dir, "app:create");
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DataDirLockedError);
      const message = (thrown as Error).message;
      expect(message).toContain(`process ${child.pid} (server`);
      expect(message).toContain("EMBEDDED_SOCKET_PORT=54400");
      // The holder's lock is left alone.
      expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8")).pid).toBe(child.pid);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("refuses a second lock by the same process", () => {
    const lock = lockDataDir(dir, "server");
    try {
      expect(() => lockDataDir(dir, "server")).toThrow(DataDirLockedError);
    } finally {
      lock.release();
    }
  });

  it("takes over a lock whose process is gone, and one that is unreadable", async () => {
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: await deadPid(), role: "server", since: "x" }));
    const lock = lockDataDir(dir, "db:migrate");
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid, role: "db:migrate" });
    lock.release();

    writeFileSync(path.join(dir, LOCK_FILE), "{half-writ");
    lockDataDir(dir, "server").release();
  });

  it("does not remove a lock another process took after this one released", () => {
    const lock = lockDataDir(dir, "server");
    lock.release();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 1, role: "other", since: "x" }));
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(true);
  });
});
