import { pushSigningKey, secretBox } from "../../../src/auth/secret-box.js";
import { registerApplication } from "../../../src/routes/platform/service.js";
import { TEST_KEYS } from "../../helpers/auth.js";
import { useCliDatabase } from "../../helpers/cli-database.js";

const cli = useCliDatabase("tally-subscription-cli", { ...TEST_KEYS, EVENT_ALLOWED_HOSTS: "127.0.0.1" });
const appCreate = (args: string[]) => cli.command("src/cli/app-create.ts", args);
const subscriptionCreate = (args: string[]) => cli.command("src/cli/subscription-create.ts", args);

test("app:create seals the application's push-signing key; subscription:create subscribes it", async () => {
  const registered = await appCreate(["--tenant", String(cli.tenantId), "--behaviors", "all", "--json"]);
  expect(registered).toMatchObject({ code: 0, stderr: "" });
  const { clientId, clientSecret } = JSON.parse(registered.stdout) as { clientId: string; clientSecret: string };
  const application = await cli.inDatabase((database) => database.prisma.application.findUniqueOrThrow({ where: { clientId } }));
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
    subscribingTenants: [{ tenantId: cli.tenantId }],
    createBy: clientId,
  });

  const text = await subscriptionCreate(["--client-id", clientId, "--endpoint", "http://127.0.0.1:4100/all", "--topics", "all", "--inactive"]);
  expect(text).toMatchObject({ code: 0, stderr: "" });
  expect(text.stdout).toContain(
    `Subscribed ${clientId} (tenant ${cli.tenantId}) to credit.created, credit.updated, credit.deleted, storecredit.balance.updated, creditmemo.created, creditmemo.updated, inactive.`,
  );
  const id = /^subscription id: (\S+)$/m.exec(text.stdout)?.[1];
  const rows = await cli.inDatabase((database) =>
    database.prisma.eventSubscription.findMany({ where: { application: { clientId } }, orderBy: { id: "asc" } }),
  );
  expect(rows.map((row) => [row.subscriptionId, row.tenantId, row.isActive])).toEqual([
    [subscription.id, cli.tenantId, true],
    [id, cli.tenantId, false],
  ]);
}, 60_000);

test("subscription:create refuses what the API refuses, exits 1 with the reason and writes nothing", async () => {
  const { clientId } = await cli.inDatabase((database) =>
    registerApplication(database.prisma, { tenantId: cli.tenantId, name: "Before push", behaviors: [] }),
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
  expect(await cli.inDatabase((database) => database.prisma.eventSubscription.count({ where: { application: { clientId } } }))).toBe(0);
}, 90_000);
