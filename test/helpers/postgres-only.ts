import { testServerUrl } from "./database.js";

/**
 * Tests that cannot fail on PGlite, which is one in-process session (no second connection to race, block or cut
 * off), run on PostgreSQL only. On PGlite they are skipped, and each skip names the test and why, once, so a green
 * PGlite run never hides what it did not check.
 */
export function postgresOnly(why: string): { describe: jest.Describe; test: jest.It } {
  if (testServerUrl()) return { describe, test };
  const warn = (name: string) =>
    // eslint-disable-next-line no-console -- a skipped test should say which it is and why
    console.warn(`Skipped on PGlite (set TEST_DATABASE_URL to run it): "${name}" — ${why}`);
  const skippedDescribe = ((name: string, fn: () => void) => {
    warn(name);
    describe.skip(name, fn);
  }) as jest.Describe;
  const skippedTest = ((name: string, fn?: jest.ProvidesCallback, timeout?: number) => {
    warn(name);
    test.skip(name, fn, timeout);
  }) as jest.It;
  return { describe: skippedDescribe, test: skippedTest };
}
