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
    const started = Date.now();
    await api(harness)
      .post(CREDITS)
      .set(await appAuth(harness.app, tenant.id))
      .send({ code: "GC-WORKER-1", creditType: "GiftCard", currencyCode: "USD", initialBalance: 25, customerId: 7 })
      .expect(200);

    await eventually(async () => receiver.accepted().length === 1 && smtp.received.length === 1);
    expect(Date.now() - started).toBeLessThan(5_000);
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
});
