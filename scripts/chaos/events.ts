import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import type pg from "pg";
import type { Check } from "./checks.js";

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

  stats(): Promise<{ received: number; duplicates: number; invalid: number }> {
    return new Promise((resolve) => {
      const listener = (message: { type: string; received: number; duplicates: number; invalid: number }) => {
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

/**
 * Every event recorded for the subscription was delivered, once: the receiver saw as many distinct events as the
 * subscription has deliveries, none twice, none wrongly signed, and no delivery is left failed. Waits for the
 * outstanding ones (a killed replica's leases have to expire first).
 */
export async function deliveryCheck(sql: pg.Client, receiver: Receiver, waitMs: number): Promise<Check & { events: number }> {
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
      if (stats.duplicates > 0) violations.push(`${stats.duplicates} events delivered more than once`);
      if (stats.invalid > 0) violations.push(`${stats.invalid} deliveries wrongly signed`);
      return { name: `every event delivered once per subscription (${total} events)`, violations, events: Number(total) };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
