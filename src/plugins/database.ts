import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Database } from "../db/database.js";
import { type TenantDb, tenantClients } from "../db/tenant-scope.js";
import { requireCaller } from "../http/caller.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The open database; routes reach Prisma through services that receive `db.prisma`. */
    db: Database;
    /**
     * Prisma limited to a tenant, for a face that identifies the tenant itself rather than by token (the loyalty
     * API's key); the same cached clients `request.tenantDb` hands out.
     */
    tenantDbFor(tenantId: number): TenantDb;
  }
  interface FastifyRequest {
    /** Prisma limited to the authenticated caller's tenant: what route handlers hand to services. */
    readonly tenantDb: TenantDb;
  }
}

export interface DatabasePluginOptions {
  database: Database;
  /** Whether closing the app closes the database (false when a test or CLI owns it). */
  closeOnShutdown: boolean;
}

/** Makes the database available to routes and closes it after the last in-flight request on shutdown. */
export default fp<DatabasePluginOptions>(
  async function databasePlugin(app: FastifyInstance, options) {
    app.decorate("db", options.database);
    const clientFor = tenantClients(options.database.prisma, options.database.read);
    app.decorate("tenantDbFor", clientFor);
    app.decorateRequest("tenantDb", {
      getter(this: FastifyRequest) {
        return clientFor(requireCaller(this).tenantId);
      },
    });
    if (options.closeOnShutdown) {
      app.addHook("onClose", async () => {
        await options.database.close();
      });
    }
  },
  { name: "database" },
);
