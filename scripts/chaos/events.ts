import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import type pg from "pg";
import type { Check } from "./checks.js";
import type { FaultWindow } from "./faults.js";
import type { Replica } from "./replicas.js";

/** One copy of an event at the receiver: when it arrived and the pid that sent it (null when it could not be told). */
export interface Copy {
  at: number;
  pid: number | null;
}

interface ReceiverStats {
  received: number;
  duplicates: number;
  invalid: number;
  /** The events that arrived more than once, each copy in order of arrival. */
  repeated: { eventId: string; copies: Copy[] }[];
}

/** The webhook receiver of `npm run bench:events`, reused: it checks each delivery's signature and counts arrivals. */
export class Receiver {
  private constructor(private readonly child: ChildProcess, readonly url: string) {}

  static async start(sharedSecret: string): Promise<Receiver> {
    const child = fork(path.join(import.meta.dirname, "../bench/event-receiver.ts"), {
      execArgv: ["--import", "tsx"],
      env: { PATH: process.env["PATH"], RECEIVER_SHARED_SECRET: sharedSecret },
    });
    const port = await new Promise<number>((resolve) =>
      child.on("message", (message: { type: string; port?: number }) => {
        if (message.type === "listening") resolve(message.port!);
      }),
    );
    return new Receiver(child, `http://127.0.0.1:${port}/tally-events`);
  }

  /** A process that may deliver: the receiver records which of these sent each copy of an event. */
  addSender(pid: number): void {
    this.child.send({ type: "sender", pid });
  }

  stats(): Promise<ReceiverStats> {
    return new Promise((resolve) => {
      const listener = (message: ReceiverStats & { type: string }) => {
        if (message.type !== "stats") return;
        this.child.off("message", listener);
        resolve(message);
      };
      this.child.on("message", listener);
      this.child.send({ type: "stats" });
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/** What the delivery check needs of the run to tell why an event came twice. */
export interface DeliveryContext {
  replicas: readonly Replica[];
  windows: readonly FaultWindow[];
  leaseMs: number;
  origin: number;
}

/** An attempt of a delivery as the database recorded it. */
interface AttemptRow {
  event_id: string;
  execution_date: Date;
  delivery_status: string;
  error_type: string | null;
}

/**
 * Every event recorded for the subscription was delivered, once: the receiver saw as many distinct events as the
 * subscription has deliveries, none wrongly signed, and no delivery is left failed. Waits for the outstanding ones (a
 * killed replica's leases have to expire first).
 *
 * Delivery is at least once: a sender that dies, or loses the database, after the receiver's 200 and before its
 * outcome commits cannot help the lease running out and the event being delivered again. Such a copy is allowed, and
 * listed with its proof, only when every copy but the last was sent by a process the run cut off at that moment: the
 * killed replica's process, killed within a lease after the copy arrived, or the partitioned replica, the copy having
 * arrived within a lease before the partition or during it; and its attempt was lost (the database recorded it
 * WorkerLost when another process took the delivery over). Any other repeat is a violation.
 */
export async function deliveryCheck(sql: pg.Client, receiver: Receiver, waitMs: number, run: DeliveryContext): Promise<Check & { events: number }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await sql.query<{ total: string; open: string; failed: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE d.status = 'Pending') AS open, count(*) FILTER (WHERE d.status = 'Failed') AS failed
         FROM event_deliveries d JOIN event_subscriptions s ON s.id = d.subscription_ref WHERE s.is_active`,
    );
    const { total, open, failed } = rows[0]!;
    const stats = await receiver.stats();
    if (Number(open) === 0 || Date.now() > deadline) {
      const violations: string[] = [];
      if (Number(open) > 0) violations.push(`${open} deliveries still pending after ${waitMs / 1000} s`);
      if (Number(failed) > 0) violations.push(`${failed} deliveries failed`);
      if (stats.received !== Number(total)) violations.push(`${total} deliveries recorded, ${stats.received} distinct events received`);
      if (stats.invalid > 0) violations.push(`${stats.invalid} deliveries wrongly signed`);
      const { rows: attempts } = await sql.query<AttemptRow>(
        `SELECT e.event_id, a.execution_date, a.delivery_status, a.error_type
           FROM events e JOIN event_deliveries d ON d.event_ref = e.id JOIN event_delivery_attempts a ON a.delivery_ref = d.id
          WHERE e.event_id = ANY($1) ORDER BY a.id`,
        [stats.repeated.map((event) => event.eventId)],
      );
      const notes: string[] = [];
      for (const { eventId, copies } of stats.repeated) {
        const history = attempts.filter((attempt) => attempt.event_id === eventId);
        const causes = copies.slice(0, -1).map((copy) => redeliveryCause(copy, history, run));
        const line = `${eventId}: ${copies.map((copy) => describeCopy(copy, run)).join("; then ")}`;
        if (causes.every((cause) => cause.allowed)) notes.push(`${line} — ${causes.map((cause) => cause.why).join("; ")}`);
        else violations.push(`delivered ${copies.length} times: ${line} — ${causes.map((cause) => cause.why).join("; ")}`);
      }
      if (stats.duplicates > 0 && stats.repeated.length === 0) violations.push(`${stats.duplicates} events delivered more than once (senders not told)`);
      const allowed = notes.length === 0 ? "" : `; ${notes.length} sent again after their first sender was cut off between the 200 and its commit, allowed`;
      return { name: `every event delivered once per subscription (${total} events${allowed})`, violations, notes, events: Number(total) };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The replica a pid was, and that process's incarnation. */
function senderOf(pid: number | null, replicas: readonly Replica[]) {
  for (const replica of replicas) {
    const incarnation = replica.incarnations.find((candidate) => candidate.pid === pid);
    if (incarnation) return { replica: replica.index, incarnation };
  }
  return undefined;
}

function describeCopy(copy: Copy, run: DeliveryContext): string {
  const sender = senderOf(copy.pid, run.replicas);
  const from = sender ? `replica ${sender.replica} (pid ${copy.pid})` : copy.pid === null ? "an unidentified sender" : `pid ${copy.pid}`;
  return `from ${from} at +${((copy.at - run.origin) / 1000).toFixed(1)} s`;
}

/** Why a copy was followed by another: allowed only for a sender cut off from committing its outcome, with the proof. */
function redeliveryCause(copy: Copy, history: AttemptRow[], run: DeliveryContext): { allowed: boolean; why: string } {
  const sender = senderOf(copy.pid, run.replicas);
  if (!sender) return { allowed: false, why: "its sender is not known" };
  // The copy's claim: a lease taken before the copy arrived, and given up for lost by the process that took over.
  const lost = history.some(
    (attempt) =>
      attempt.error_type === "WorkerLost" &&
      attempt.execution_date.getTime() <= copy.at &&
      copy.at - attempt.execution_date.getTime() <= 2 * run.leaseMs,
  );
  const outcome = lost ? "its attempt was taken over as WorkerLost" : "no WorkerLost attempt for it: its sender recorded an outcome";
  const { killedAt } = sender.incarnation;
  if (killedAt !== undefined && copy.at <= killedAt && killedAt - copy.at <= run.leaseMs) {
    return { allowed: lost, why: `replica ${sender.replica} was SIGKILLed ${((killedAt - copy.at) / 1000).toFixed(1)} s after the copy arrived; ${outcome}` };
  }
  const partition = run.windows.find(
    (window) =>
      window.kind === "blackhole partition" &&
      window.replica === sender.replica &&
      copy.at >= window.start - run.leaseMs &&
      copy.at <= window.end,
  );
  if (partition) {
    const when = copy.at < partition.start ? `${((partition.start - copy.at) / 1000).toFixed(1)} s after the copy arrived` : "when the copy arrived";
    return { allowed: lost, why: `replica ${sender.replica} was partitioned from the database ${when}; ${outcome}` };
  }
  return { allowed: false, why: `replica ${sender.replica} was neither killed nor partitioned then; ${outcome}` };
}
