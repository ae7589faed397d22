import type { FastifyInstance } from "fastify";
import request from "supertest";
import type { Behavior } from "../../../src/auth/caller.js";
import type { Database } from "../../../src/db/database.js";
import { createCustomer, createTenant } from "../../../src/demo/factories.js";
import { buildTestApp } from "../../helpers/app.js";
import { appAuth, shopperAuth } from "../../helpers/auth.js";
import { openTestDatabase, resetDatabase } from "../../helpers/database.js";

export const CREDITS = "/api/commerce/customer/credits";

export interface Harness {
  database: Database;
  app: FastifyInstance;
}

/** One app and database per test file; tables emptied before each test. */
export function creditsHarness(options: { poolSize?: number } = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.database = await openTestDatabase(options);
    harness.app = await buildTestApp(harness.database);
    await harness.app.ready();
  });
  beforeEach(() => resetDatabase(harness.database));
  afterAll(async () => {
    await harness.app.close();
    await harness.database.close();
  });
  return harness;
}

/** A supertest agent for the harness's app. */
export function api(harness: Harness) {
  return request(harness.app.server);
}

/** A tenant with one customer, and auth headers for an application (all behaviors unless narrowed) and that shopper. */
export async function tenantWithShopper(harness: Harness, behaviors?: readonly Behavior[]) {
  const tenant = await createTenant(harness.database.prisma);
  const customer = await createCustomer(harness.database.prisma, { tenantId: tenant.id });
  return {
    tenantId: tenant.id,
    customerId: customer.customerId,
    customer,
    app: await appAuth(harness.app, tenant.id, behaviors),
    shopper: await shopperAuth(tenant.id, customer.customerId),
  };
}
