import { api, tenantWithShopper, useTestApp } from "../helpers/harness.js";

/**
 * Answers `npm run fuzz` found wrong, one request each. Every response is also checked against openapi/openapi.json
 * by the harness, which is how the undocumented statuses below were caught.
 */

const harness = useTestApp();

describe("requests the fuzzer found answered with a 5xx or an undocumented status", () => {
  test.each(["-9007199254740991", "2147483648", "0"])("an x-vol-site of %s names none of the tenant's sites: 403, not a 500", async (site) => {
    const { app } = await tenantWithShopper(harness);
    const response = await api(harness).get("/api/commerce/customer/credits").set(app).set("x-vol-site", site);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ errorCode: "FORBIDDEN" });
  });

  test.each([
    "/api/commerce/customer/accounts/4/storecredit?websiteId=Infinity",
    `/api/commerce/customer/accounts/4/storecredit/history?websiteId=${"9".repeat(400)}`,
    "/api/commerce/customer/accounts/1e400/storecredit?websiteId=2",
    "/api/commerce/customer/credits?pageSize=-Infinity",
  ])("GET %s: a number past Infinity in the query or path is a 400, not a 500 from the database", async (path) => {
    const { app } = await tenantWithShopper(harness);
    const response = await api(harness).get(path).set(app);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/must be a finite number/);
  });

  test.each([
    ["GET", "/api/event/pull/a%00b"],
    ["GET", "/api/event/push/subscriptions/a%00b/deliveryattempts"],
    ["POST", "/api/event/push/subscriptions/a%00b/deliveryattempts/c/retry"],
    ["GET", "/api/event/push/subscriptions/a/deliveryattempts/c%00d"],
  ])("%s %s: a NUL in an event id is a 400 naming the parameter, not a 500 from PostgreSQL", async (method, path) => {
    const { app } = await tenantWithShopper(harness);
    const response = await api(harness)[method === "GET" ? "get" : "post"](path).set(app);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER" });
  });

  test("a NUL in a token request's client_id is a 400, not the database's refusal as a 500", async () => {
    const response = await api(harness)
      .post("/api/platform/applications/authtickets/oauth")
      .send({ client_id: "\u0000", client_secret: "12345_Secret", grant_type: "client_credentials" });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER" });
  });

  test("a path parameter over the router's limit is a documented 414", async () => {
    const { app } = await tenantWithShopper(harness);
    const response = await api(harness).get(`/api/commerce/customer/credits/${"9".repeat(1_000)}/transactions`).set(app);
    expect(response.status).toBe(414);
  });

  test.each([
    ["PUT", "/api/commerce/customer/credits/SC-1/Resend-Email"],
    ["PUT", "/api/commerce/orders/creditmemos/100000001/cancel"],
    ["DELETE", "/api/event/push/subscriptions/3f6c2a8e-1b7d-4c9e-8a5f-2d4b6e8c0a13"],
  ])("%s %s without a body of its own: a text/plain body is a documented 415", async (method, path) => {
    const { app } = await tenantWithShopper(harness);
    const agent = api(harness);
    const request = method === "PUT" ? agent.put(path) : agent.delete(path);
    const response = await request.set(app).set("content-type", "text/plain").send("hello");
    expect(response.status).toBe(415);
  });
});
