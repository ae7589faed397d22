import { createCustomer, createTenant } from "../../../src/demo/factories.js";
import { appAuth } from "../../helpers/auth.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";
import { eventually, startReceiver, subscribe } from "../../helpers/push.js";
import { startTestSmtpServer, type TestSmtpServer } from "../../helpers/smtp.js";

// The app as a replica runs it: its own delivery loop (EVENT_DELIVERY_CONCURRENCY > 0), mail through SMTP_URL.
let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(() => smtp.close());

const harness = useTestApp({
  env: {
    EVENT_DELIVERY_CONCURRENCY: "4",
    // Polls rarely: what brings the work out is the request's own wake-up, once its transaction committed.
    EVENT_DELIVERY_POLL_MS: "60000",
    // A first attempt that timed out would wait for that poll, and CI's machine can stall for seconds: the limit for
    // the POST and for each SMTP step is raised well above any stall, and stays under the poll.
    EVENT_DELIVERY_TIMEOUT_MS: "20000",
    EVENT_ALLOWED_HOSTS: "127.0.0.1",
    // Read when the app is built, after the SMTP server above has started.
    get SMTP_URL() {
      return smtp.url();
    },
    MAIL_FROM: "Tally Gift Cards <cards@shop.example>",
  } as Record<string, string>,
});

test("a running app delivers a change's webhook and its shopper's email by itself, within moments", async () => {
  const tenant = await createTenant(harness.database.prisma);
  await createCustomer(harness.database.prisma, { tenantId: tenant.id, customerId: 7, email: "jane@example.com", firstName: "Jane" });
  const receiver = await startReceiver("shared-secret");
  try {
    await subscribe(harness.database.prisma, { tenantId: tenant.id, endpoint: receiver.url, topics: ["credit.created"], secret: "shared-secret" });
    await api(harness)
      .post(CREDITS)
      .set(await appAuth(harness.app, tenant.id))
      .send({ code: "GC-WORKER-1", creditType: "GiftCard", currencyCode: "USD", initialBalance: 25, customerId: 7 })
      .expect(200);

    // Within half the poll, so the request's wake-up delivered it (on an idle machine, in well under a second).
    await eventually(
      async () => receiver.accepted().length === 1 && smtp.received.length === 1,
      30_000,
      async () => {
        const prisma = harness.database.prisma;
        const where = { tenantId: tenant.id };
        const state = {
          receiver: receiver.received.map((delivery) => ({ valid: delivery.valid, rejection: delivery.rejection })),
          accepted: receiver.accepted().length,
          smtpDataAttempts: smtp.dataAttempts,
          smtpReceived: smtp.received.map((mail) => mail.to),
          deliveries: await prisma.eventDelivery.findMany({ where, select: { status: true, attempts: true, nextAttemptAt: true, leaseExpiresAt: true } }),
          attempts: await prisma.eventDeliveryAttempt.findMany({ where, select: { deliveryStatus: true, errorType: true, message: true, durationMs: true } }),
          outbox: await prisma.notificationOutbox.findMany({ where, select: { status: true, attempts: true, nextAttemptAt: true, lastError: true } }),
          now: new Date(),
        };
        return JSON.stringify(state);
      },
    );
    expect(receiver.accepted()[0]!.body).toMatchObject({ topic: "credit.created", entityId: "GC-WORKER-1" });
    const [mail] = smtp.received;
    expect(mail!.to).toEqual(["jane@example.com"]);
    expect(mail!.parsed.from?.text).toContain("cards@shop.example");
    expect(mail!.parsed.text).toContain("GC-WORKER-1");
    expect(mail!.parsed.text).toContain("25.00 USD");
    await eventually(async () => (await harness.database.prisma.notificationOutbox.findFirst({ where: { tenantId: tenant.id, status: "Sent" } })) ?? false);
  } finally {
    await receiver.close();
  }
}, 60_000);
