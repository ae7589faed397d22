import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * PGlite keeps its database in files that only one process may open: a second opener sees a stale copy, and what it
 * writes is lost when the first one next writes. So every process that opens an embedded data directory (the server,
 * each command-line tool) first takes this lock: a file holding the holder's pid, created exclusively.
 */
export const LOCK_FILE = "tally.lock";

/** Who holds a data directory, as its lock file says. */
export interface LockHolder {
  pid: number;
  /** What the holder is, e.g. "server" or "app:create". */
  role: string;
  /** The holder's EMBEDDED_SOCKET_PORT, when it shares the database over it. */
  socketPort?: number | undefined;
  since: string;
}

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const reach = holder.socketPort
      ? ` It shares the database on 127.0.0.1:${holder.socketPort}: set EMBEDDED_SOCKET_PORT=${holder.socketPort} for a command to go through it, or stop it.`
      : " It does not share the database (no EMBEDDED_SOCKET_PORT): stop it first, or restart it with EMBEDDED_SOCKET_PORT set so this command goes through it.";
    super(
      `The embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.role}, since ${holder.since}).${reach}` +
        ` If no such process runs, delete ${path.join(dataDir, LOCK_FILE)}.`,
    );
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still this process's; safe to call twice. */
  release(): void;
}

/**
 * Takes the data directory for this process, or throws DataDirLockedError naming the live process that holds it. A
 * lock left by a process that is gone (killed, crashed) is taken over. Released on process exit at the latest.
 */
export function lockDataDir(dataDir: string, role: string, socketPort?: number): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, role, socketPort, since: new Date().toISOString() };
  // Two attempts: the second follows the removal of a stale lock; losing that race to another process is a refusal.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (tryCreate(file, mine)) return holdUntilExit(file);
    const holder = readHolder(file);
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirLockedError(dataDir, holder);
    if (holder?.pid === process.pid) throw new DataDirLockedError(dataDir, holder);
    removeIfUnchanged(file, holder);
  }
  const holder = readHolder(file);
  throw new DataDirLockedError(dataDir, holder ?? { pid: 0, role: "unknown", since: "unknown" });
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LockHolder>;
    return Number.isSafeInteger(parsed.pid) && (parsed.pid ?? 0) > 0
      ? { pid: parsed.pid as number, role: String(parsed.role ?? "unknown"), socketPort: parsed.socketPort, since: String(parsed.since ?? "unknown") }
      : undefined;
  } catch {
    // Missing (released meanwhile) or half-written by a process that died while writing it: nobody holds it.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user — it still holds the directory.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function removeIfUnchanged(file: string, stale: LockHolder | undefined): void {
  const now = readHolder(file);
  if (now?.pid !== stale?.pid) return;
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function holdUntilExit(file: string): DataDirLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off("exit", release);
    if (readHolder(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone: nothing to release.
      }
    }
  };
  process.on("exit", release);
  return { release };
}
