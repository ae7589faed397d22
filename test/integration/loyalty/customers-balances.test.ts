import request from "supertest";
import {
  createCustomer,
  createLoyaltyAccount,
  createLoyaltyCampaign,
  createLoyaltyEntry,
} from "../../../src/demo/factories.js";
import { JANE_DOE_LINE, asText, bodyOf, createExample, exampleParams, parseJsonp, parseXml } from "./report-helpers.js";
import { useTestApp } from "../../helpers/harness.js";

const harness = useTestApp();

/** GET /api.php with the example's credentials plus `overrides`, the body kept as text whatever its type. */
function getReport(overrides: Record<string, string> = {}) {
  return request(harness.app.server).get("/api.php").query(exampleParams(overrides)).buffer(true).parse(asText);
}

function postForm(params: Record<string, string>) {
  return request(harness.app.server).post("/api.php").type("form").send(params).buffer(true).parse(asText);
}

function postMultipart(params: Record<string, string>) {
  const call = request(harness.app.server).post("/api.php");
  for (const [name, value] of Object.entries(params)) call.field(name, value);
  return call.buffer(true).parse(asText);
}

describe("the documented example", () => {
  beforeEach(async () => {
    await createExample(harness.database.prisma);
  });

  test("XML (the default) carries Jane Doe exactly as documented, fields in order", async () => {
    const response = await getReport();
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/xml; charset=utf-8");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["cache-control"]).toBe("no-store");
    const parsed = parseXml(bodyOf(response));
    expect(parsed.status).toBe("success");
    expect(parsed.customer).toEqual([JANE_DOE_LINE]);
    expect(Object.keys(parsed.customer[0] ?? {})).toEqual(Object.keys(JANE_DOE_LINE));
    expect(bodyOf(response)).toContain('<response status="success">');
  });

  test("JSON, pretty by default", async () => {
    const response = await getReport({ output: "json" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(bodyOf(response)).toBe(JSON.stringify({ status: "success", customer: [JANE_DOE_LINE] }, null, 2));
  });

  test("condensed JSON has no whitespace", async () => {
    const response = await getReport({ output: "JSON", condensed: "yes" });
    expect(bodyOf(response)).toBe(JSON.stringify({ status: "success", customer: [JANE_DOE_LINE] }));
  });

  test("JSONP wraps the JSON in the callback, as a script that cannot be sniffed as anything else", async () => {
    const response = await getReport({ output: "JSON", callback: "jQuery123.cb", condensed: "yes" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/javascript; charset=utf-8");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(bodyOf(response)).toBe(`/**/jQuery123.cb(${JSON.stringify({ status: "success", customer: [JANE_DOE_LINE] })});`);
  });

  test("a callback alone selects JSONP; output is case-insensitive", async () => {
    const jsonp = await getReport({ callback: "handleReport" });
    expect(parseJsonp(bodyOf(jsonp), "handleReport")).toEqual({ status: "success", customer: [JANE_DOE_LINE] });
    const xml = await getReport({ output: "xMl" });
    expect(parseXml(bodyOf(xml)).customer).toEqual([JANE_DOE_LINE]);
  });

  test.each([
    ["POST urlencoded", () => postForm(exampleParams({ output: "JSON" }))],
    ["POST multipart", () => postMultipart(exampleParams({ output: "JSON" }))],
    ["GET query string", () => getReport({ output: "JSON" })],
  ])("%s gives the same report", async (_name, send) => {
    const response = await send();
    expect(response.status).toBe(200);
    expect(JSON.parse(bodyOf(response))).toEqual({ status: "success", customer: [JANE_DOE_LINE] });
  });

  test("empty values count as absent: output= is XML, offset= is 0", async () => {
    const response = await postForm(exampleParams({ output: "", offset: "", callback: "" }));
    expect(response.status).toBe(200);
    expect(parseXml(bodyOf(response)).customer).toEqual([JANE_DOE_LINE]);
  });

  test("limit=0 answers an empty report in each format", async () => {
    expect(parseXml(bodyOf(await getReport({ limit: "0" })))).toEqual({ status: "success", customer: [] });
    expect(bodyOf(await getReport({ limit: "0", output: "JSON" }))).toBe(
      JSON.stringify({ status: "success", customer: [] }, null, 2),
    );
    const condensed = await getReport({ limit: "0", output: "JSON", condensed: "yes" });
    expect(bodyOf(condensed)).toBe('{"status":"success","customer":[]}');
  });
});

describe("hostile customer data", () => {
  const hostile = {
    firstName: "<script>alert('x')</script>",
    lastName: "Tom & Jerry &amp; \"Friends\"",
    address1: "Emoji 😀🎉 street",
    address2: "bell\u0001 and escape\u001b",
    city: "lone \ud800 surrogate",
    custom1: "]]> <![CDATA[ x ]]>",
    username: "line\r\nbreak",
  };

  test("yields well-formed XML that reads back as the data, minus what XML 1.0 cannot carry", async () => {
    const { account, campaign } = await createExample(harness.database.prisma);
    const customer = await createCustomer(harness.database.prisma, { tenantId: account.tenantId, ...hostile });
    await createLoyaltyEntry(harness.database.prisma, { campaignId: campaign.id, customerRef: customer.id });
    const response = await getReport();
    expect(response.status).toBe(200);
    const line = parseXml(bodyOf(response)).customer.find((entry) => entry["card_number"] === customer.cardNumber);
    expect(line).toMatchObject({
      first_name: "<script>alert('x')</script>",
      last_name: 'Tom & Jerry &amp; "Friends"',
      address1: "Emoji 😀🎉 street",
      address2: "bell and escape",
      // The harness.database already stores a lone surrogate as U+FFFD; the writer's own removal is unit-tested.
      city: "lone \uFFFD surrogate",
      custom1: "]]> <![CDATA[ x ]]>",
      customer_username: "line\r\nbreak",
    });
  });

  test("JSON keeps every character, escaped", async () => {
    const { account, campaign } = await createExample(harness.database.prisma);
    const customer = await createCustomer(harness.database.prisma, { tenantId: account.tenantId, ...hostile });
    await createLoyaltyEntry(harness.database.prisma, { campaignId: campaign.id, customerRef: customer.id });
    const response = await getReport({ output: "JSON", callback: "cb" });
    const parsed = parseJsonp(bodyOf(response), "cb") as { customer: Record<string, string>[] };
    expect(parsed.customer.find((entry) => entry["card_number"] === customer.cardNumber)).toMatchObject({
      first_name: hostile.firstName,
      address2: hostile.address2,
      customer_username: hostile.username,
    });
  });
});

describe("which customers, in which order", () => {
  async function campaignWithCustomers(count: number) {
    const { account, campaign, jane } = await createExample(harness.database.prisma);
    const others = [];
    for (let index = 0; index < count; index += 1) {
      const customer = await createCustomer(harness.database.prisma, { tenantId: account.tenantId });
      await createLoyaltyEntry(harness.database.prisma, { campaignId: campaign.id, customerRef: customer.id, points: 100 + index });
      others.push(customer);
    }
    return { account, campaign, cardNumbers: [jane, ...others].sort((a, b) => a.id - b.id).map((c) => c.cardNumber) };
  }

  test("only customers with entries in the campaign, ordered by customer", async () => {
    const { account, cardNumbers } = await campaignWithCustomers(3);
    await createCustomer(harness.database.prisma, { tenantId: account.tenantId });
    const elsewhere = await createLoyaltyCampaign(harness.database.prisma, { accountId: account.id });
    await createLoyaltyEntry(harness.database.prisma, { campaignId: elsewhere.id });
    const parsed = parseXml(bodyOf(await getReport()));
    expect(parsed.customer.map((line) => line["card_number"])).toEqual(cardNumbers);
  });

  test.each([
    [{ offset: "1" }, [1, 2, 3, 4, 5]],
    [{ limit: "2" }, [0, 1]],
    [{ offset: "2", limit: "3" }, [2, 3, 4]],
    [{ offset: "5", limit: "10" }, [5]],
    [{ offset: "6" }, []],
  ])("paging %p", async (paging, positions) => {
    const { cardNumbers } = await campaignWithCustomers(5);
    const parsed = JSON.parse(bodyOf(await getReport({ ...paging, output: "JSON" }))) as { customer: Record<string, string>[] };
    expect(parsed.customer.map((line) => line["card_number"])).toEqual(positions.map((index) => cardNumbers[index]));
  });

  test("a customer's record_timestamp is their last update in UTC; a missing birthday is empty", async () => {
    const { account, campaign } = await createExample(harness.database.prisma);
    const customer = await createCustomer(harness.database.prisma, {
      tenantId: account.tenantId,
      customDate: null,
      phone: null,
      updatedAt: new Date("2024-02-29T23:59:58.999+01:00"),
    });
    await createLoyaltyEntry(harness.database.prisma, { campaignId: campaign.id, customerRef: customer.id });
    const parsed = parseXml(bodyOf(await getReport()));
    expect(parsed.customer.find((line) => line["card_number"] === customer.cardNumber)).toMatchObject({
      record_timestamp: "2024-02-29 22:59:58",
      custom_date: "",
      phone: "",
    });
  });
});

describe("stored value and coalitions", () => {
  test("a stored-value campaign reports money: exact totals, equivalents rounded to cents", async () => {
    const { account, jane } = await createExample(harness.database.prisma);
    const giftCards = await createLoyaltyCampaign(harness.database.prisma, { accountId: account.id, kind: "StoredValue" });
    await createLoyaltyEntry(harness.database.prisma, { campaignId: giftCards.id, customerRef: jane.id, amount: "50.1250" });
    await createLoyaltyEntry(harness.database.prisma, { campaignId: giftCards.id, customerRef: jane.id, amount: "10" });
    const redeem = { campaignId: giftCards.id, customerRef: jane.id, kind: "Redeem" as const, amount: "20.5" };
    await createLoyaltyEntry(harness.database.prisma, redeem);
    const parsed = parseXml(bodyOf(await getReport({ campaign_id: String(giftCards.id) })));
    expect(parsed.customer).toEqual([
      expect.objectContaining({
        earned: "60.125",
        redeemed: "-20.5",
        balance: "39.625",
        balance_equivalent: "39.63",
        earned_equivalent: "60.13",
        redeemed_equivalent: "-20.5",
      }),
    ]);
  });

  async function coalitionAccount() {
    const { account, campaign: widgetPoints, jane } = await createExample(harness.database.prisma);
    const doubleDays = await createLoyaltyCampaign(harness.database.prisma, { accountId: account.id, kind: "Points" });
    const optedOut = await createLoyaltyCampaign(harness.database.prisma, {
      accountId: account.id,
      kind: "Points",
      coalitionOptOut: true,
    });
    const giftCards = await createLoyaltyCampaign(harness.database.prisma, { accountId: account.id, kind: "StoredValue" });
    const moreGiftCards = await createLoyaltyCampaign(harness.database.prisma, { accountId: account.id, kind: "StoredValue" });
    const optedOutGiftCards = await createLoyaltyCampaign(harness.database.prisma, {
      accountId: account.id,
      kind: "StoredValue",
      coalitionOptOut: true,
    });
    const entry = (campaignId: bigint, customerRef: number, value: Record<string, unknown>) =>
      createLoyaltyEntry(harness.database.prisma, { campaignId, customerRef, ...value });
    await entry(doubleDays.id, jane.id, { points: 1000 });
    await entry(optedOut.id, jane.id, { points: 50_000 });
    await entry(giftCards.id, jane.id, { amount: "25.50" });
    await entry(moreGiftCards.id, jane.id, { amount: "4.50" });
    await entry(moreGiftCards.id, jane.id, { kind: "Redeem", amount: "10" });
    await entry(optedOutGiftCards.id, jane.id, { amount: "999" });
    // Only in the coalition's other campaign, and only in an opted-out one.
    const coalitionOnly = await createCustomer(harness.database.prisma, { tenantId: account.tenantId });
    await entry(doubleDays.id, coalitionOnly.id, { points: 400 });
    const optedOutOnly = await createCustomer(harness.database.prisma, { tenantId: account.tenantId });
    await entry(optedOut.id, optedOutOnly.id, { points: 400 });
    return { widgetPoints, optedOut, giftCards, optedOutGiftCards, jane, coalitionOnly, optedOutOnly };
  }

  test("coalition_points pools the account's points campaigns, leaving out opted-out ones", async () => {
    const { jane, coalitionOnly } = await coalitionAccount();
    const parsed = parseXml(bodyOf(await getReport({ coalition_balance: "coalition_points" })));
    expect(parsed.customer.map((line) => line["card_number"])).toEqual([jane.cardNumber, coalitionOnly.cardNumber]);
    expect(parsed.customer[0]).toMatchObject({
      earned: "7021",
      redeemed: "-6001",
      balance: "1020",
      balance_equivalent: "1.02",
      earned_equivalent: "7.02",
      redeemed_equivalent: "-6",
    });
    expect(parsed.customer[1]).toMatchObject({ earned: "400", redeemed: "0", balance: "400", balance_equivalent: "0.4" });
  });

  test("coalition_storedvalue pools the gift-card campaigns, leaving out opted-out ones", async () => {
    const { giftCards, jane } = await coalitionAccount();
    const response = await getReport({ campaign_id: String(giftCards.id), coalition_balance: "coalition_storedvalue" });
    expect(parseXml(bodyOf(response)).customer).toEqual([
      expect.objectContaining({
        card_number: jane.cardNumber,
        earned: "30",
        redeemed: "-10",
        balance: "20",
        balance_equivalent: "20",
      }),
    ]);
  });

  test.each([
    ["a campaign of the other kind", "giftCards", "coalition_points", /needs a points campaign/],
    ["an opted-out campaign", "optedOut", "coalition_points", /opted out of the coalition/],
  ] as const)("a coalition report on %s is a 400", async (_name, which, coalition, message) => {
    const campaigns = await coalitionAccount();
    const response = await getReport({ campaign_id: String(campaigns[which].id), coalition_balance: coalition });
    expect(response.status).toBe(400);
    expect(parseXml(bodyOf(response)).error).toMatch(message);
  });
});

describe("errors, in the requested format", () => {
  beforeEach(async () => {
    await createExample(harness.database.prisma);
  });

  test.each([
    [{ type: "customers" }, /Type 'customers' is not supported/],
    [{ report: "transactions" }, /Report 'transactions' is not supported/],
    [{ output: "csv" }, /Parameter 'output' must be XML or JSON/],
    [{ limit: "100001" }, /Parameter 'limit' must be an integer from 0 to 100000/],
    [{ offset: "-1" }, /Parameter 'offset' must be a non-negative integer/],
    [{ campaign_id: "12x" }, /Parameter 'campaign_id' must be a campaign number/],
    [{ coalition_balance: "coalition_miles" }, /Parameter 'coalition_balance' must be coalition_points or/],
    [{ callback: "jQuery123.cb", output: "XML" }, /callback' \(JSONP\) applies only to JSON output/],
  ])("%p → 400 as XML", async (overrides, message) => {
    const response = await getReport(overrides);
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toBe("application/xml; charset=utf-8");
    const parsed = parseXml(bodyOf(response));
    expect(parsed.status).toBe("error");
    expect(parsed.error).toMatch(message);
  });

  test("the same errors come as JSON when JSON was asked for", async () => {
    const response = await getReport({ output: "json", report: "transactions", condensed: "yes" });
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(bodyOf(response))).toEqual({
      status: "error",
      error: "Report 'transactions' is not supported; the supported report is customers_balances.",
    });
    expect(bodyOf(response)).not.toMatch(/\s"/);
  });

  test("a missing campaign_id is named", async () => {
    const { campaign_id: _campaign, ...params } = exampleParams();
    const response = await postForm(params);
    expect(response.status).toBe(400);
    expect(parseXml(bodyOf(response)).error).toBe("Missing required parameter 'campaign_id'.");
  });

  test("only one campaign per call: a repeated campaign_id is a 400", async () => {
    const response = await request(harness.app.server)
      .get(`/api.php?${new URLSearchParams(exampleParams({ output: "JSON" }))}&campaign_id=123456789013`)
      .buffer(true)
      .parse(asText);
    expect(response.status).toBe(400);
    expect(JSON.parse(bodyOf(response))).toEqual({
      status: "error",
      error: "Parameter 'campaign_id' was given 2 times; send it once.",
    });
  });

  test.each([
    ["a call", "alert(1)"],
    ["two statements", "a;b"],
    ["a leading digit", "1abc"],
    ["an empty path segment", "a..b"],
    ["markup", "<script>"],
    ["a space", "a b"],
    ["129 characters", "x".repeat(129)],
  ])("a callback with %s is refused, answered in plain JSON", async (_name, callback) => {
    const response = await getReport({ output: "JSON", callback });
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(bodyOf(response)).error).toMatch(/Parameter 'callback'/);
  });

  test("a bad request asking for JSONP with a valid callback gets its error as JSONP", async () => {
    const response = await getReport({ callback: "cb", type: "nope" });
    expect(response.status).toBe(400);
    expect(parseJsonp(bodyOf(response), "cb")).toEqual({
      status: "error",
      error: "Type 'nope' is not supported; this API answers type=reports.",
    });
  });

  test("a campaign of another account is not found", async () => {
    const other = await createLoyaltyAccount(harness.database.prisma);
    const foreign = await createLoyaltyCampaign(harness.database.prisma, { accountId: other.id });
    await createLoyaltyEntry(harness.database.prisma, { campaignId: foreign.id });
    for (const campaignId of [String(foreign.id), "999999999999"]) {
      const response = await getReport({ campaign_id: campaignId });
      expect(response.status).toBe(404);
      expect(parseXml(bodyOf(response)).error).toBe(`Campaign ${campaignId} was not found in this account.`);
    }
  });

  test("an unsupported body type is refused in XML", async () => {
    const response = await request(harness.app.server)
      .post("/api.php")
      .set("content-type", "text/csv")
      .send("user_id,john1970")
      .buffer(true)
      .parse(asText);
    expect(response.status).toBe(415);
    expect(parseXml(bodyOf(response)).status).toBe("error");
  });
});
