import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

test("a bad configuration value stops the server before it starts, naming the variable", async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: "abc", LOG_LEVEL: "silent" };
  delete env["DATABASE_URL"];
  const result = await run("node", ["--import", "tsx", "src/server.ts"], { env }).then(
    () => ({ code: 0, stderr: "" }),
    (error: { code: number; stderr: string }) => error,
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('PORT="abc": must be integer');
  expect(result.stderr).not.toMatch(/\n\s+at /);
});
