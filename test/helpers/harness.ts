import type { FastifyInstance } from "fastify";
import request from "supertest";
import type { Behavior } from "../../src/auth/caller.js";
import type { Database } from "../../src/db/database.js";
import { createCustomer, createTenant } from "../../src/demo/factories.js";
import { buildLoggedApp, buildTestApp } from "./app.js";
import { appAuth, shopperAuth } from "./auth.js";
import { openTestDatabase, resetDatabase } from "./database.js";

export const CREDITS = "/api/commerce/customer/credits";

export interface DatabaseOptions {
  /** PostgreSQL pool size (PGlite is always one session). */
  poolSize?: number;
  /** Empty every table before each test; off for files whose tests share what `beforeAll` created. */
  reset?: boolean;
}

export interface HarnessOptions extends DatabaseOptions {
  /** Configuration overrides for the app. */
  env?: Record<string, string>;
  /** When given, the app logs with Tally's real logger options and its JSON lines are collected here. */
  logLines?: Record<string, unknown>[];
  /** Adds what a test needs to the app before it is ready (throwaway routes, hooks). */
  beforeReady?: (app: FastifyInstance) => void;
}

export interface DatabaseHarness {
  database: Database;
}

export interface Harness extends DatabaseHarness {
  app: FastifyInstance;
}

/**
 * This file's database, opened before its first test and closed after its last (the hooks are registered here, so
 * call it at the top of the file or of a `describe`); tables emptied before each test unless `reset: false`.
 */
export function useTestDatabase(options: DatabaseOptions = {}): DatabaseHarness {
  const harness = {} as DatabaseHarness;
  beforeAll(async () => {
    harness.database = await openTestDatabase(options);
  });
  if (options.reset ?? true) beforeEach(() => resetDatabase(harness.database));
  afterAll(() => harness.database.close());
  return harness;
}

/** This file's database and one app on it, ready before the first test; the app closes before its database. */
export function useTestApp(options: HarnessOptions = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.database = await openTestDatabase(options);
    // Before the app starts too: on PostgreSQL a Jest worker's files share one database, and an app that works in the
    // background (a delivery loop polls as it starts) would otherwise act on what the worker's previous file left.
    if (options.reset ?? true) await resetDatabase(harness.database);
    harness.app = options.logLines
      ? await buildLoggedApp(harness.database, options.logLines, options.env)
      : await buildTestApp(harness.database, options.env);
    options.beforeReady?.(harness.app);
    await harness.app.ready();
  });
  if (options.reset ?? true) beforeEach(() => resetDatabase(harness.database));
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
