import { loadConfig } from "../../src/config.js";
import { configProblems } from "../helpers/config.js";
import { PRODUCTION_ENV } from "../helpers/production-env.js";

const { MAIL_DISABLED: _mailDisabled, ...keys } = PRODUCTION_ENV;
const production = { ...keys, DATABASE_URL: "postgresql://tally@db:5432/tally", SMTP_URL: "smtps://tally:mail-password@smtp.example.com:465" };


test("the delivery settings have the documented defaults", () => {
  expect(loadConfig({})).toMatchObject({
    EVENT_DELIVERY_CONCURRENCY: 16,
    EVENT_DELIVERY_POLL_MS: 1_000,
    EVENT_DELIVERY_TIMEOUT_MS: 5_000,
    EVENT_DELIVERY_MAX_ATTEMPTS: 8,
    EVENT_RETRY_BASE_MS: 2_000,
    EVENT_DELIVERY_LEASE_MS: 60_000,
    EVENT_ALLOW_HTTP: true,
    EVENT_ALLOWED_HOSTS: "",
    MAIL_DISABLED: false,
  });
  expect(loadConfig(production).EVENT_ALLOW_HTTP).toBe(false);
  expect(loadConfig({ ...production, EVENT_ALLOW_HTTP: "true" }).EVENT_ALLOW_HTTP).toBe(true);
});

test("production needs EVENT_SECRET_KEYS, and a mail server unless mail is explicitly disabled", () => {
  expect(configProblems(production)).toEqual([]);
  const { EVENT_SECRET_KEYS: _keys, ...withoutKeys } = production;
  expect(configProblems(withoutKeys)).toEqual([expect.stringMatching(/^EVENT_SECRET_KEYS: required in production/)]);
  const { SMTP_URL: _smtp, ...withoutMail } = production;
  expect(configProblems(withoutMail)).toEqual(["SMTP_URL: required in production, or set MAIL_DISABLED=true to send no mail"]);
  expect(configProblems({ ...withoutMail, MAIL_DISABLED: "true" })).toEqual([]);
  expect(configProblems({ ...production, MAIL_DISABLED: "true" })).toEqual(["SMTP_URL and MAIL_DISABLED=true: choose one"]);
});

test("a lease shorter than twice the delivery timeout is refused: a slow delivery could run twice at once", () => {
  expect(configProblems({ EVENT_DELIVERY_TIMEOUT_MS: "5000", EVENT_DELIVERY_LEASE_MS: "9999" })).toEqual([
    expect.stringMatching(/^EVENT_DELIVERY_LEASE_MS: must be at least twice EVENT_DELIVERY_TIMEOUT_MS/),
  ]);
  expect(configProblems({ EVENT_DELIVERY_TIMEOUT_MS: "5000", EVENT_DELIVERY_LEASE_MS: "10000" })).toEqual([]);
});

test("a malformed secret is named, never echoed", () => {
  const found = configProblems({ EVENT_SECRET_KEYS: "e1:not-32-bytes", SMTP_URL: "http://user:hunter2@mail" });
  expect(found).toEqual([expect.stringMatching(/^EVENT_SECRET_KEYS=\[redacted\]/), expect.stringMatching(/^SMTP_URL=\[redacted\]/)]);
  expect(found.join()).not.toMatch(/not-32-bytes|hunter2/);
});

test("EVENT_ALLOWED_HOSTS is a comma-separated list of host names and addresses", () => {
  expect(loadConfig({ EVENT_ALLOWED_HOSTS: "127.0.0.1,receiver.internal,[::1]" }).EVENT_ALLOWED_HOSTS).toBe("127.0.0.1,receiver.internal,[::1]");
  expect(configProblems({ EVENT_ALLOWED_HOSTS: "http://x/" })).toEqual([expect.stringMatching(/^EVENT_ALLOWED_HOSTS=/)]);
});
