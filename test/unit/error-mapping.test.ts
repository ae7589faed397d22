import { Prisma } from "../../src/generated/prisma/client.js";
import { toApiError } from "../../src/http/error-mapping.js";

/** What @prisma/driver-adapter-utils throws: the adapter's mapped error as `cause`, named so Prisma recognises it. */
function driverAdapterError(cause: Record<string, unknown>): Error {
  return Object.assign(new Error(String(cause["kind"])), { name: "DriverAdapterError", cause });
}

/** What Prisma makes of a raw query's driver failure (`$queryRaw`, e.g. the ledger's SELECT … FOR UPDATE). */
function rawQueryFailure(cause: Record<string, unknown>): Prisma.PrismaClientKnownRequestError {
  return new Prisma.PrismaClientKnownRequestError("Raw query failed. Code: `N/A`. Message: `ConnectionClosed`", {
    code: "P2010",
    clientVersion: Prisma.prismaVersion.client,
    meta: { driverAdapterError: driverAdapterError(cause) },
  });
}

describe("every shape of a lost or unreachable database is 503 SYSTEM_MAINTENANCE", () => {
  test.each([
    ["a raw query whose connection closed (P2010, ConnectionClosed)", rawQueryFailure({ kind: "ConnectionClosed" })],
    ["a raw query whose socket timed out (P2010, SocketTimeout)", rawQueryFailure({ kind: "SocketTimeout" })],
    ["a raw query on a server shutting down (P2010, SQLSTATE 57P01)", rawQueryFailure({ kind: "postgres", code: "57P01", originalCode: "57P01" })],
    ["a model query's adapter error, rethrown as it is", driverAdapterError({ kind: "DatabaseNotReachable", host: "db", port: 5432 })],
    ["pg's own error when the server drops the connection", new Error("Connection terminated unexpectedly")],
    ["a refused socket", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    [
      "a transaction that could not start in time (P2028)",
      new Prisma.PrismaClientKnownRequestError("Unable to start a transaction in the given time.", { code: "P2028", clientVersion: "7" }),
    ],
  ])("%s", (_what, error) => {
    expect(toApiError(error)).toMatchObject({ statusCode: 503, errorCode: "SYSTEM_MAINTENANCE", cause: error });
  });

  test("a NUL the database refused in a model query's or a raw query's text (SQLSTATE 22021) is the caller's 400", () => {
    const cause = { kind: "postgres", code: "22021", originalCode: "22021", message: 'invalid byte sequence for encoding "UTF8": 0x00' };
    const modelQuery = new Prisma.PrismaClientKnownRequestError("Database error. Code: `22021`.", {
      code: "P2039",
      clientVersion: Prisma.prismaVersion.client,
      meta: { modelName: "Application", driverAdapterError: driverAdapterError(cause) },
    });
    for (const error of [modelQuery, rawQueryFailure(cause)]) {
      expect(toApiError(error)).toMatchObject({ statusCode: 400, errorCode: "MISSING_OR_INVALID_PARAMETER" });
    }
  });

  test("a raw query that fails for another reason stays a masked 500", () => {
    const error = rawQueryFailure({ kind: "postgres", code: "42P01", originalCode: "42P01", message: 'relation "x" does not exist' });
    expect(toApiError(error)).toMatchObject({ statusCode: 500, errorCode: "UNEXPECTED_ERROR", message: "An unexpected error occurred." });
  });
});
