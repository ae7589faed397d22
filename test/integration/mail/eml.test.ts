import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { createCustomer, createTenant } from "../../../src/demo/factories.js";
import { appAuth } from "../../helpers/auth.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";
import { capturingLogger, outbox, settle, useMailers } from "./helpers.js";

const harness = useTestApp();
const mailer = useMailers(harness);

let mailDir: string;
beforeEach(async () => {
  mailDir = await mkdtemp(path.join(tmpdir(), "tally-mail-"));
});
afterEach(() => rm(mailDir, { recursive: true, force: true }));

test("without SMTP_URL each message is written to MAIL_DIR as an .eml file, and its path is logged", async () => {
  const tenant = await createTenant(harness.database.prisma);
  const customer = await createCustomer(harness.database.prisma, { tenantId: tenant.id, firstName: "Jane", lastName: "Doe" });
  const auth = await appAuth(harness.app, tenant.id);
  const created = await api(harness)
    .post(CREDITS)
    .set(auth)
    .send({ creditType: "GiftCard", currencyCode: "EUR", initialBalance: 25, customerId: customer.customerId })
    .expect(200);
  const directory = path.join(mailDir, "not-yet-there");
  const { log, lines } = capturingLogger();

  await settle(harness, mailer({ MAIL_DIR: directory, MAIL_FROM: "Shop <shop@example.org>" }, log));

  const files = await readdir(directory);
  expect(files).toHaveLength(1);
  const file = path.join(directory, files[0]!);
  expect(file).toMatch(/\.eml$/);
  // Gift card codes are as good as money: only the process's owner may read them.
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  const raw = await readFile(file);
  expect(raw.toString("latin1")).toContain("\r\n");
  const parsed = await simpleParser(raw);
  expect(parsed.to).toMatchObject({ value: [{ address: customer.email, name: "Jane Doe" }] });
  expect(parsed.from).toMatchObject({ value: [{ address: "shop@example.org" }] });
  expect(parsed.subject).toBe("Your new gift card: 25.00 EUR");
  expect(parsed.text).toContain(created.body.code);
  expect(parsed.html).toContain(created.body.code);

  const [row] = await outbox(harness, tenant.id);
  expect(row).toMatchObject({ status: "Sent", attempts: 1, messageId: file });
  expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: "no SMTP_URL: mail is written to MAIL_DIR as .eml files", mailDir: directory }));
  expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: "mail written to MAIL_DIR (no SMTP_URL)", file, subject: parsed.subject }));
});
