import type { TcpProxy } from "../../test/helpers/tcp-proxy.js";
import type { PostgresCluster } from "./cluster.js";
import type { Random } from "./random.js";
import type { Replica } from "./replicas.js";

/** A fault while it lasted (until the system was whole again), for the checks that allow 503 only then. */
export interface FaultWindow {
  kind: "replica SIGKILL" | "PostgreSQL restart" | "blackhole partition";
  /** The replica it hit; undefined for the database, which every replica sees. */
  replica?: number;
  start: number;
  end: number;
}

/** How long the partition lasts: longer than any server-side limit, so each of them has to fire. */
export const BLACKHOLE_MS = 8_000;
/** How long a killed replica stays down before it is started again. */
const DOWN_MS = 2_000;

/**
 * The faults of one run, each at a random moment of the load (seeded): one replica killed with SIGKILL and started
 * again, PostgreSQL restarted once, and the replica behind the TCP proxy partitioned from PgBouncer. They are spaced
 * so their windows never overlap and each one's effects can be told apart.
 */
export function planFaults(total: number, random: Random) {
  const at = (from: number, to: number) => Math.floor((total * random.int(from * 100, to * 100)) / 100);
  return { kill: at(0.1, 0.25), restart: at(0.4, 0.5), blackhole: at(0.65, 0.75) };
}

export class FaultInjector {
  readonly windows: FaultWindow[] = [];
  private readonly running: Promise<void>[] = [];
  private readonly pending;

  constructor(
    plan: ReturnType<typeof planFaults>,
    private readonly replicas: Replica[],
    private readonly killed: number,
    private readonly partitioned: { index: number; proxy: TcpProxy },
    private readonly cluster: PostgresCluster,
  ) {
    this.pending = [
      { at: plan.kill, run: () => this.killReplica() },
      { at: plan.restart, run: () => this.restartPostgres() },
      { at: plan.blackhole, run: () => this.partition() },
    ];
  }

  /** Starts each fault whose moment has come; the load goes on meanwhile. */
  progress(done: number): void {
    for (const fault of this.pending.filter((candidate) => candidate.at <= done)) {
      this.pending.splice(this.pending.indexOf(fault), 1);
      this.running.push(fault.run());
    }
  }

  /** Waits for every started fault to be over (a killed replica ready again, the partition healed). */
  async settled(): Promise<void> {
    await Promise.all(this.running);
  }

  get injected(): number {
    return this.windows.length;
  }

  private async killReplica(): Promise<void> {
    const replica = this.replicas[this.killed]!;
    const start = Date.now();
    await replica.kill();
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    await replica.start();
    this.windows.push({ kind: "replica SIGKILL", replica: replica.index, start, end: Date.now() });
  }

  private async restartPostgres(): Promise<void> {
    const start = Date.now();
    await this.cluster.restart();
    this.windows.push({ kind: "PostgreSQL restart", start, end: Date.now() });
  }

  private async partition(): Promise<void> {
    const start = Date.now();
    this.partitioned.proxy.blackhole();
    await new Promise((resolve) => setTimeout(resolve, BLACKHOLE_MS));
    this.partitioned.proxy.heal();
    this.windows.push({ kind: "blackhole partition", replica: this.partitioned.index, start, end: Date.now() });
  }
}
