import { pushSigningKey, secretBox } from "../../../src/auth/secret-box.js";
import { seedDemoApplications } from "../../../src/demo/applications.js";
import { createTenant } from "../../../src/demo/factories.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { registerApplication } from "../../../src/routes/platform/service.js";
import { appAuth, TEST_KEYS } from "../../helpers/auth.js";
import { api, useTestApp } from "../../helpers/harness.js";

// Push deliveries are signed with base64(sha256(secret + secret)); Tally keeps that key sealed with EVENT_SECRET_KEYS
// and the secret itself only as its scrypt hash.
const harness = useTestApp();
const OAUTH = "/api/platform/applications/authtickets/oauth";
const box = secretBox(TEST_KEYS.EVENT_SECRET_KEYS);

async function signingKeyOf(clientId: string): Promise<string | null> {
  return (await harness.database.prisma.application.findUniqueOrThrow({ where: { clientId } })).signingKey;
}

/** Every table's rows that contain `text` anywhere, as `table: count`. */
async function tablesContaining(prisma: PrismaClient, text: string): Promise<string[]> {
  const tables = await prisma.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  const found: string[] = [];
  for (const { name } of tables) {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${quoted} t WHERE strpos(t::text, $1) > 0`, text);
    if (row && row.n > 0) found.push(`${name}: ${row.n}`);
  }
  return found;
}

const ticket = (clientId: string, clientSecret: string, extra: Record<string, string> = {}) =>
  api(harness).post(OAUTH).send({ client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials", ...extra });

test("an application registered with the sealer stores the sealed signing key; no column holds the secret or the key", async () => {
  const tenant = await createTenant(harness.database.prisma);
  const { clientId, clientSecret } = await registerApplication(harness.database.prisma, {
    tenantId: tenant.id,
    name: "ERP",
    behaviors: ["EventSubscriptionManage"],
    sealer: box,
  });
  const sealed = await signingKeyOf(clientId);
  expect(sealed).toMatch(/^v1\.test-1\./);
  expect(box.open(sealed!)).toBe(pushSigningKey(clientSecret));
  await ticket(clientId, clientSecret).expect(200);
  // A token request leaves a key it already has as it is.
  expect(await signingKeyOf(clientId)).toBe(sealed);
  // The scan finds what is stored: the client id is, in the application's row and its refresh token's none.
  expect(await tablesContaining(harness.database.prisma, clientId)).toEqual(["applications: 1"]);
  expect(await tablesContaining(harness.database.prisma, clientSecret)).toEqual([]);
  expect(await tablesContaining(harness.database.prisma, pushSigningKey(clientSecret))).toEqual([]);
});

test("an application registered without it gets its key at its first token request with the right secret, once", async () => {
  const tenant = await createTenant(harness.database.prisma);
  const { clientId, clientSecret } = await registerApplication(harness.database.prisma, { tenantId: tenant.id, name: "Old ERP", behaviors: [] });
  expect(await signingKeyOf(clientId)).toBeNull();

  expect((await ticket(clientId, `${clientSecret}x`)).status).toBe(401);
  expect(await signingKeyOf(clientId)).toBeNull();

  const first = await ticket(clientId, clientSecret).expect(200);
  const sealed = await signingKeyOf(clientId);
  expect(box.open(sealed!)).toBe(pushSigningKey(clientSecret));
  await ticket(clientId, clientSecret, { refresh_token: first.body.refresh_token as string }).expect(200);
  expect(await signingKeyOf(clientId)).toBe(sealed);
  expect(await tablesContaining(harness.database.prisma, clientSecret)).toEqual([]);
  expect(await tablesContaining(harness.database.prisma, pushSigningKey(clientSecret))).toEqual([]);
});

test("a revoked application's secret captures nothing", async () => {
  const tenant = await createTenant(harness.database.prisma);
  const { clientId, clientSecret } = await registerApplication(harness.database.prisma, { tenantId: tenant.id, name: "Gone", behaviors: [] });
  await harness.database.prisma.application.update({ where: { clientId }, data: { revokedAt: new Date() } });
  expect((await ticket(clientId, clientSecret)).status).toBe(401);
  expect(await signingKeyOf(clientId)).toBeNull();
});

test("the demo applications, seeded with the server's sealer, can be subscribed before any token request", async () => {
  const prisma = harness.database.prisma;
  const tenant = await createTenant(prisma);
  await prisma.$transaction((tx) => seedDemoApplications(tx, box));
  const demo = await prisma.application.findUniqueOrThrow({ where: { clientId: `TALLY_DEMO.${tenant.id}` } });
  expect(box.open(demo.signingKey!)).toBe(pushSigningKey(`${tenant.id}_Secret`));
  const auth = await appAuth(harness.app, tenant.id, ["EventSubscriptionManage"], demo.clientId);
  await api(harness)
    .post("/api/event/push/subscriptions")
    .set(auth)
    .send({ endpoint: "https://93.184.216.34/tally", topics: ["credit.updated"] })
    .expect(201);
});
