import request from "supertest";
import { useTestApp } from "../helpers/harness.js";

const lines: Record<string, unknown>[] = [];
const harness = useTestApp({
  logLines: lines,
  reset: false,
  beforeReady: (app) =>
    app.get("/test/log-headers", async (req) => {
      // A careless log call: the redaction must still hold.
      req.log.info({ headers: req.headers, body: { client_secret: "s3cr3t-client", password: "hunter2" } }, "debugging");
      return { ok: true };
    }),
});

beforeEach(() => {
  lines.length = 0;
});

test("every log line of a request carries its request id, the one returned to the caller", async () => {
  const response = await request(harness.app.server).get("/test/log-headers");
  const id = response.headers["x-vol-correlation"];
  const requestLines = lines.filter((line) => "requestId" in line);
  expect(requestLines.length).toBeGreaterThanOrEqual(2);
  expect(requestLines.every((line) => line["requestId"] === id)).toBe(true);
});

test("a request is logged once, when answered: method, URL, status and time", async () => {
  const response = await request(harness.app.server).get("/health?verbose=1");
  const requestLines = lines.filter((line) => line["requestId"] === response.headers["x-vol-correlation"]);
  expect(requestLines).toEqual([
    expect.objectContaining({
      level: 30,
      msg: "request completed",
      req: expect.objectContaining({ method: "GET", url: "/health?verbose=1" }),
      res: { statusCode: response.status },
      responseTime: expect.any(Number),
    }),
  ]);
});

test("tokens, cookies, keys and passwords never reach the log", async () => {
  await request(harness.app.server)
    .get("/test/log-headers?user_password=1959caadac9b13dcb3&access_token=tok-abc&page=2")
    .set("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.secret-token")
    .set("cookie", "session=cookie-secret")
    .set("api_access_key", "key-secret-123");
  const text = JSON.stringify(lines);
  for (const secret of ["eyJhbGciOiJIUzI1NiJ9", "cookie-secret", "key-secret-123", "1959caadac9b13dcb3", "tok-abc", "s3cr3t-client", "hunter2"]) {
    expect(text).not.toContain(secret);
  }
  expect(text).toContain("[redacted]");
  expect(text).toContain("page=2");
});
