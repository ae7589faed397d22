import { Writable } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import request from "supertest";
import { ApiError, Errors } from "../../src/errors.js";
import type { ErrorFormat } from "../../src/http/error-format.js";
import { toApiError } from "../../src/http/error-mapping.js";
import errorHandler from "../../src/plugins/error-handler.js";

const lines: Record<string, unknown>[] = [];

/** Kibo-bodied routes and one route with its own error format, logging JSON lines into `lines`. */
async function appWithFailures(): Promise<FastifyInstance> {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({ logger: { level: "info", stream } });
  await app.register(errorHandler);
  const plainText: ErrorFormat = {
    validationError: (issues) => Errors.invalidParameter(`plain: ${issues[0]?.instancePath ?? "?"}`),
    send: (reply, apiError) => reply.type("text/plain").send(`${apiError.errorCode}: ${apiError.message}`),
  };
  app.get("/wrapped", async () => {
    throw Errors.unexpected({ cause: new Error("ledger row 42 missing") });
  });
  app.get("/conflict", async () => {
    throw Errors.conflict("Not enough left.");
  });
  app.get(
    "/plain",
    {
      config: { errorFormat: plainText },
      schema: { querystring: { type: "object", properties: { n: { type: "integer" } } } },
    },
    async () => {
      throw new Error("disk on fire");
    },
  );
  await app.ready();
  return app;
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await appWithFailures();
});
afterAll(() => app.close());
beforeEach(() => {
  lines.length = 0;
});

test("an ApiError keeps its cause, and toApiError keeps what it masks as the cause of the 5xx it makes", () => {
  const cause = new Error("connection reset");
  expect(new ApiError("UNEXPECTED_ERROR", "An unexpected error occurred.", [], undefined, { cause }).cause).toBe(cause);
  expect(toApiError(cause)).toMatchObject({ errorCode: "UNEXPECTED_ERROR", cause });
  expect(toApiError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toMatchObject({
    errorCode: "SYSTEM_MAINTENANCE",
    cause: expect.objectContaining({ message: "refused" }),
  });
});

test("a 5xx is answered masked and logged with its cause", async () => {
  const response = await request(app.server).get("/wrapped");
  expect(response.status).toBe(500);
  expect(response.body).toMatchObject({ errorCode: "UNEXPECTED_ERROR", message: "An unexpected error occurred." });
  expect(response.text).not.toContain("ledger row 42");
  const logged = lines.find((line) => line["msg"] === "request failed");
  expect(logged).toMatchObject({ errorCode: "UNEXPECTED_ERROR", err: { type: "ApiError" } });
  const err = logged?.["err"] as { message: string; stack: string };
  expect(err.message).toContain("ledger row 42 missing");
  expect(err.stack).toContain("caused by: Error: ledger row 42 missing");
});

test("a route's error format writes the body; mapping, status and logging stay the handler's", async () => {
  const crash = await request(app.server).get("/plain");
  expect(crash.status).toBe(500);
  expect(crash.headers["content-type"]).toMatch(/^text\/plain/);
  expect(crash.text).toBe("UNEXPECTED_ERROR: An unexpected error occurred.");
  expect(lines.find((line) => line["msg"] === "request failed")).toMatchObject({ err: { message: "disk on fire" } });

  const invalid = await request(app.server).get("/plain?n=lots");
  expect(invalid.status).toBe(400);
  expect(invalid.text).toBe("MISSING_OR_INVALID_PARAMETER: plain: /n");
  expect(lines.find((line) => line["msg"] === "request rejected")).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER" });

  const kibo = await request(app.server).get("/conflict");
  expect(kibo.status).toBe(409);
  expect(kibo.body).toEqual({
    message: "Not enough left.",
    errorCode: "VALIDATION_CONFLICT",
    applicationName: "Tally",
    additionalErrorData: [],
    items: [],
  });
});
