import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { secretBox } from "../auth/secret-box.js";
import type { Config } from "../config.js";
import { type DeliveryJob, type DeliveryLoop, startDeliveryLoop } from "../delivery/loop.js";
import { pushJob } from "../events/push/job.js";
import { mailJob } from "../mail/job.js";
import { mailTransport } from "../mail/transport.js";

export interface DeliveryWorkerOptions {
  config: Config;
}

/**
 * Runs this process's delivery loop (push deliveries and mail) from the moment the app is ready until it closes.
 * Every replica runs one; the queue is shared through the database. Closing stops claiming and waits for the
 * deliveries in flight (at most EVENT_DELIVERY_TIMEOUT_MS each) before the database closes.
 */
export default fp<DeliveryWorkerOptions>(
  async function deliveryWorker(app: FastifyInstance, { config }) {
    if (!config.EVENT_SECRET_KEYS) throw new Error("EVENT_SECRET_KEYS is required to sign push deliveries");
    const jobs: DeliveryJob[] = [
      pushJob({ prisma: app.db.prisma, secrets: secretBox(config.EVENT_SECRET_KEYS), config, log: app.log.child({ job: "push" }) }),
    ];
    const mailLog = app.log.child({ job: "mail" });
    // None when MAIL_DISABLED: queued mail then waits in notification_outbox.
    const transport = mailTransport(config, mailLog);
    if (transport) jobs.push(mailJob({ prisma: app.db.prisma, transport, config, log: mailLog }));
    let loop: DeliveryLoop | undefined;
    app.addHook("onReady", async () => {
      loop = startDeliveryLoop({
        jobs,
        concurrency: config.EVENT_DELIVERY_CONCURRENCY,
        pollMs: config.EVENT_DELIVERY_POLL_MS,
        log: app.log.child({ component: "delivery-loop" }),
      });
    });
    // onClose hooks run in reverse order of registration: this one ends before the database closes.
    app.addHook("onClose", async () => {
      await loop?.stop(config.EVENT_DELIVERY_TIMEOUT_MS + 1_000);
      transport?.close();
    });
  },
  { name: "delivery-worker", dependencies: ["database"] },
);
