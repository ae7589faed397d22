import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";
import type { Database } from "../../src/db/database.js";
import { DEMO_APPLICATION } from "../../src/examples/index.js";
import { seedDemoData } from "../../src/demo/seed.js";
import { buildTestApp } from "../helpers/app.js";
import { openTestDatabase, resetDatabase } from "../helpers/database.js";

/**
 * A user's path through /docs in a real browser: Authorize with a demo token, reload (the token must persist),
 * try GET /api/commerce/customer/credits with a filter and read the live response Swagger UI renders.
 */

// Debian's Chromium: playwright's own browser downloads are not available where this runs.
const CHROMIUM = "/usr/bin/chromium";
const inCi = Boolean(process.env["CI"]) && process.env["CI"] !== "false";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !inCi) {
  // eslint-disable-next-line no-console -- a skipped suite should say why and how to run it
  console.warn(`Skipping the /docs browser test: ${CHROMIUM} is missing (install it with: apt-get install chromium)`);
}

// Small enough to seed in a few seconds on PGlite; still over a hundred credits for tenant 26507.
const DEMO_SCALE = 0.01;
const FILTER = "currentBalance gt 10 and creditType eq GiftCard";
const PAGE_SIZE = 5;
const OPERATION = "#operations-Credits-getCredits";
const SETUP_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 90_000;

(hasChromium || inCi ? describe : describe.skip)("/docs in a browser", () => {
  let database: Database | undefined;
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  let baseUrl = "";

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium package (see .ci/run)`);
    database = await openTestDatabase();
    // On PostgreSQL the worker's database may still hold other test files' rows; the demo set needs it empty.
    await resetDatabase(database);
    await seedDemoData(database.prisma, { scale: DEMO_SCALE });
    app = await buildTestApp(database);
    await app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Without the background-networking flags Chromium keeps calling Google services, refused on a closed network.
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      timeout: 30_000,
    });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (database) {
      await resetDatabase(database);
      await database.close();
    }
  });

  test(
    "Authorize with a demo token, reload, Try it out on getCredits: the live response lists the tenant's credits",
    async () => {
      const accessToken = await demoAccessToken(baseUrl);
      const context = await browser!.newContext({ viewport: { width: 1280, height: 1600 } });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const foreignRequests: string[] = [];
      const pageErrors: string[] = [];
      page.on("request", (request) => {
        if (/^https?:/.test(request.url()) && !request.url().startsWith(baseUrl)) foreignRequests.push(request.url());
      });
      // CSP violations and script failures surface as console errors.
      page.on("console", (message) => {
        if (message.type() === "error") pageErrors.push(message.text());
      });
      page.on("pageerror", (error) => pageErrors.push(error.message));

      try {
        await page.goto(`${baseUrl}/docs`);
        await authorize(page, accessToken);
        await page.reload();
        // persistAuthorization: the token survived the reload (the padlock stays closed).
        await page.locator(".auth-wrapper button.authorize.locked").waitFor();

        const operation = page.locator(OPERATION);
        await operation.locator(".opblock-summary-control").click();
        await operation.getByRole("button", { name: "Try it out" }).click();
        // Try it out prefills each parameter with its first documented example; keep only what this query needs.
        const parameter = (name: string) => operation.locator(`tr[data-param-name="${name}"] input`);
        await parameter("filter").fill(FILTER);
        await parameter("pageSize").fill(String(PAGE_SIZE));
        await parameter("sortBy").fill("");
        await parameter("responseFields").fill("");
        await operation.getByRole("button", { name: "Execute" }).click();

        const live = operation.locator(".live-responses-table");
        await live.locator(".response-col_status").filter({ hasText: "200" }).waitFor();
        const body = JSON.parse(await live.locator(".response-col_description pre").first().innerText()) as {
          totalCount: number;
          items: { code: string; creditType: string; currentBalance: number }[];
        };

        const expected = await database!.prisma.credit.findMany({
          where: {
            tenantId: DEMO_APPLICATION.tenantId,
            deletedAt: null,
            creditType: "GiftCard",
            currentBalance: { gt: 10 },
          },
          orderBy: { id: "asc" },
          select: { code: true },
        });
        expect(expected.length).toBeGreaterThan(PAGE_SIZE);
        expect(body.totalCount).toBe(expected.length);
        expect(body.items.map((credit) => credit.code)).toEqual(expected.slice(0, PAGE_SIZE).map((credit) => credit.code));
        for (const credit of body.items) {
          expect(credit.creditType).toBe("GiftCard");
          expect(credit.currentBalance).toBeGreaterThan(10);
        }
        // displayRequestDuration
        await live.getByText("Request duration").waitFor();
        expect(foreignRequests).toEqual([]);
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

/** What a user does first: exchange the demo application's id and secret for an access token. */
async function demoAccessToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/platform/applications/authtickets/oauth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: DEMO_APPLICATION.clientId,
      client_secret: DEMO_APPLICATION.clientSecret,
      grant_type: "client_credentials",
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Opens Authorize, pastes the token into bearerAuth, authorizes and closes the dialog. */
async function authorize(page: Page, accessToken: string): Promise<void> {
  await page.locator(".auth-wrapper button.authorize").click();
  const dialog = page.locator(".modal-ux");
  const bearer = dialog.locator(".auth-container").filter({ hasText: "bearerAuth" });
  await bearer.getByLabel("auth-bearer-value").fill(accessToken);
  await bearer.getByRole("button", { name: "Apply credentials" }).click();
  await bearer.locator("button", { hasText: "Logout" }).waitFor();
  await bearer.locator("button", { hasText: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
}
