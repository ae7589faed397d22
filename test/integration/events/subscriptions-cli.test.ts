import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { pushSigningKey, secretBox } from "../../../src/auth/secret-box.js";
import { type Database, openDatabase } from "../../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../../src/db/migrate.js";
import { createTenant } from "../../../src/demo/factories.js";
import { registerApplication } from "../../../src/routes/platform/service.js";
import { TEST_KEYS } from "../../helpers/auth.js";
import { openTestDatabase, testServerUrl, withDatabaseName, workerDatabaseName } from "../../helpers/database.js";

const run = promisify(execFile);

// The commands run in child processes and open the database as they would a deployment's: PostgreSQL by
// DATABASE_URL, or an embedded data directory of their own (the socket off).
let env: NodeJS.ProcessEnv;
let tenantId: number;
let root: string;
/** Runs `fn` on the database the commands write to; an embedded directory is open only meanwhile (one opener). */
let inDatabase: <T>(fn: (database: Database) => Promise<T>) => Promise<T>;
let shared: Database | undefined;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "tally-subscription-cli-"));
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    ...TEST_KEYS,
    NODE_ENV: "development",
    DEV_SECRETS_FILE: path.join(root, "dev-secrets.json"),
    EVENT_ALLOWED_HOSTS: "127.0.0.1",
  };
  delete base["DATABASE_URL"];
  const server = testServerUrl();
  if (server) {
    const database = await openTestDatabase();
    shared = database;
    env = { ...base, DATABASE_URL: withDatabaseName(server, workerDatabaseName()) };
    inDatabase = (fn) => fn(database);
  } else {
    const dataDir = path.join(root, "pglite");
    env = { ...base, EMBEDDED_DATA_DIR: dataDir, EMBEDDED_SOCKET_PORT: "0" };
    inDatabase = async (fn) => {
      const database = await openDatabase({ dataDir, poolSize: 1, connectTimeoutMs: 5_000, role: "test" });
      try {
        return await fn(database);
      } finally {
        await database.close();
      }
    };
    await inDatabase((database) => database.withSession((sql) => applyMigrations(sql, readMigrations())));
  }
  tenantId = await inDatabase(async (database) => (await createTenant(database.prisma)).id);
}, 60_000);

afterAll(async () => {
  await shared?.close();
  rmSync(root, { recursive: true, force: true });
});

const command = (script: string, args: string[]) =>
  run("node", ["--import", "tsx", script, ...args], { env }).then(
    (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
const appCreate = (args: string[]) => command("src/cli/app-create.ts", args);
const subscriptionCreate = (args: string[]) => command("src/cli/subscription-create.ts", args);

test("app:create seals the application's push-signing key; subscription:create subscribes it", async () => {
  const registered = await appCreate(["--tenant", String(tenantId), "--behaviors", "all", "--json"]);
  expect(registered).toMatchObject({ code: 0, stderr: "" });
  const { clientId, clientSecret } = JSON.parse(registered.stdout) as { clientId: string; clientSecret: string };
  const application = await inDatabase((database) => database.prisma.application.findUniqueOrThrow({ where: { clientId } }));
  expect(secretBox(TEST_KEYS.EVENT_SECRET_KEYS).open(application.signingKey!)).toBe(pushSigningKey(clientSecret));
  expect(JSON.stringify(application)).not.toContain(clientSecret);

  const json = await subscriptionCreate(["--client-id", clientId, "--endpoint", "http://127.0.0.1:4100/hooks", "--topics", "credit.created, credit.updated", "--json"]);
  expect(json).toMatchObject({ code: 0, stderr: "" });
  const subscription = JSON.parse(json.stdout) as { id: string };
  expect(subscription).toMatchObject({
    appId: clientId,
    endpoint: "http://127.0.0.1:4100/hooks",
    topics: ["credit.created", "credit.updated"],
    isActive: true,
    subscribingTenants: [{ tenantId }],
    createBy: clientId,
  });

  const text = await subscriptionCreate(["--client-id", clientId, "--endpoint", "http://127.0.0.1:4100/all", "--topics", "all", "--inactive"]);
  expect(text).toMatchObject({ code: 0, stderr: "" });
  expect(text.stdout).toContain(
    `Subscribed ${clientId} (tenant ${tenantId}) to credit.created, credit.updated, credit.deleted, storecredit.balance.updated, creditmemo.created, creditmemo.updated, inactive.`,
  );
  const id = /^subscription id: (\S+)$/m.exec(text.stdout)?.[1];
  const rows = await inDatabase((database) =>
    database.prisma.eventSubscription.findMany({ where: { application: { clientId } }, orderBy: { id: "asc" } }),
  );
  expect(rows.map((row) => [row.subscriptionId, row.tenantId, row.isActive])).toEqual([
    [subscription.id, tenantId, true],
    [id, tenantId, false],
  ]);
}, 60_000);

test("subscription:create refuses what the API refuses, exits 1 with the reason and writes nothing", async () => {
  const { clientId } = await inDatabase((database) =>
    registerApplication(database.prisma, { tenantId, name: "Before push", behaviors: [] }),
  );
  const cases: [string[], string][] = [
    [["--client-id", "nobody", "--endpoint", "http://127.0.0.1:4100/x", "--topics", "credit.created"], "Application nobody does not exist."],
    [["--client-id", clientId, "--endpoint", "http://169.254.169.254/", "--topics", "credit.created"], "endpoint: 169.254.169.254 is a linkLocal address"],
    [["--client-id", clientId, "--endpoint", "http://127.0.0.1:4100/x", "--topics", "credit.created,order.opened"], '"order.opened" is not a topic Tally publishes'],
    [["--client-id", clientId, "--endpoint", "http://127.0.0.1:4100/x", "--topics", "credit.created"], "Request a token with the client secret once"],
    [["--client-id", clientId, "--topics", "credit.created"], "Usage: npm run subscription:create"],
  ];
  for (const [args, message] of cases) {
    const result = await subscriptionCreate(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  }
  expect(await inDatabase((database) => database.prisma.eventSubscription.count({ where: { application: { clientId } } }))).toBe(0);
}, 90_000);
