import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { explainConnectionError } from "../db/database.js";
import { pendingMigrations, readMigrations } from "../db/migrate.js";
import { type ApiError, Errors } from "../errors.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Whether the database has the schema this build was made for; /ready and every data request consult it. */
    schemaGate: SchemaGate;
  }
}

export interface SchemaGate {
  /** The 503 to answer while the database lacks migrations or did not answer; undefined once it is ready. */
  readonly problem: ApiError | undefined;
  /** Checks again now unless already ready (what a readiness probe calls), and returns the problem that remains. */
  recheck(): Promise<ApiError | undefined>;
}

/** How often a gate that is not ready looks again: a release step may migrate, or PostgreSQL come up, after start. */
const RECHECK_INTERVAL_MS = 5_000;

/** Routes that answer without the schema: probes, metrics and the documentation. */
const UNGATED = /^\/(health|ready|metrics|docs)(\/|$)/;

/**
 * Refuses to serve a database the shipped migrations were not applied to: PostgreSQL migrated by a release step that
 * has not run yet would otherwise answer 500 on the first query of a missing table. Checked once at start and then
 * every few seconds until ready, so migrating afterwards makes the server serve without a restart; an unreachable
 * database at start is a warning, not a crash, and keeps the gate closed until it answers.
 */
export default fp(
  async function schemaGatePlugin(app: FastifyInstance) {
    const shipped = readMigrations();
    const location = app.db.location ?? "the database";
    let problem: ApiError | undefined = Errors.maintenance("The service is starting.");
    let reported: string | undefined;
    let checking: Promise<ApiError | undefined> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;

    const check = async (): Promise<ApiError | undefined> => {
      let next: ApiError | undefined;
      let detail: string;
      try {
        const pending = await app.db.withSession((sql) => pendingMigrations(sql, shipped));
        detail = pending.join(", ");
        next =
          pending.length === 0
            ? undefined
            : Errors.maintenance(
                `The database lacks ${pending.length} migration(s) this version of Tally needs (${detail}): ` +
                  "run npm run db:migrate (node dist/cli/migrate.js in the image); Tally serves as soon as they are applied.",
              );
        if (next && detail !== reported) app.log.warn({ database: location, pending }, next.message);
      } catch (error) {
        detail = `unreachable: ${(error as Error).message}`;
        next = Errors.maintenance("The database is not reachable.", { cause: error });
        if (detail !== reported) {
          const explained = explainConnectionError(error, location) ?? `the database at ${location} did not answer: ${(error as Error).message}`;
          app.log.warn({ database: location }, `${explained} — /ready answers 503 until it answers`);
        }
      }
      if (!next && problem && reported !== undefined) app.log.info({ database: location }, "database ready: serving requests");
      reported = next ? detail : "";
      problem = next;
      return next;
    };

    const recheck = (): Promise<ApiError | undefined> => {
      if (!problem) return Promise.resolve(undefined);
      checking ??= check().finally(() => {
        checking = undefined;
      });
      return checking;
    };

    const schedule = () => {
      if (closed || !problem) return;
      timer = setTimeout(() => void recheck().then(schedule), RECHECK_INTERVAL_MS);
      timer.unref();
    };

    await recheck();
    schedule();

    app.decorate("schemaGate", {
      get problem() {
        return problem;
      },
      recheck,
    });
    app.addHook("onRequest", async (request: FastifyRequest) => {
      const route = request.routeOptions.url;
      if (problem && route !== undefined && !UNGATED.test(route)) throw problem;
    });
    app.addHook("onClose", async () => {
      closed = true;
      clearTimeout(timer);
      await checking;
    });
  },
  { name: "schema-gate", dependencies: ["database"] },
);
