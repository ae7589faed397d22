import { Writable } from "node:stream";
import pino from "pino";
import type { DeliveryJob } from "../../../src/delivery/loop.js";
import { mailJob } from "../../../src/mail/job.js";
import { type MailTransport, mailTransport } from "../../../src/mail/transport.js";
import { testConfig } from "../../helpers/app.js";
import type { DatabaseHarness } from "../../helpers/harness.js";

/** A pino logger whose JSON lines land in `lines` (debug and up), to assert on what the mailer logs. */
export function capturingLogger(lines: Record<string, unknown>[] = []) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "debug" }, stream), lines };
}

/**
 * Builds mailers (transport + job) as a replica would, with the tests' retry timings (10 ms base, 3 attempts), and
 * closes their transports after each test.
 */
export function useMailers(harness: DatabaseHarness) {
  const transports: MailTransport[] = [];
  afterEach(() => {
    for (const transport of transports.splice(0)) transport.close();
  });
  return function mailer(env: Record<string, string>, log = capturingLogger().log): DeliveryJob {
    const config = testConfig({ EVENT_RETRY_BASE_MS: "10", EVENT_DELIVERY_MAX_ATTEMPTS: "3", ...env });
    const transport = mailTransport(config, log);
    if (!transport) throw new Error("mail is disabled in this configuration");
    transports.push(transport);
    return mailJob({ prisma: harness.database.prisma, transport, config, log });
  };
}

/** Runs the job until no mail is Pending (retries included, each waiting its backoff); how many tasks ran. */
export async function settle(harness: DatabaseHarness, job: DeliveryJob, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let ran = 0;
  for (;;) {
    const tasks = await job.claim(8);
    await Promise.all(tasks.map((task) => task()));
    ran += tasks.length;
    if (tasks.length > 0) continue;
    if ((await harness.database.prisma.notificationOutbox.count({ where: { status: "Pending" } })) === 0) return ran;
    if (Date.now() > deadline) throw new Error(`mail still Pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function outbox(harness: DatabaseHarness, tenantId: number) {
  return harness.database.prisma.notificationOutbox.findMany({ where: { tenantId }, orderBy: { id: "asc" } });
}
