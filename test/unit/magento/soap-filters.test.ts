import { INVALID_FILTER, magentoFilter } from "../../../src/magento/index.js";
import { listQuery } from "../../../src/query/index.js";
import { CREDITMEMO_LIST, CREDITMEMO_LIST_FIELDS } from "../../../src/services/creditmemos/fields.js";
import { ApiError } from "../../../src/errors.js";

/** Magento's SOAP list filters, read as the REST list's filter language and compiled by the same pipeline. */
const where = (form: "v1" | "v2", filters: unknown) => {
  const filter = magentoFilter(form, filters, CREDITMEMO_LIST_FIELDS, INVALID_FILTER);
  return { filter, where: listQuery({ filter }, CREDITMEMO_LIST).filters };
};

describe("Magento list filters as Tally's filter language", () => {
  test.each([
    ["a scalar is an equality", { state: "2" }, "state eq 2", [{ state: 2 }]],
    ["eq / neq", { state: { neq: 3 } }, "state ne 3", [{ state: { not: 3 } }]],
    ["from / to on a Magento time", { created_at: { from: "2011-05-27 10:53:03", to: "2011-05-28" } }, "created_at ge '2011-05-27T10:53:03Z' and created_at le '2011-05-28'", [
      { AND: [{ created_at: { gte: new Date("2011-05-27T10:53:03Z") } }, { created_at: { lte: new Date("2011-05-28T00:00:00Z") } }] },
    ]],
    ["gteq / lteq / moreq / gt / lt", { grand_total: { gt: "10.5" } }, "grand_total gt 10.5", [{ grand_total: { gt: "10.5" } }]],
    ["in as a list", { state: { in: ["1", "2"] } }, "state in [1, 2]", [{ state: { in: [1, 2] } }]],
    ["in as V2's comma list", { state: { in: "1, 2" } }, "state in [1, 2]", [{ state: { in: [1, 2] } }]],
    ["nin as several ne", { state: { nin: ["1", "3"] } }, "state ne 1 and state ne 3", [{ AND: [{ state: { not: 1 } }, { state: { not: 3 } }] }]],
    ["like 'x%' starts with", { increment_id: { like: "1000%" } }, "increment_id sw '1000'", [{ increment_id: { startsWith: "1000" } }]],
    ["like '%x%' contains", { increment_id: { like: "%0068%" } }, "increment_id cont '0068'", [{ increment_id: { contains: "0068" } }]],
    ["null / notnull", { customer_id: { null: true } }, "customer_id eq null", [{ order: { customerId: null } }]],
    ["a relation field", { order_increment_id: "100000744" }, "order_increment_id eq '100000744'", [{ order: { incrementId: "100000744" } }]],
    ["several fields are and-ed", { state: "2", store_id: "1" }, "state eq 2 and store_id eq 1", [{ AND: [{ state: 2 }, { store_id: 1 }] }]],
  ])("V1: %s", (_name, filters, filter, compiled) => {
    expect(where("v1", filters)).toEqual({ filter, where: compiled });
  });

  test("V2's filter and complex_filter mean the same as V1's array", () => {
    const v2 = {
      filter: [{ key: "state", value: "2" }],
      complex_filter: [{ key: "created_at", value: { key: "from", value: "2011-05-27 10:53:03" } }],
    };
    expect(where("v2", v2).filter).toBe(where("v1", { state: "2", created_at: { from: "2011-05-27 10:53:03" } }).filter);
    // WS-I hands a one-item list over as the item itself.
    expect(where("v2", { filter: { key: "state", value: "2" } }).filter).toBe("state eq 2");
  });

  test.each([undefined, null, [], {}])("no filter: %j", (filters) => {
    expect(magentoFilter("v1", filters, CREDITMEMO_LIST_FIELDS, INVALID_FILTER)).toBeUndefined();
  });

  test.each([
    ["an unknown field", { foo: "1" }, "Unknown filter field 'foo'"],
    ["an unsupported operator", { state: { finset: "1" } }, "Operator 'finset' on 'state' is not supported"],
    ["a like Tally cannot express", { increment_id: { like: "%0068" } }, "like on 'increment_id' supports 'text%' and '%text%' only"],
    ["a list where one value is expected", { state: { eq: ["1"] } }, "The value for 'state' must be a single value."],
    ["filters that are not an array", "state=2", "filters must be an associative array"],
  ])("refuses %s with fault 101, never ignoring it", (_name, filters, message) => {
    let thrown: unknown;
    try {
      magentoFilter("v1", filters, CREDITMEMO_LIST_FIELDS, INVALID_FILTER);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).message).toContain(message);
    expect((thrown as ApiError).additionalErrorData[0]).toEqual({ name: "faultCode", value: 101 });
  });

  test("a value the field cannot hold is refused by the list's own compiler, naming the field", () => {
    const filter = magentoFilter("v1", { state: "abc" }, CREDITMEMO_LIST_FIELDS, INVALID_FILTER);
    expect(() => listQuery({ filter }, CREDITMEMO_LIST)).toThrow(/not an integer for field 'state'/);
  });
});
