import type { AddressInfo } from "node:net";
import { Configuration } from "@kibocommerce/rest-sdk";
import { CreditApi } from "@kibocommerce/rest-sdk/clients/Customer/index.js";
import { BEHAVIORS } from "../../../src/auth/caller.js";
import { createCredit, createTenant, createWebsite } from "../../../src/demo/factories.js";
import { registerApplication } from "../../../src/routes/platform/service.js";
import { useTestApp } from "../../helpers/harness.js";

const harness = useTestApp({ reset: false });
let tally: URL;

beforeAll(async () => {
  await harness.app.listen({ port: 0, host: "127.0.0.1" });
  tally = new URL(`http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`);
});

test("Kibo's SDK, given only a client id and shared secret, authenticates against Tally and lists credits", async () => {
  const tenant = await createTenant(harness.database.prisma, { domain: "tenant.tally.test" });
  const website = await createWebsite(harness.database.prisma, { tenantId: tenant.id });
  await createCredit(harness.database.prisma, { tenantId: tenant.id, code: "SDK-OAUTH-1", initialBalance: "25" });
  const { clientId, clientSecret } = await registerApplication(harness.database.prisma, {
    tenantId: tenant.id,
    name: "SDK",
    behaviors: BEHAVIORS,
  });

  // The SDK speaks https to its auth host and to the tenant's domain; here both are Tally on plain http.
  const calls: string[] = [];
  const toTally = (url: string, init?: RequestInit) => {
    const target = new URL(url);
    calls.push(`${init?.method ?? "GET"} ${target.host}${target.pathname}`);
    target.protocol = tally.protocol;
    target.host = tally.host;
    return fetch(target, init);
  };
  const configuration = new Configuration({
    tenantId: tenant.id,
    siteId: website.siteId,
    clientId,
    sharedSecret: clientSecret,
    authHost: "auth.tally.test",
    fetchApi: toTally,
  });

  const page = await new CreditApi(configuration).getCredits({ filter: "code eq SDK-OAUTH-1" });

  expect(page.items?.map((credit) => [credit.code, credit.currentBalance])).toEqual([["SDK-OAUTH-1", 25]]);
  expect(calls).toEqual([
    "POST auth.tally.test/api/platform/applications/authtickets/oauth",
    `GET auth.tally.test/api/platform/tenants/${tenant.id}`,
    "GET tenant.tally.test/api/commerce/customer/credits",
  ]);
});
