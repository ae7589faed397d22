import { request } from "node:http";
import { createApiUser } from "../../../src/auth/magento-api.js";
import { createTenant } from "../../../src/demo/factories.js";
import { MAGENTO_API_USER } from "../../../src/examples/index.js";
import { describeWithPhp, listOf } from "../../helpers/php.js";
import { useSoapApps } from "./setup.js";

/**
 * The WSDLs as clients fetch them. PHP posts every call to the WSDL's `soap:address`, not to the URL it loaded the
 * WSDL from, so the address must be the one the client reached: built from the Host header, or from
 * X-Forwarded-Proto/Host when TRUST_PROXY says a proxy sets them. And a client must be able to load each WSDL
 * with nothing but the app reachable.
 */

// No demo data: the WSDLs need none, and the one call made logs in as the examples' API user.
const suite = useSoapApps({ seed: false, apps: { proxied: { TRUST_PROXY: "true" } } });
beforeAll(async () => {
  await createTenant(suite.database.prisma, { id: MAGENTO_API_USER.tenantId });
  await createApiUser(suite.database.prisma, MAGENTO_API_USER);
});

const WSDLS = [
  ["V1", "main", "/api/soap"],
  ["V2", "main", "/api/v2_soap"],
  ["WS-I", "wsi", "/api/v2_soap"],
] as const;

/** GET with node:http: fetch (undici) drops a Host header it is given, and the Host header is the point here. */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; contentType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, contentType: response.headers["content-type"], body: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

async function address(url: string, headers: Record<string, string> = {}): Promise<string | undefined> {
  const response = await get(url, headers);
  expect(response.status).toBe(200);
  expect(response.contentType).toBe("text/xml; charset=utf-8");
  expect(response.body.startsWith(`<?xml version="1.0" encoding="UTF-8"?>`)).toBe(true);
  const locations = [...response.body.matchAll(/<soap:address location="([^"]*)"\/>/g)].map((match) => match[1]);
  expect(locations).toHaveLength(1);
  return locations[0];
}

describe("the WSDLs' soap:address", () => {
  test.each(WSDLS)("%s: the Host the client used, the dialect's index URL", async (_dialect, app, base) => {
    expect(await address(`${suite.url(app)}${base}/?wsdl`, { host: "shop.example:8443" })).toBe(`http://shop.example:8443${base}/index/`);
    expect(await address(`${suite.url(app)}${base}/?wsdl`)).toBe(`${suite.url(app)}${base}/index/`);
  });

  test("X-Forwarded-Proto/Host are ignored without TRUST_PROXY: anyone could send them", async () => {
    const headers = { "x-forwarded-proto": "https", "x-forwarded-host": "attacker.example" };
    expect(await address(`${suite.url("main")}/api/soap/?wsdl`, headers)).toBe(`${suite.url("main")}/api/soap/index/`);
  });

  test.each([
    ["/api/soap", "/api/soap/index/"],
    ["/api/v2_soap", "/api/v2_soap/index/"],
  ])("with TRUST_PROXY=true, %s?wsdl names the proxy's scheme and host", async (base, index) => {
    const headers = { "x-forwarded-proto": "https", "x-forwarded-host": "api.example.com" };
    expect(await address(`${suite.url("proxied")}${base}/?wsdl`, headers)).toBe(`https://api.example.com${index}`);
  });
});

describeWithPhp("PHP loading the WSDLs", () => {
  test("each loads from the app alone (no schema or import fetched elsewhere) and declares Magento's operations", async () => {
    // libxml's external entity loader sees every document PHP's WSDL parser opens; anything not the app is refused.
    const output = await suite.php(`
      $opened = array();
      libxml_set_external_entity_loader(function ($public, $system) use (&$opened) {
        $opened[] = $system;
        return str_starts_with($system, getenv('BASE')) || str_starts_with($system, getenv('WSI_BASE')) ? $system : null;
      });
      $names = fn($client) => array_map(fn($signature) => preg_replace('/^\\S+ (\\w+)\\(.*$/', '$1', $signature), $client->__getFunctions());
      report(array('v1' => $names(v1()), 'v2' => $names(v2()), 'wsi' => $names(wsi()), 'opened' => $opened));
    `);
    expect(output["opened"]).toEqual([`${suite.url("main")}/api/soap/?wsdl`, `${suite.url("main")}/api/v2_soap/?wsdl`, `${suite.url("wsi")}/api/v2_soap/?wsdl`]);
    expect(listOf(output["v1"])).toEqual(expect.arrayContaining(["login", "call", "multiCall", "endSession", "resources", "globalFaults", "resourceFaults"]));
    const typed = [
      "login",
      "endSession",
      "enterpriseCustomerbalanceBalance",
      "enterpriseCustomerbalanceHistory",
      "salesOrderCreditmemoList",
      "salesOrderCreditmemoInfo",
      "salesOrderCreditmemoCreate",
      "salesOrderCreditmemoAddComment",
      "salesOrderCreditmemoCancel",
    ];
    expect(output["v2"]).toEqual(typed);
    expect(output["wsi"]).toEqual(typed);
  });

  test("PHP posts where soap:address says: a WSDL fetched through a trusted proxy sends the call to the forwarded host", async () => {
    // The proxied app's WSDL names the main app as the forwarded host; the call PHP then makes must reach the main app.
    const main = new URL(suite.url("main"));
    const output = await suite.php(
      `
      $context = stream_context_create(array('http' => array('header' => "X-Forwarded-Proto: http\\r\\nX-Forwarded-Host: " . getenv('FORWARDED_HOST'))));
      $client = new SoapClient(getenv('PROXIED') . '/api/soap/?wsdl', array('trace' => 1, 'stream_context' => $context));
      $session = $client->login('apiUser', 'apiKey');
      preg_match('/^Host: (.*)$/mi', $client->__getLastRequestHeaders(), $host);
      report(array('session' => $session, 'host' => trim($host[1])));
    `,
      { PROXIED: suite.url("proxied"), FORWARDED_HOST: main.host },
    );
    expect(output["session"]).toMatch(/^[0-9a-f]{32}$/);
    expect(output["host"]).toBe(main.host);
  });
});
