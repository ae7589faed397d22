import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { createTenant } from "../../src/demo/factories.js";
import { DEMO_APPLICATION } from "../../src/examples/index.js";
import { registerApplication } from "../../src/routes/platform/service.js";
import { useTestApp } from "../helpers/harness.js";

const run = promisify(execFile);
const harness = useTestApp({ env: { TOKEN_RATE_LIMIT_PER_MINUTE: "3" } });

/** README's quick-tour token command, exactly as written, pointed at this test's server. */
function readmeTokenCommand(port: number): string {
  const readme = readFileSync("README.md", "utf8");
  const tour = readme.slice(readme.indexOf("## A quick tour"));
  const command = /```sh\n(TOKEN=\$\([\s\S]*?\))\n```/.exec(tour)?.[1];
  if (!command) throw new Error("README's quick tour has no TOKEN=$(…) block");
  return command.replaceAll("localhost:3000", `127.0.0.1:${port}`);
}

/** Runs the command as a shell would, then reports whether it succeeded and what $TOKEN holds. */
async function takeToken(command: string): Promise<{ status: number; token: string; stderr: string }> {
  const script = `${command}\nstatus=$?\nprintf '%s' "$TOKEN"\nexit $status`;
  try {
    const { stdout, stderr } = await run("bash", ["-c", script]);
    return { status: 0, token: stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, token: failed.stdout, stderr: failed.stderr };
  }
}

let port: number;
beforeAll(async () => {
  await harness.app.listen({ port: 0, host: "127.0.0.1" });
  port = (harness.app.server.address() as { port: number }).port;
});

test("README's token command puts an access token in $TOKEN", async () => {
  const { id: tenantId } = await createTenant(harness.database.prisma);
  await registerApplication(harness.database.prisma, { ...DEMO_APPLICATION, tenantId, name: "README", behaviors: ["CreditRead"] });
  const result = await takeToken(readmeTokenCommand(port));
  expect(result).toMatchObject({ status: 0, stderr: "" });
  expect(result.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
});

test("when the token request fails, README's command exits non-zero with the error and leaves $TOKEN empty", async () => {
  // No application is registered: the README's credentials are refused.
  const refused = await takeToken(readmeTokenCommand(port));
  expect(refused.status).not.toBe(0);
  expect(refused.token).toBe("");
  expect(refused.stderr).toContain("UNAUTHORIZED");

  const { id: tenantId } = await createTenant(harness.database.prisma);
  await registerApplication(harness.database.prisma, { ...DEMO_APPLICATION, tenantId, name: "README", behaviors: ["CreditRead"] });
  // Three token requests a minute per client id: the first test's, the refused one, and this one; the next is refused.
  expect((await takeToken(readmeTokenCommand(port))).status).toBe(0);
  const limited = await takeToken(readmeTokenCommand(port));
  expect(limited.status).not.toBe(0);
  expect(limited.token).toBe("");
  expect(limited.stderr).toContain("TOO_MANY_REQUESTS");
});
