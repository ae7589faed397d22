import type { ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { freePort, startProductionServer, stopServer, waitUntilReady } from "../bench/shared.js";

/** One process a replica ran as: its pid, and when it was SIGKILLed (undefined while it ran to the end). */
export interface Incarnation {
  pid: number;
  killedAt?: number;
}

/** One Tally process of the run, which can be killed with SIGKILL and started again on its port. */
export class Replica {
  private child: ChildProcess | undefined;
  private log: number | undefined;
  /** Every process this replica ran as, in order: which replica sent a delivery is told by its pid. */
  readonly incarnations: Incarnation[] = [];

  private constructor(
    readonly index: number,
    readonly port: number,
    private readonly databaseUrl: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
    private readonly onSpawn: (pid: number) => void,
  ) {}

  /** `onSpawn` hears each new process's pid before it serves or delivers anything. */
  static async create(index: number, databaseUrl: string, env: NodeJS.ProcessEnv, logDir: string, onSpawn: (pid: number) => void): Promise<Replica> {
    return new Replica(index, await freePort(), databaseUrl, env, path.join(logDir, `replica-${index}.log`), onSpawn);
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.log ??= openSync(this.logFile, "a");
    this.child = startProductionServer({ port: this.port, databaseUrl: this.databaseUrl, poolSize: 8, env: this.env, stdout: this.log });
    if (this.child.pid !== undefined) {
      this.incarnations.push({ pid: this.child.pid });
      this.onSpawn(this.child.pid);
    }
    await waitUntilReady(this.base, this.child);
  }

  /** SIGKILL: no graceful close, requests in flight are cut, leases it held on deliveries are left to expire. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const incarnation = this.incarnations.find((candidate) => candidate.pid === child.pid);
    if (incarnation) incarnation.killedAt = Date.now();
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    if (this.child) await stopServer(this.child);
    if (this.log !== undefined) closeSync(this.log);
    this.log = undefined;
  }
}
