import net from "node:net";
import request from "supertest";
import { createCredit } from "../../src/demo/factories.js";
import { buildMetricsServer } from "../../src/metrics/server.js";
import { buildLoggedApp, testConfig } from "../helpers/app.js";
import { api, CREDITS, tenantWithShopper, useTestApp } from "../helpers/harness.js";
import { resetDatabase } from "../helpers/database.js";
import { postgresOnly } from "../helpers/postgres-only.js";
import { lockHolder, sessionsBlockedBy } from "../helpers/row-locks.js";
import { openDatabaseThroughProxy } from "../helpers/tcp-proxy.js";

const harness = useTestApp();

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes no HTTP client library would send, and reads the answer until the server closes the connection. */
async function rawRequest(server: net.Server, text: string): Promise<RawResponse> {
  const { port } = server.address() as net.AddressInfo;
  const received = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("close", () => resolve(data));
    socket.on("error", reject);
  });
  const [head = "", body = ""] = received.split("\r\n\r\n", 2);
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
  );
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

const kiboError = (message: unknown = expect.any(String)) => ({
  message,
  errorCode: "MISSING_OR_INVALID_PARAMETER",
  applicationName: "Tally",
  additionalErrorData: expect.any(Array),
  items: [],
});

const CORRELATION_ID = /^[0-9a-f]{32}$/;

async function listening(): Promise<net.Server> {
  if (!harness.app.server.listening) await harness.app.listen({ port: 0, host: "127.0.0.1" });
  return harness.app.server;
}

describe("requests the HTTP parser refuses answer Kibo's error body with a correlation id", () => {
  test("a URL over the header limit (a 20,000-character filter) is a 431", async () => {
    const response = await rawRequest(await listening(), `GET ${CREDITS}?filter=${"a".repeat(20_000)} HTTP/1.1\r\nHost: tally\r\n\r\n`);
    expect(response.status).toBe(431);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers["x-vol-correlation"]).toMatch(CORRELATION_ID);
    expect(response.headers["connection"]).toBe("close");
    expect(Number(response.headers["content-length"])).toBe(Buffer.byteLength(response.body));
    expect(JSON.parse(response.body)).toEqual(kiboError(expect.stringMatching(/exceed 16 KB.*filter/)));
  });

  test("a malformed request line is a 400", async () => {
    const response = await rawRequest(await listening(), "NOT AN HTTP REQUEST\r\n\r\n");
    expect(response.status).toBe(400);
    expect(response.headers["x-vol-correlation"]).toMatch(CORRELATION_ID);
    expect(JSON.parse(response.body)).toEqual(kiboError(expect.stringMatching(/not valid HTTP/)));
  });

  test("the metrics port answers them the same way", async () => {
    const config = testConfig({ METRICS_PORT: "9464", METRICS_TOKEN: "t".repeat(32) });
    const metricsServer = await buildMetricsServer(harness.app, config);
    await metricsServer.listen({ port: 0, host: "127.0.0.1" });
    try {
      const tooLarge = await rawRequest(metricsServer.server, `GET /metrics?${"a".repeat(20_000)} HTTP/1.1\r\nHost: tally\r\n\r\n`);
      expect(tooLarge.status).toBe(431);
      expect(tooLarge.headers["x-vol-correlation"]).toMatch(CORRELATION_ID);
      expect(JSON.parse(tooLarge.body)).toEqual(kiboError());
      const badUrl = await request(metricsServer.server).get("/metrics%FF");
      expect(badUrl.status).toBe(400);
      expect(badUrl.headers["x-vol-correlation"]).toMatch(CORRELATION_ID);
      expect(badUrl.body).toEqual(kiboError());
      const unauthorized = await request(metricsServer.server).get("/metrics").set("x-vol-correlation", "probe-1");
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers["x-vol-correlation"]).toBe("probe-1");
    } finally {
      await metricsServer.close();
    }
  });
});

describe("paths the router refuses", () => {
  test.each([
    ["bytes that are not UTF-8", `${CREDITS}/%FF%FE`],
    ["a lone surrogate", `${CREDITS}/a%ED%A0%80b`],
  ])("%s: a 400 in Kibo's body, without the path echoed", async (_what, path) => {
    const response = await api(harness).get(path);
    expect(response.status).toBe(400);
    expect(response.headers["x-vol-correlation"]).toMatch(CORRELATION_ID);
    expect(response.body).toEqual(kiboError("The request path is not a valid URL: a percent-escape in it does not decode to UTF-8 text."));
  });

  test("a path parameter over the router's limit is a 414 that does not echo the path", async () => {
    const response = await api(harness).get(`${CREDITS}/${"A".repeat(5_000)}`);
    expect(response.status).toBe(414);
    expect(response.headers["x-vol-correlation"]).toMatch(CORRELATION_ID);
    expect(response.body).toEqual(kiboError());
    expect(response.text).not.toContain("AAAAAAAAAA");
  });

  test("a known path asked with a method it does not answer is a 405 with Allow; an unknown path stays 404", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness).patch(`${CREDITS}/SC-1`).set(tenant.app).send({});
    expect(response.status).toBe(405);
    expect(response.headers["allow"]).toBe("GET, HEAD, PUT, DELETE");
    expect(response.headers["x-vol-correlation"]).toMatch(CORRELATION_ID);
    expect(response.body).toEqual(kiboError(`PATCH is not allowed on ${CREDITS}/SC-1; it answers GET, HEAD, PUT, DELETE.`));

    const unknown = await api(harness).patch(`${CREDITS}/SC-1/nothing-here`).set(tenant.app);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errorCode).toBe("ITEM_NOT_FOUND");
  });
});

describe("bodies a JSON route cannot read", () => {
  test.each([
    ["text/plain", "initialBalance=10"],
    ["application/x-www-form-urlencoded", "initialBalance=10"],
  ])("a %s body is a 415 naming application/json, and nothing is created", async (contentType, body) => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness).post(CREDITS).set(tenant.app).set("content-type", contentType).send(body);
    expect(response.status).toBe(415);
    expect(response.headers["x-vol-correlation"]).toMatch(CORRELATION_ID);
    expect(response.body).toEqual(kiboError(`A body of type ${contentType} is not accepted here; send application/json.`));
    expect(await harness.database.prisma.credit.count()).toBe(0);
  });

  test.each([
    ['{"creditType": "GiftCard", "initialBalance": 10,}', 48],
    ['{"creditType": "GiftCard"', 25],
  ])("malformed JSON %j is a 400 naming position %d", async (body, position) => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness).post(CREDITS).set(tenant.app).set("content-type", "application/json").send(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(kiboError(expect.stringContaining(`not valid JSON at position ${position}`)));
    expect(response.body.additionalErrorData).toContainEqual({ name: "position", value: position });
  });

  test("a body poisoning prototypes is still refused", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness)
      .post(CREDITS)
      .set(tenant.app)
      .set("content-type", "application/json")
      .send('{"creditType": "GiftCard", "__proto__": {"admin": true}}');
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/__proto__/);
  });
});

describe("multipart forms /api.php cannot read answer 400 in the loyalty envelope", () => {
  const FIELD = '--XX\r\nContent-Disposition: form-data; name="user_id"\r\n\r\nuser1\r\n';

  test.each([
    ["without a boundary", "multipart/form-data", FIELD, "The multipart/form-data Content-Type names no boundary."],
    ["cut off before its closing boundary", "multipart/form-data; boundary=XX", FIELD, "The multipart/form-data body ends before its closing boundary."],
  ])("a form %s", async (_what, contentType, body, message) => {
    const response = await api(harness).post("/api.php").set("content-type", contentType).send(body).buffer(true).parse((res, done) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      res.on("end", () => done(null, text));
    });
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toBe("application/xml; charset=utf-8");
    expect(response.body).toContain('<response status="error">');
    expect(response.body).toContain(`<error>${message}</error>`);
  });

  test("a text/plain body is a 415 naming the form media types", async () => {
    const response = await api(harness).post("/api.php?output=JSON").set("content-type", "text/plain").send("user_id=user1");
    expect(response.status).toBe(415);
    expect(response.text).toContain("send application/x-www-form-urlencoded or multipart/form-data");
  });
});

const onPostgres = postgresOnly("it cuts the TCP connection a query is waiting on, and PGlite runs in-process");

onPostgres.test("a connection lost during the ledger's SELECT … FOR UPDATE is a 503 with Retry-After, and nothing is written", async () => {
  const { proxy, database } = await openDatabaseThroughProxy();
  const lines: Record<string, unknown>[] = [];
  const app = await buildLoggedApp(database, lines);
  const holder = await lockHolder();
  try {
    await app.ready();
    await resetDatabase(harness.database);
    const tenant = await tenantWithShopper({ app, database });
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "SC-HELD", initialBalance: "50" });
    // Another session holds the row lock, so the debit's SELECT … FOR UPDATE waits on its connection while we cut it.
    await holder.query("BEGIN");
    await holder.query("SELECT id FROM credits WHERE code_key = 'SC-HELD' FOR UPDATE");
    const debit = api({ app, database }).post(`${CREDITS}/SC-HELD/transactions`).set(tenant.app).send({ transactionType: "Debit", impactAmount: 10 });
    const pending = debit.then((response) => response);
    for (let waited = 0; waited < 100; waited++) {
      if ((await sessionsBlockedBy(holder)) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await proxy.stop();
    const response = await pending;
    expect(response.status).toBe(503);
    expect(response.headers["retry-after"]).toBe("5");
    expect(response.body).toMatchObject({ errorCode: "SYSTEM_MAINTENANCE" });
    // The log keeps what the masked 503 stands for.
    expect(lines).toContainEqual(expect.objectContaining({ msg: "request failed", errorCode: "SYSTEM_MAINTENANCE", err: expect.any(Object) }));
    await holder.query("ROLLBACK");
    const transactions = await harness.database.prisma.creditTransaction.count({ where: { credit: { codeKey: "SC-HELD" } } });
    expect(transactions).toBe(1);
  } finally {
    await holder.end();
    await app.close();
    await database.close();
    await proxy.stop();
  }
});
