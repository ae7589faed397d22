import { createHash } from "node:crypto";
import {
  createApiUser,
  endSession,
  isGranted,
  login,
  MAGENTO_API_RESOURCES,
  purgeExpiredSessions,
  resolveSession,
  UsernameTakenError,
} from "../../src/auth/magento-api.js";
import { forTenant } from "../../src/db/tenant-scope.js";
import { createTenant } from "../../src/demo/factories.js";
import { seedDemoData } from "../../src/demo/seed.js";
import { INFO_REQUEST_CREDITMEMO_INCREMENT_ID, MAGENTO_API_USER } from "../../src/examples/index.js";
import { useCliDatabase } from "../helpers/cli-database.js";
import { useTestDatabase } from "../helpers/harness.js";

const TTL = 3600;
const T0 = new Date("2026-12-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
/** Magento's fault 2, as the SOAP face answers it (faultcode 2, faultstring "Access denied."). */
const ACCESS_DENIED = {
  message: "Access denied.",
  additionalErrorData: expect.arrayContaining([{ name: "faultCode", value: 2 }]),
};

describe("the ACL tree", () => {
  test.each([
    [["all"], "storecredit/balance", true],
    [["all"], "sales/order/creditmemo/cancel", true],
    [["storecredit"], "storecredit/balance", true],
    [["storecredit"], "storecredit/history", true],
    [["storecredit"], "sales/order/creditmemo/info", false],
    [["storecredit/balance"], "storecredit/balance", true],
    [["storecredit/balance"], "storecredit/history", false],
    [["storecredit/balance"], "storecredit", false],
    [["sales"], "sales/order/creditmemo/create", true],
    [["sales/order"], "sales/order/creditmemo/list", true],
    [["sales/order/creditmemo"], "sales/order/creditmemo/comment", true],
    [["sales/order/creditmemo/info"], "sales/order/creditmemo/list", false],
    [["sales/order/creditmemo/info"], "sales/order/creditmemo", false],
    [["storecredit/balance", "sales/order/creditmemo"], "sales/order/creditmemo/cancel", true],
    [["storecredit/balance", "sales/order/creditmemo"], "storecredit/history", false],
    [[], "storecredit/balance", false],
    // A name that merely starts like a granted one is not below it.
    [["sales/order/credit"], "sales/order/creditmemo/info", false],
  ] as const)("granted %j → %s: %s", (granted, resource, expected) => {
    expect(isGranted(granted, resource)).toBe(expected);
  });

  test("every resource is granted by itself, by each of its ancestors and by all", () => {
    for (const resource of MAGENTO_API_RESOURCES) {
      const segments = resource.split("/");
      const ancestors = segments.map((_, index) => segments.slice(0, index + 1).join("/"));
      for (const granted of [...ancestors, "all"]) expect(isGranted([granted], resource)).toBe(true);
    }
  });
});

describe("users and sessions", () => {
  const harness = useTestDatabase();
  const prisma = () => harness.database.prisma;

  async function userOnNewTenant(resources: readonly string[] = ["storecredit/balance"], username = "integration") {
    const tenant = await createTenant(prisma());
    return { tenantId: tenant.id, ...(await createApiUser(prisma(), { tenantId: tenant.id, username, resources })) };
  }

  async function storedExpiry(sessionId: string): Promise<Date | undefined> {
    const row = await prisma().magentoApiSession.findUnique({ where: { sessionHash: sha256(sessionId) } });
    return row?.expiresAt;
  }

  test("a user created with resources logs in with the key it was given and its session resolves to it", async () => {
    const user = await userOnNewTenant(["storecredit/balance", "sales/order/creditmemo"]);
    expect(user.apiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = await login(prisma(), "integration", user.apiKey, T0, TTL);
    expect(session.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(session.expiresAt).toEqual(at(TTL));
    const resolved = await resolveSession(prisma(), session.sessionId, at(10), TTL);
    expect(resolved).toEqual({
      tenantId: user.tenantId,
      userId: session.userId,
      username: "integration",
      resources: ["storecredit/balance", "sales/order/creditmemo"],
    });
  });

  test("the key is stored only as a scrypt hash, and each login opens a new session", async () => {
    const user = await userOnNewTenant();
    const [row] = await harness.database.withSession((sql) =>
      sql.query<{ key_hash: string }>(`SELECT key_hash FROM magento_api_users WHERE username = 'integration'`),
    );
    expect(row?.key_hash).toMatch(/^scrypt\$/);
    expect(row?.key_hash).not.toContain(user.apiKey);
    const first = await login(prisma(), "integration", user.apiKey, T0, TTL);
    const second = await login(prisma(), "integration", user.apiKey, T0, TTL);
    expect(first.sessionId).not.toBe(second.sessionId);
    expect(await prisma().magentoApiSession.count()).toBe(2);
  });

  test("the session id is not in the table: only its SHA-256 is", async () => {
    const user = await userOnNewTenant();
    const { sessionId } = await login(prisma(), "integration", user.apiKey, T0, TTL);
    const rows = await harness.database.withSession((sql) =>
      sql.query<Record<string, unknown>>(`SELECT * FROM magento_api_sessions`),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.["session_hash"]).toBe(sha256(sessionId));
    expect(JSON.stringify(rows)).not.toContain(sessionId);
    // What a reader of the table holds does not open the session.
    expect(await resolveSession(prisma(), sha256(sessionId), T0, TTL)).toBeUndefined();
  });

  test("a session expires TTL seconds after login when unused", async () => {
    const user = await userOnNewTenant();
    const { sessionId } = await login(prisma(), "integration", user.apiKey, T0, TTL);
    expect(await resolveSession(prisma(), sessionId, at(TTL - 1), TTL)).toBeDefined();
    const later = await login(prisma(), "integration", user.apiKey, T0, TTL);
    expect(await resolveSession(prisma(), later.sessionId, at(TTL), TTL)).toBeUndefined();
  });

  test("use slides the expiry forward, written at most once a minute", async () => {
    const user = await userOnNewTenant();
    const { sessionId } = await login(prisma(), "integration", user.apiKey, T0, TTL);
    await resolveSession(prisma(), sessionId, at(59), TTL);
    expect(await storedExpiry(sessionId)).toEqual(at(TTL));
    await resolveSession(prisma(), sessionId, at(60), TTL);
    expect(await storedExpiry(sessionId)).toEqual(at(60 + TTL));
    await resolveSession(prisma(), sessionId, at(100), TTL);
    expect(await storedExpiry(sessionId)).toEqual(at(60 + TTL));
    // Kept alive by use well past the first hour, then left idle for a whole TTL.
    for (const seconds of [1800, 3500, 5000, 7000]) {
      expect(await resolveSession(prisma(), sessionId, at(seconds), TTL)).toBeDefined();
    }
    expect(await resolveSession(prisma(), sessionId, at(7000 + TTL - 1), TTL)).toBeDefined();
    expect(await resolveSession(prisma(), sessionId, at(7000 + TTL - 1 + TTL), TTL)).toBeUndefined();
  });

  test("endSession ends the session it names, once", async () => {
    const user = await userOnNewTenant();
    const kept = await login(prisma(), "integration", user.apiKey, T0, TTL);
    const ended = await login(prisma(), "integration", user.apiKey, T0, TTL);
    expect(await endSession(prisma(), ended.sessionId)).toBe(true);
    expect(await resolveSession(prisma(), ended.sessionId, T0, TTL)).toBeUndefined();
    expect(await endSession(prisma(), ended.sessionId)).toBe(false);
    expect(await endSession(prisma(), "0".repeat(32))).toBe(false);
    expect(await resolveSession(prisma(), kept.sessionId, T0, TTL)).toBeDefined();
  });

  test.each([
    ["a wrong key", "integration", "not-the-key"],
    ["an unknown user", "nobody", undefined],
    ["the name in another case", "Integration", undefined],
    ["an empty name", "", undefined],
    ["a name with a NUL", "integ\u0000ration", undefined],
  ])("%s is access denied (fault 2)", async (_case, username, key) => {
    const user = await userOnNewTenant();
    await expect(login(prisma(), username, key ?? user.apiKey, T0, TTL)).rejects.toMatchObject(ACCESS_DENIED);
    expect(await prisma().magentoApiSession.count()).toBe(0);
  });

  test("a revoked user cannot log in, and the sessions it had stop resolving", async () => {
    const user = await userOnNewTenant();
    const { sessionId } = await login(prisma(), "integration", user.apiKey, T0, TTL);
    await prisma().magentoApiUser.update({ where: { username: "integration" }, data: { revokedAt: at(5) } });
    await expect(login(prisma(), "integration", user.apiKey, at(10), TTL)).rejects.toMatchObject(ACCESS_DENIED);
    expect(await resolveSession(prisma(), sessionId, at(10), TTL)).toBeUndefined();
  });

  test("names are unique across tenants, case-sensitive and 1 to 100 characters; resources must be ACL names", async () => {
    const first = await userOnNewTenant([], "apiUser");
    const other = await createTenant(prisma());
    await expect(createApiUser(prisma(), { tenantId: other.id, username: "apiUser", resources: [] })).rejects.toEqual(
      new UsernameTakenError("apiUser"),
    );
    const differentCase = await createApiUser(prisma(), { tenantId: other.id, username: "APIUSER", resources: [] });
    await expect(login(prisma(), "APIUSER", first.apiKey, T0, TTL)).rejects.toMatchObject(ACCESS_DENIED);
    expect((await login(prisma(), "APIUSER", differentCase.apiKey, T0, TTL)).tenantId).toBe(other.id);

    const create = (username: string, resources: readonly string[] = []) =>
      createApiUser(prisma(), { tenantId: other.id, username, resources });
    await expect(create("ü".repeat(100))).resolves.toMatchObject({ username: "ü".repeat(100) });
    await expect(create("x".repeat(101))).rejects.toThrow(RangeError);
    await expect(create("")).rejects.toThrow(RangeError);
    await expect(create("tab\there")).rejects.toThrow(RangeError);
    await expect(create("fine", ["storecredit/balance", "storecredit/balances"])).rejects.toThrow(
      "Unknown Magento API resource(s): storecredit/balances",
    );
  });

  test("through a tenant's scoped client, users and sessions are that tenant's only", async () => {
    const mine = await userOnNewTenant([], "mine");
    const theirs = await userOnNewTenant([], "theirs");
    await login(prisma(), "mine", mine.apiKey, T0, TTL);
    await login(prisma(), "theirs", theirs.apiKey, T0, TTL);
    const db = forTenant(prisma(), mine.tenantId);
    expect((await db.magentoApiUser.findMany()).map((user) => user.username)).toEqual(["mine"]);
    const sessions = await db.magentoApiSession.findMany({ include: { user: true } });
    expect(sessions.map((session) => session.user.username)).toEqual(["mine"]);
    expect(await db.magentoApiUser.findUnique({ where: { username: "theirs" } })).toBeNull();
    const theirUser = await prisma().magentoApiUser.findUniqueOrThrow({ where: { username: "theirs" } });
    await expect(
      db.magentoApiSession.create({ data: { userId: theirUser.id, sessionHash: "f".repeat(64), expiresAt: at(TTL) } }),
    ).rejects.toThrow(/MagentoApiSession has no tenant column/);
    await expect(
      db.magentoApiUser.update({
        where: { username: "theirs" },
        data: { sessions: { create: { sessionHash: "e".repeat(64), expiresAt: at(TTL) } } },
      }),
    ).rejects.toMatchObject({ code: "P2025" });
    expect(await prisma().magentoApiSession.count()).toBe(2);
  });

  test("purging deletes expired sessions only, a batch at a time; every login purges some", async () => {
    const user = await userOnNewTenant();
    for (let n = 0; n < 5; n += 1) await login(prisma(), "integration", user.apiKey, T0, 60);
    const live = await login(prisma(), "integration", user.apiKey, T0, TTL);
    expect(await purgeExpiredSessions(prisma(), at(59), 100)).toBe(0);
    expect(await purgeExpiredSessions(prisma(), at(60), 2)).toBe(2);
    expect(await prisma().magentoApiSession.count()).toBe(4);
    await login(prisma(), "integration", user.apiKey, at(120), TTL);
    expect(await prisma().magentoApiSession.count()).toBe(2);
    expect(await resolveSession(prisma(), live.sessionId, at(120), TTL)).toBeDefined();
  });

  test("the demo data set has the examples' API user on the tenant of their customer 4 and memos", async () => {
    await seedDemoData(prisma(), { scale: 0.01, anchor: T0 });
    const session = await login(prisma(), "apiUser", "apiKey", T0, TTL);
    expect(session).toMatchObject({ tenantId: MAGENTO_API_USER.tenantId, username: "apiUser", resources: ["all"] });
    const memos = await prisma().creditmemo.findMany({
      where: { tenant_id: session.tenantId, increment_id: { in: ["100000684", INFO_REQUEST_CREDITMEMO_INCREMENT_ID] } },
      select: { increment_id: true, store_id: true, created_at: true },
      orderBy: { increment_id: "asc" },
    });
    expect(memos.map((memo) => [memo.increment_id, memo.store_id])).toEqual([
      ["100000684", 1],
      ["200000001", 2],
    ]);
    // The first of its store, by number and by date, and the store's counter is past it.
    const store2 = await prisma().creditmemo.findMany({
      where: { tenant_id: session.tenantId, store_id: 2 },
      orderBy: { increment_id: "asc" },
      select: { increment_id: true, created_at: true },
    });
    expect(store2[0]?.increment_id).toBe("200000001");
    expect(Math.min(...store2.map((memo) => memo.created_at.getTime()))).toBe(memos[1]?.created_at.getTime());
    const store = await prisma().store.findFirstOrThrow({ where: { tenantId: session.tenantId, storeId: 2 } });
    expect(store.lastCreditmemoNumber).toBeGreaterThanOrEqual(1);
    await expect(resolveSession(prisma(), session.sessionId, T0, TTL)).resolves.toMatchObject({ tenantId: 26507 });
  }, 60_000);
});

describe("npm run soap-user:create", () => {
  const cli = useCliDatabase("tally-soap-user");
  const command = (args: string[]) => cli.command("src/cli/soap-user-create.ts", args);

  test("creates the user and prints its key once, with a warning; the key logs in", async () => {
    const args = ["--tenant", String(cli.tenantId), "--username", "cli user", "--resources", "storecredit/balance, sales/order/creditmemo"];
    const result = await command(args);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const key = /^API key: +(\S+)$/m.exec(result.stdout)?.[1] ?? "";
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.stdout.split(key)).toHaveLength(2);
    expect(result.stdout).toContain("shown only now and cannot be shown again");
    const session = await cli.inDatabase((database) => login(database.prisma, "cli user", key, T0, TTL));
    expect(session).toMatchObject({ tenantId: cli.tenantId, resources: ["storecredit/balance", "sales/order/creditmemo"] });

    const again = await command(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('"cli user" is already taken');
    expect(again.stdout).toBe("");
  }, 60_000);

  test("an unknown resource exits 1 listing the valid ones, and creates nothing", async () => {
    const result = await command(["--tenant", String(cli.tenantId), "--username", "nope", "--resources", "storecredit/balance,catalog"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Unknown resource(s): catalog");
    for (const resource of MAGENTO_API_RESOURCES) expect(result.stderr).toContain(resource);
    expect(result.stdout).toBe("");
    expect(await cli.inDatabase((database) => database.prisma.magentoApiUser.count({ where: { username: "nope" } }))).toBe(0);
  }, 60_000);

  test("a tenant that does not exist exits 1", async () => {
    const result = await command(["--tenant", "999999999", "--username", "ghost", "--resources", "all"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Tenant 999999999 does not exist.");
  }, 60_000);
});
