import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Errors } from "../../errors.js";
import { ErrorResponses } from "../../http/schemas.js";
import { HealthStatus } from "./schemas.js";

/** How long readiness waits for the database before declaring the instance not ready. */
const READY_TIMEOUT_MS = 2_000;

/** Liveness and readiness probes for load balancers and orchestrators. */
const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/health",
    {
      // Probes from orchestrators and load balancers must never be throttled.
      config: { rateLimit: false },
      schema: {
        operationId: "getHealth",
        summary: "Liveness: the process is up",
        description: "Answers 200 while the process runs, whether or not the database is reachable.",
        tags: ["Operations"],
        security: [],
        response: { 200: HealthStatus },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/ready",
    {
      config: { rateLimit: false },
      schema: {
        operationId: "getReadiness",
        summary: "Readiness: the database answers and is migrated",
        description:
          "Answers 200 when the database has every migration this version ships and answers a query within 2 seconds, " +
          "otherwise 503 SYSTEM_MAINTENANCE saying which (the pending migrations, or that the database is not reachable).",
        tags: ["Operations"],
        security: [],
        response: { 200: HealthStatus, ...ErrorResponses(503) },
      },
    },
    async () => {
      const problem = await app.schemaGate.recheck();
      if (problem) throw problem;
      try {
        await withTimeout(app.db.ping(), READY_TIMEOUT_MS);
      } catch (error) {
        throw Errors.maintenance("The database is not reachable.", { cause: error });
      }
      return { status: "ok" as const, database: app.db.kind };
    },
  );
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export default healthRoutes;
