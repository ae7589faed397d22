import { createCredit, createCustomer } from "../../../src/demo/factories.js";
import { api, useTestApp, CREDITS, type Harness, tenantWithShopper } from "../../helpers/harness.js";

const harness = useTestApp();

type Overrides = Parameters<typeof createCredit>[1];

/** Creates credits in one tenant, returning the tenant's auth and the codes in creation order. */
async function seed(rows: Overrides[]) {
  const tenant = await tenantWithShopper(harness);
  const codes: string[] = [];
  for (const row of rows) {
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, ...row });
    codes.push(credit.code);
  }
  return { ...tenant, codes };
}

async function listCodes(h: Harness, auth: { authorization: string }, query: Record<string, string | number>): Promise<string[]> {
  const response = await api(h).get(CREDITS).set(auth).query(query);
  expect(response.status).toBe(200);
  return response.body.items.map((item: { code: string }) => item.code);
}

describe("the collection envelope and paging", () => {
  test("defaults to startIndex 0 and pageSize 20, with pageCount = ceil(totalCount / pageSize)", async () => {
    const tenant = await seed(Array.from({ length: 23 }, () => ({})));
    const first = await api(harness).get(CREDITS).set(tenant.app);
    expect(first.body).toMatchObject({ startIndex: 0, pageSize: 20, pageCount: 2, totalCount: 23 });
    expect(first.body.items).toHaveLength(20);
    const last = await api(harness).get(CREDITS).set(tenant.app).query({ startIndex: 20 });
    expect(last.body).toMatchObject({ startIndex: 20, pageSize: 20, pageCount: 2, totalCount: 23 });
    expect(last.body.items).toHaveLength(3);
    const beyond = await api(harness).get(CREDITS).set(tenant.app).query({ startIndex: 40, pageSize: 10 });
    expect(beyond.body).toMatchObject({ startIndex: 40, pageSize: 10, pageCount: 3, totalCount: 23, items: [] });
  });

  test("an empty result has pageCount 0", async () => {
    const tenant = await seed([]);
    const response = await api(harness).get(CREDITS).set(tenant.app);
    expect(response.body).toEqual({ startIndex: 0, pageSize: 20, pageCount: 0, totalCount: 0, items: [] });
  });

  test("pageSize above 200 is clamped and echoed; 0 means the default", async () => {
    const tenant = await seed([{}]);
    const big = await api(harness).get(CREDITS).set(tenant.app).query({ pageSize: 5000 });
    expect(big.body).toMatchObject({ pageSize: 200, pageCount: 1, totalCount: 1 });
    const zero = await api(harness).get(CREDITS).set(tenant.app).query({ pageSize: 0 });
    expect(zero.body.pageSize).toBe(20);
  });

  test.each([
    ["pageSize", "-1"],
    ["pageSize", "2.5"],
    ["pageSize", "ten"],
    ["startIndex", "-20"],
  ])("%s=%s is a 400 naming it", async (parameter, value) => {
    const tenant = await seed([]);
    const response = await api(harness).get(`${CREDITS}?${parameter}=${value}`).set(tenant.app);
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
    expect(response.body.message).toContain(`'${parameter}'`);
    expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: parameter });
  });

  test("paging is stable under ties: walking a sort with many equal values never repeats or skips", async () => {
    const balances = ["10", "20", "30"];
    const tenant = await seed(Array.from({ length: 47 }, (_, index) => ({ initialBalance: balances[index % 3] })));
    for (const sortBy of ["currentBalance", "currentBalance desc", "creditType, currencyCode desc"]) {
      const seen: string[] = [];
      for (let startIndex = 0; startIndex < 47; startIndex += 6) {
        seen.push(...(await listCodes(harness, tenant.app, { sortBy, pageSize: 6, startIndex })));
      }
      expect(seen).toHaveLength(47);
      expect(new Set(seen)).toEqual(new Set(tenant.codes));
    }
    const ascending = await api(harness).get(CREDITS).set(tenant.app).query({ sortBy: "currentBalance", pageSize: 200 });
    const amounts = ascending.body.items.map((item: { currentBalance: number }) => item.currentBalance);
    expect(amounts).toEqual([...amounts].sort((a: number, b: number) => a - b));
  });

  test("an unknown sort field or direction is a 400 pointing at it", async () => {
    const tenant = await seed([]);
    const unknown = await api(harness).get(CREDITS).set(tenant.app).query({ sortBy: "currentBalance desc, balance" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/^Unknown sort field 'balance' at position 22; sortable fields are code, creditType/);
    expect(unknown.body.additionalErrorData).toEqual(
      expect.arrayContaining([
        { name: "parameter", value: "sortBy" },
        { name: "position", value: 22 },
      ]),
    );
    const direction = await api(harness).get(CREDITS).set(tenant.app).query({ sortBy: "code sideways" });
    expect(direction.status).toBe(400);
  });
});

describe("filter meaning against the database", () => {
  test("and binds tighter than or; parentheses regroup", async () => {
    const tenant = await seed([
      { code: "A", creditType: "GiftCard", initialBalance: "5" },
      { code: "B", creditType: "GiftCard", initialBalance: "50" },
      { code: "C", creditType: "StoreCredit", initialBalance: "5" },
      { code: "D", creditType: "StoreCredit", initialBalance: "50" },
      { code: "E", creditType: "Custom", initialBalance: "50" },
    ]);
    const query = (filter: string) => listCodes(harness, tenant.app, { filter, sortBy: "code" });
    expect(await query("creditType eq StoreCredit or creditType eq GiftCard and currentBalance gt 10")).toEqual(["B", "C", "D"]);
    expect(await query("(creditType eq StoreCredit or creditType eq GiftCard) and currentBalance gt 10")).toEqual(["B", "D"]);
    expect(await query("creditType in [Custom, storecredit]")).toEqual(["C", "D", "E"]);
    expect(await query("currentBalance ge 50 and currentBalance le 50.0000")).toEqual(["B", "D", "E"]);
  });

  test("eq null and ne null test for missing values; ne keeps the rows where the value is missing", async () => {
    const tenant = await seed([]);
    const customer = await createCustomer(harness.database.prisma, { tenantId: tenant.tenantId });
    for (const [code, customerId, expirationDate] of [
      ["N1", null, null],
      ["N2", customer.customerId, new Date("2027-01-01T00:00:00Z")],
      ["N3", tenant.customerId, null],
    ] as const) {
      await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code, customerId, expirationDate });
    }
    const query = (filter: string) => listCodes(harness, tenant.app, { filter, sortBy: "code" });
    expect(await query("expirationDate eq null")).toEqual(["N1", "N3"]);
    expect(await query("expirationDate ne null")).toEqual(["N2"]);
    expect(await query("customerId eq null")).toEqual(["N1"]);
    expect(await query(`customerId ne ${customer.customerId}`)).toEqual(["N1", "N3"]);
    const notNullable = await api(harness).get(CREDITS).set(tenant.app).query({ filter: "currentBalance eq null" });
    expect(notNullable.status).toBe(400);
  });

  test("dates compare as instants, date-only meaning midnight UTC", async () => {
    const tenant = await seed([
      { code: "D1", expirationDate: new Date("2026-12-31T23:59:59Z") },
      { code: "D2", expirationDate: new Date("2027-01-01T00:00:00Z") },
      { code: "D3", expirationDate: new Date("2027-06-15T12:00:00Z") },
    ]);
    const query = (filter: string) => listCodes(harness, tenant.app, { filter, sortBy: "expirationDate desc" });
    expect(await query("expirationDate lt 2027-01-01")).toEqual(["D1"]);
    expect(await query("expirationDate ge 2027-01-01")).toEqual(["D3", "D2"]);
    expect(await query("expirationDate gt 2027-01-01T00:59:59+01:00")).toEqual(["D3", "D2"]);
    expect(await query("expirationDate ge 2027-01-01T00:59:59+01:00")).toEqual(["D3", "D2", "D1"]);
    expect(await query("createDate gt 2000-01-01 and expirationDate le 2027-06-15T12:00:00Z")).toEqual(["D3", "D2", "D1"]);
    const bad = await api(harness).get(CREDITS).set(tenant.app).query({ filter: "expirationDate lt soon" });
    expect(bad.status).toBe(400);
    expect(bad.body.additionalErrorData).toContainEqual({ name: "position", value: 19 });
  });

  test("code compares case-insensitively with eq, sw and cont; % and _ are literal", async () => {
    const tenant = await seed([
      { code: "Gc-Alpha" },
      { code: "GC-ALPHABET" },
      { code: "gc-beta" },
      { code: "GC-10%OFF" },
      { code: "GC-1000FF" },
      { code: "GC_X" },
      { code: "GCAX" },
    ]);
    const query = (filter: string) => listCodes(harness, tenant.app, { filter, sortBy: "code" });
    expect(await query("code eq gc-alpha")).toEqual(["Gc-Alpha"]);
    expect(await query("code sw 'gc-alpha'")).toEqual(["Gc-Alpha", "GC-ALPHABET"]);
    expect(await query("code cont BET")).toEqual(["GC-ALPHABET", "gc-beta"]);
    expect(await query("code sw GC-10%")).toEqual(["GC-10%OFF"]);
    expect(await query("code cont 0%o")).toEqual(["GC-10%OFF"]);
    expect(await query("code sw GC_")).toEqual(["GC_X"]);
    expect(await query("currencyCode eq usd and code eq gcax")).toEqual(["GCAX"]);
  });

  test("spaces may arrive as %20 or as +", async () => {
    const tenant = await seed([
      { code: "P1", initialBalance: "5" },
      { code: "P2", initialBalance: "50" },
    ]);
    for (const filter of ["currentBalance%20gt%2010", "currentBalance+gt+10", "currentBalance+gt%2010"]) {
      const response = await api(harness).get(`${CREDITS}?filter=${filter}&sortBy=code+desc`).set(tenant.app);
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { code: string }) => item.code)).toEqual(["P2"]);
    }
  });

  test("an unknown field, operator or value is a 400 with the position of the mistake", async () => {
    const tenant = await seed([]);
    const cases: [string, number, RegExp][] = [
      ["balance gt 10", 1, /Unknown field 'balance'/],
      ["currentBalance gt ten", 19, /currentBalance/],
      ["creditType eq Voucher", 15, /creditType/],
      ["code ew X", 6, /ew/],
      ["(code eq X", 1, /\)/],
    ];
    for (const [filter, position, message] of cases) {
      const response = await api(harness).get(CREDITS).set(tenant.app).query({ filter });
      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
      expect(response.body.message).toMatch(message);
      expect(response.body.additionalErrorData).toEqual(
        expect.arrayContaining([
          { name: "parameter", value: "filter" },
          { name: "position", value: position },
        ]),
      );
    }
  });

  test("values the database cannot hold are 400s pointing at them, never 500s", async () => {
    const tenant = await seed([]);
    const cases: [string, number][] = [
      ["customerId eq 99999999999", 15],
      ["customerId in [1, 3000000000]", 19],
      ["createDate gt 0000-01-01", 15],
    ];
    for (const [filter, position] of cases) {
      const response = await api(harness).get(CREDITS).set(tenant.app).query({ filter });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/is out of range for field/);
      expect(response.body.additionalErrorData).toContainEqual({ name: "position", value: position });
    }
    const nul = await api(harness).get(CREDITS).set(tenant.app).query({ filter: "code eq 'a\u0000b'" });
    expect(nul.status).toBe(400);
    expect(nul.body.additionalErrorData).toContainEqual({ name: "parameter", value: "filter" });
    const path = await api(harness).get(`${CREDITS}/a%00b`).set(tenant.app);
    expect(path.status).toBe(400);
  });
});

describe("responseFields", () => {
  test("keeps the selected properties, nested, case-insensitively, ignoring unknown names", async () => {
    const tenant = await seed([{ code: "R1", initialBalance: "7.5" }]);
    const response = await api(harness)
      .get(CREDITS)
      .set(tenant.app)
      .query({ responseFields: "TotalCount,items(code,currentBalance,auditInfo(createBy),nonsense)" });
    expect(response.body).toEqual({ totalCount: 1, items: [{ code: "R1", currentBalance: 7.5, auditInfo: { createBy: "test-factory" } }] });
    const bare = await api(harness).get(CREDITS).set(tenant.app).query({ responseFields: "items" });
    expect(Object.keys(bare.body)).toEqual(["items"]);
    expect(Object.keys(bare.body.items[0])).toContain("auditInfo");
  });
});

describe("isolation", () => {
  test("a shopper lists only their own credits, whatever the filter", async () => {
    const tenant = await seed([]);
    const neighbour = await createCustomer(harness.database.prisma, { tenantId: tenant.tenantId });
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "MINE-1", customerId: tenant.customerId });
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "MINE-2", customerId: tenant.customerId, initialBalance: "0" });
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "THEIRS", customerId: neighbour.customerId });
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "NOBODY" });
    const query = (filter?: string) => listCodes(harness, tenant.shopper, { sortBy: "code", ...(filter ? { filter } : {}) });
    expect(await query()).toEqual(["MINE-1", "MINE-2"]);
    expect(await query("customerId ne 0")).toEqual(["MINE-1", "MINE-2"]);
    expect(await query(`customerId eq ${neighbour.customerId}`)).toEqual([]);
    expect(await query("customerId eq null")).toEqual([]);
    expect(await query("code eq THEIRS or customerId ne 0 or code ne X")).toEqual(["MINE-1", "MINE-2"]);
    expect(await query("(code eq NOBODY) or (currentBalance ge 0)")).toEqual(["MINE-1", "MINE-2"]);
    const counted = await api(harness).get(CREDITS).set(tenant.shopper).query({ filter: "code sw T or code sw N", pageSize: 1 });
    expect(counted.body).toMatchObject({ totalCount: 0, items: [] });
  });

  test("an application sees only its own tenant's credits", async () => {
    const mine = await seed([{ code: "HOME" }]);
    await seed([{ code: "AWAY" }]);
    expect(await listCodes(harness, mine.app, {})).toEqual(["HOME"]);
    expect(await listCodes(harness, mine.app, { filter: "code eq AWAY" })).toEqual([]);
  });

  test("an x-vol-tenant header that disagrees with the token is refused", async () => {
    const tenant = await seed([]);
    const response = await api(harness).get(CREDITS).set(tenant.app).set("x-vol-tenant", String(tenant.tenantId + 1));
    expect(response.status).toBe(403);
  });
});
