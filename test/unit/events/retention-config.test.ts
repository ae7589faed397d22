import { loadConfig } from "../../../src/config.js";
import { eventRetentionCutoff } from "../../../src/events/purge.js";

test("events are kept 30 days unless EVENT_RETENTION_DAYS says otherwise", () => {
  expect(loadConfig({}).EVENT_RETENTION_DAYS).toBe(30);
  expect(loadConfig({ EVENT_RETENTION_DAYS: "1" }).EVENT_RETENTION_DAYS).toBe(1);
  expect(loadConfig({ EVENT_RETENTION_DAYS: "3650" }).EVENT_RETENTION_DAYS).toBe(3650);
});

test.each(["0", "3651", "7.5", "-1", "a week"])("EVENT_RETENTION_DAYS=%s is refused, naming the variable", (value) => {
  expect(() => loadConfig({ EVENT_RETENTION_DAYS: value })).toThrow(/EVENT_RETENTION_DAYS=/);
});

test("the cutoff is exactly that many days before now", () => {
  const now = Date.parse("2026-03-31T10:00:00Z");
  expect(eventRetentionCutoff(30, now).toISOString()).toBe("2026-03-01T10:00:00.000Z");
});
