import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createCustomer, createTenant } from "../../../src/demo/factories.js";
import { startDeliveryLoop } from "../../../src/delivery/loop.js";
import { mailTransport } from "../../../src/mail/transport.js";
import { type CreditMailPayload, MailTopics } from "../../../src/mail/payloads.js";
import { testConfig } from "../../helpers/app.js";
import { appAuth } from "../../helpers/auth.js";
import { api, CREDITS, type Harness, useTestApp } from "../../helpers/harness.js";
import { postgresOnly } from "../../helpers/postgres-only.js";
import { startTestSmtpServer, type TestSmtpServer } from "../../helpers/smtp.js";
import { exampleOrder, memoPath, shop } from "../creditmemos/helpers.js";
import { capturingLogger, outbox, settle, useMailers } from "./helpers.js";

const onPostgres = postgresOnly("PGlite runs one statement at a time, so two claims cannot race on it");

const harness: Harness = useTestApp({ poolSize: 10 });
const mailer = useMailers(harness);

let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

async function server(options: Parameters<typeof startTestSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  smtp = await startTestSmtpServer(options);
  return smtp;
}

/** A tenant, a customer with an email address, and application auth. */
async function customerWithEmail(overrides: { email?: string | null; firstName?: string } = {}) {
  const tenant = await createTenant(harness.database.prisma);
  const customer = await createCustomer(harness.database.prisma, { tenantId: tenant.id, firstName: "Jane", lastName: "Doe", ...overrides });
  return { tenantId: tenant.id, customer, auth: await appAuth(harness.app, tenant.id) };
}

const issueGiftCard = (auth: { authorization: string }, body: Record<string, unknown>) =>
  api(harness).post(CREDITS).set(auth).send({ creditType: "GiftCard", currencyCode: "USD", ...body });

describe("what the shopper receives", () => {
  test("a gift card created for a customer is mailed to them: recipient, subject, code, amount and expiry", async () => {
    const smtp = await server();
    const { tenantId, customer, auth } = await customerWithEmail();
    const created = await issueGiftCard(auth, { initialBalance: 1250.5, customerId: customer.customerId, expirationDate: "2030-01-31" }).expect(200);
    const code: string = created.body.code;

    expect(await settle(harness, mailer({ SMTP_URL: smtp.url(), MAIL_FROM: "Acme Gifts <gifts@acme.example>" }))).toBe(1);

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to).toEqual([customer.email]);
    expect(mail!.from).toBe("gifts@acme.example");
    const parsed = mail!.parsed;
    expect(parsed.to).toMatchObject({ value: [{ address: customer.email, name: "Jane Doe" }] });
    expect(parsed.from).toMatchObject({ value: [{ address: "gifts@acme.example", name: "Acme Gifts" }] });
    expect(parsed.subject).toBe("Your new gift card: 1,250.50 USD");
    for (const part of [parsed.text, parsed.html]) {
      expect(part).toContain(code);
      expect(part).toContain("1,250.50 USD");
      expect(part).toContain("January 31, 2030, 00:00 UTC");
    }

    const [row] = await outbox(harness, tenantId);
    expect(row).toMatchObject({ topic: MailTopics.creditCreated, entityId: code, status: "Sent", attempts: 1, leaseExpiresAt: null, lastError: null });
    expect(row!.processedAt).toBeInstanceOf(Date);
    // The Message-ID Tally minted (per row, the same on every attempt) is the one the shopper's mail carries.
    expect(row!.messageId).toBe(parsed.messageId);
    expect(row!.messageId).toMatch(new RegExp(`^<tally\\.${tenantId}\\.${row!.id}\\.\\d+@acme\\.example>$`));
  });

  test("Resend-Email mails the card again with its balance as it is now", async () => {
    const smtp = await server();
    const { customer, auth } = await customerWithEmail();
    const created = await issueGiftCard(auth, { initialBalance: 50, customerId: customer.customerId }).expect(200);
    const code: string = created.body.code;
    await api(harness).post(`${CREDITS}/${code}/transactions`).set(auth).send({ transactionType: "Debit", impactAmount: 12.5 }).expect(200);
    await api(harness).put(`${CREDITS}/${code}/Resend-Email`).set(auth).expect(200);

    await settle(harness, mailer({ SMTP_URL: smtp.url() }));

    expect(smtp.received.map((mail) => mail.parsed.subject)).toEqual(["Your new gift card: 50.00 USD", "Your gift card details: 37.50 USD"]);
    const resent = smtp.received[1]!.parsed;
    expect(resent.to).toMatchObject({ value: [{ address: customer.email }] });
    expect(resent.text).toContain(code);
    expect(resent.text).toMatch(/Balance: +37\.50 USD/);
    expect(resent.text).toMatch(/Expires: +never/);
  });

  test("a credit memo refunded to store credit tells the customer the order, the amount and the currency", async () => {
    const smtp = await server();
    const s = await shop(harness);
    const order = await exampleOrder(s);
    const response = await api(harness)
      .post(memoPath(order.incrementId))
      .set(s.app)
      .send({ refundToStoreCreditAmount: 90, notifyCustomer: true, includeComment: true, comment: "Sorry <b>again</b>" });
    expect(response.status).toBe(201);

    await settle(harness, mailer({ SMTP_URL: smtp.url() }));

    expect(smtp.received).toHaveLength(1);
    const { parsed, to } = smtp.received[0]!;
    expect(to).toEqual([s.customer.email]);
    expect(parsed.subject).toBe("Your refund for order #100000744");
    expect(parsed.text).toContain(`We have refunded your order #100000744 (credit memo #${response.body.increment_id}).`);
    expect(parsed.text).toMatch(/Refund total: +90\.00 USD/);
    expect(parsed.text).toMatch(/Added to your store credit: +90\.00 USD/);
    expect(parsed.text).toContain("> Sorry <b>again</b>");
    expect(parsed.html).toContain("Sorry &lt;b&gt;again&lt;/b&gt;");
    expect(parsed.html).not.toContain("<b>again</b>");
  });

  test("a hostile customer name reaches the HTML escaped", async () => {
    const smtp = await server();
    const { customer, auth } = await customerWithEmail({ firstName: "<script>alert(1)</script>" });
    await issueGiftCard(auth, { initialBalance: 5, customerId: customer.customerId }).expect(200);
    await settle(harness, mailer({ SMTP_URL: smtp.url() }));
    const html = String(smtp.received[0]!.parsed.html);
    expect(html).toContain("Hello &lt;script&gt;alert(1)&lt;/script&gt;,");
    expect(html).not.toContain("<script>");
  });
});

describe("retries and failures", () => {
  test("a server that answers 451 to DATA twice, then accepts: Sent on the third attempt, one message delivered", async () => {
    const smtp = await server({ refuseData: (attempt) => (attempt <= 2 ? { code: 451, message: "Try again later" } : null) });
    const { tenantId, customer, auth } = await customerWithEmail();
    await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);
    const { log, lines } = capturingLogger();

    await settle(harness, mailer({ SMTP_URL: smtp.url() }, log));

    expect(smtp.dataAttempts).toBe(3);
    expect(smtp.received).toHaveLength(1);
    const [row] = await outbox(harness, tenantId);
    expect(row).toMatchObject({ status: "Sent", attempts: 3, leaseExpiresAt: null });
    // What the earlier attempts met stays visible.
    expect(row!.lastError).toContain("451 Try again later");
    expect(lines.filter((line) => line["msg"] === "sending mail failed; it will be retried")).toHaveLength(2);
  });

  test("a server that always answers 451: Failed after EVENT_DELIVERY_MAX_ATTEMPTS, with the last error", async () => {
    const smtp = await server({ refuseData: () => ({ code: 451, message: "Mailbox busy" }) });
    const { tenantId, customer, auth } = await customerWithEmail();
    await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);

    await settle(harness, mailer({ SMTP_URL: smtp.url(), EVENT_DELIVERY_MAX_ATTEMPTS: "4" }));

    expect(smtp.dataAttempts).toBe(4);
    const [row] = await outbox(harness, tenantId);
    expect(row).toMatchObject({ status: "Failed", attempts: 4, leaseExpiresAt: null, messageId: null });
    expect(row!.lastError).toMatch(/451 Mailbox busy.*\(attempt 4 of 4\)$/);
    expect(row!.processedAt).toBeInstanceOf(Date);
    // Failed is final: nothing claims it again.
    expect(await mailer({ SMTP_URL: smtp.url() }).claim(8)).toEqual([]);
  });

  test("a customer without an email address: Failed at once, naming why, and nothing is sent", async () => {
    const smtp = await server();
    const { tenantId, customer, auth } = await customerWithEmail({ email: null });
    await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);

    expect(await settle(harness, mailer({ SMTP_URL: smtp.url() }))).toBe(1);

    expect(smtp.received).toHaveLength(0);
    const [row] = await outbox(harness, tenantId);
    expect(row).toMatchObject({ status: "Failed", attempts: 1, lastError: `no recipient: customer ${customer.customerId} has no email address` });
  });

  test("Resend-Email of a credit without a customer is queued and Failed at once with the reason", async () => {
    const smtp = await server();
    const { tenantId, auth } = await customerWithEmail();
    const created = await issueGiftCard(auth, { initialBalance: 10 }).expect(200);
    // No customer: the create itself queues nothing.
    expect(await outbox(harness, tenantId)).toEqual([]);
    await api(harness).put(`${CREDITS}/${created.body.code}/Resend-Email`).set(auth).expect(200);

    await settle(harness, mailer({ SMTP_URL: smtp.url() }));

    expect(await outbox(harness, tenantId)).toMatchObject([
      { topic: MailTopics.creditResent, status: "Failed", attempts: 1, lastError: `no recipient: credit ${created.body.code} has no customer` },
    ]);
  });

  test("a recipient the server refuses for good (550 to RCPT TO) is Failed at once", async () => {
    const smtp = await server({ refuseRecipient: () => ({ code: 550, message: "No such user here" }) });
    const { tenantId, customer, auth } = await customerWithEmail();
    await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);

    await settle(harness, mailer({ SMTP_URL: smtp.url() }));

    const [row] = await outbox(harness, tenantId);
    expect(row).toMatchObject({ status: "Failed", attempts: 1 });
    expect(row!.lastError).toMatch(/^the SMTP server refused the recipient for good: .*550 No such user here/);
  });

  test("a row of a topic no template sends is Failed at once, not retried", async () => {
    const smtp = await server();
    const tenant = await createTenant(harness.database.prisma);
    await harness.database.prisma.notificationOutbox.create({ data: { tenantId: tenant.id, topic: "test.effect", entityId: "e-1", payload: {} } });

    await settle(harness, mailer({ SMTP_URL: smtp.url() }));

    expect(await outbox(harness, tenant.id)).toMatchObject([{ status: "Failed", attempts: 1, lastError: "topic test.effect: no mail template sends it" }]);
  });

  test("a server that never answers: the attempt ends within EVENT_DELIVERY_TIMEOUT_MS and is retried", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const { tenantId, customer, auth } = await customerWithEmail();
      await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);
      const job = mailer({ SMTP_URL: `smtp://127.0.0.1:${port}`, EVENT_DELIVERY_TIMEOUT_MS: "300", EVENT_DELIVERY_LEASE_MS: "600" });

      const started = Date.now();
      const tasks = await job.claim(8);
      await Promise.all(tasks.map((task) => task()));
      expect(Date.now() - started).toBeLessThan(2_000);

      const [row] = await outbox(harness, tenantId);
      expect(row).toMatchObject({ status: "Pending", attempts: 1, leaseExpiresAt: null });
      expect(row!.lastError).toMatch(/ETIMEDOUT|timeout|aborted/i);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe("SMTP_URL", () => {
  const credentials = { user: "tally-mailer", pass: "p@ss:w/rd%42" };

  test("logs in with the credentials of the URL (percent-encoded), after STARTTLS, and never logs them", async () => {
    const smtp = await server({ auth: credentials });
    const { tenantId, customer, auth } = await customerWithEmail();
    await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);
    const { log, lines } = capturingLogger();

    await settle(harness, mailer({ SMTP_URL: smtp.url(credentials) }, log));

    expect(smtp.received).toMatchObject([{ user: "tally-mailer", secure: true, to: [customer.email] }]);
    expect((await outbox(harness, tenantId))[0]).toMatchObject({ status: "Sent", attempts: 1 });
    expect(lines).toContainEqual(expect.objectContaining({ msg: "mail is sent through SMTP_URL", smtp: { host: "127.0.0.1", port: String(smtp.port), tls: "STARTTLS when offered" } }));
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(credentials.pass);
    expect(logged).not.toContain(encodeURIComponent(credentials.pass));
  });

  test("wrong credentials are retried (the operator may fix them), and the password is in no log line or row", async () => {
    const smtp = await server({ auth: credentials });
    const { tenantId, customer, auth } = await customerWithEmail();
    await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);
    const { log, lines } = capturingLogger();
    const wrong = { user: "tally-mailer", pass: "not-the-password" };

    await settle(harness, mailer({ SMTP_URL: smtp.url(wrong) }, log));

    expect(smtp.received).toHaveLength(0);
    const [row] = await outbox(harness, tenantId);
    expect(row).toMatchObject({ status: "Failed", attempts: 3 });
    expect(row!.lastError).toContain("535");
    expect(JSON.stringify(lines) + row!.lastError).not.toContain(wrong.pass);
  });

  test("smtps:// speaks TLS from the first byte", async () => {
    const smtp = await server({ secure: true });
    const { customer, auth } = await customerWithEmail();
    await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);

    await settle(harness, mailer({ SMTP_URL: smtp.url() }));

    expect(smtp.received).toMatchObject([{ secure: true, to: [customer.email] }]);
  });

  test("MAIL_DISABLED: no transport, and queued mail stays queued", () => {
    const { log, lines } = capturingLogger();
    expect(mailTransport(testConfig({ MAIL_DISABLED: "true" }), log)).toBeNull();
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: expect.stringContaining("mail is disabled") }));
  });
});

describe("sharing the queue", () => {
  async function queueDirectly(count: number) {
    const { tenantId, customer } = await customerWithEmail();
    const payload: CreditMailPayload = {
      code: "GC-DIRECT",
      creditType: "GiftCard",
      currencyCode: "USD",
      currentBalance: "5",
      expirationDate: null,
      customerId: customer.customerId,
      email: customer.email,
    };
    await harness.database.prisma.notificationOutbox.createMany({
      data: Array.from({ length: count }, (_, n) => ({ tenantId, topic: MailTopics.creditCreated, entityId: `GC-${n}`, payload })),
    });
    return tenantId;
  }

  test("a worker killed mid-send leaves its claim to expire; another worker then sends it (at least once)", async () => {
    const smtp = await server();
    const tenantId = await queueDirectly(1);
    // smtp-server holds its greeting back 100 ms (to catch clients that talk too early): a send takes longer than that.
    const env = { SMTP_URL: smtp.url(), EVENT_DELIVERY_TIMEOUT_MS: "1000", EVENT_DELIVERY_LEASE_MS: "2000" };
    const killed = mailer(env);
    const survivor = mailer(env);

    // The first worker claims the row and dies before running its task.
    const orphaned = await killed.claim(8);
    expect(orphaned).toHaveLength(1);
    // Under its lease, nobody else takes the row.
    expect(await survivor.claim(8)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2_050));

    const retaken = await survivor.claim(8);
    expect(retaken).toHaveLength(1);
    await retaken[0]!();
    const [row] = await outbox(harness, tenantId);
    expect(row).toMatchObject({ status: "Sent", attempts: 2, lastError: null });

    // Had the first worker been only slow, not dead, its send goes out too (the rare duplicate, with the same
    // Message-ID), but its outcome does not overwrite the newer one.
    await orphaned[0]!();
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[0]!.parsed.messageId).toBe(smtp.received[1]!.parsed.messageId);
    expect((await outbox(harness, tenantId))[0]).toEqual(row);
  });

  onPostgres.test("two workers claiming at once split the queue: each row is sent once", async () => {
    const smtp = await server();
    const tenantId = await queueDirectly(12);
    const [a, b] = [mailer({ SMTP_URL: smtp.url() }), mailer({ SMTP_URL: smtp.url() })];

    const [first, second] = await Promise.all([a.claim(8), b.claim(8)]);
    expect(first.length + second.length).toBe(12);
    await Promise.all([...first, ...second].map((task) => task()));

    expect(smtp.received).toHaveLength(12);
    const rows = await outbox(harness, tenantId);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(rows.map(() => ["Sent", 1]));
    expect(new Set(smtp.received.map((mail) => mail.parsed.messageId)).size).toBe(12);
  });

  test("in the delivery loop, a change's mail goes out when the request is answered, without waiting for a poll", async () => {
    const smtp = await server();
    const { tenantId, customer, auth } = await customerWithEmail();
    const loop = startDeliveryLoop({ jobs: [mailer({ SMTP_URL: smtp.url() })], concurrency: 2, pollMs: 60_000, log: capturingLogger().log });
    try {
      // Let the loop's first look find nothing and go to sleep for a minute.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await issueGiftCard(auth, { initialBalance: 10, customerId: customer.customerId }).expect(200);
      const deadline = Date.now() + 5_000;
      while (smtp.received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(smtp.received).toHaveLength(1);
    } finally {
      await loop.stop(2_000);
    }
    expect((await outbox(harness, tenantId))[0]).toMatchObject({ status: "Sent" });
  });
});
