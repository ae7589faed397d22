import request from "supertest";
import { useTestApp } from "../helpers/harness.js";

const harness = useTestApp({ reset: false });

test("GET /health answers 200 while the process runs", async () => {
  const response = await request(harness.app.server).get("/health");
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: "ok" });
});

test("GET /ready answers 200 and names the harness.database kind when the harness.database answers", async () => {
  const response = await request(harness.app.server).get("/ready");
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: "ok", database: harness.database.kind });
});

test("every response carries a correlation id, generated when the caller sends none", async () => {
  const response = await request(harness.app.server).get("/health");
  expect(response.headers["x-vol-correlation"]).toMatch(/^[0-9a-f]{32}$/);
});

test("a caller's correlation id is echoed back", async () => {
  const response = await request(harness.app.server).get("/health").set("x-vol-correlation", "order-flow-42");
  expect(response.headers["x-vol-correlation"]).toBe("order-flow-42");
});

test("a correlation id that could forge log fields is replaced", async () => {
  const response = await request(harness.app.server).get("/health").set("x-vol-correlation", 'x" injected="1');
  expect(response.headers["x-vol-correlation"]).toMatch(/^[0-9a-f]{32}$/);
});

test("an unknown route answers 404 in Kibo's error shape with a correlation id", async () => {
  const response = await request(harness.app.server).get("/api/commerce/nothing-here?x=1");
  expect(response.status).toBe(404);
  expect(response.headers["x-vol-correlation"]).toBeDefined();
  expect(response.body).toEqual({
    message: "No route matches GET /api/commerce/nothing-here.",
    errorCode: "ITEM_NOT_FOUND",
    applicationName: "Tally",
    additionalErrorData: [],
    items: [],
  });
});
