import { mapColumnValues } from "../../../src/magento/index.js";
import { listQuery, QueryError, type ListInput } from "../../../src/query/index.js";
import { CREDITMEMO_LIST } from "../../../src/services/creditmemos/fields.js";
import { HISTORY_LIST } from "../../../src/services/storecredit/fields.js";

const memoArgs = (input: ListInput) => {
  const query = listQuery(input, CREDITMEMO_LIST);
  return { ...query, where: query.filters[0] };
};

describe("credit memo list arguments", () => {
  test("fields of the memo's order become relation filters, under and/or too", () => {
    const { where } = memoArgs({ filter: "(orderIncrementId eq 100000744 or customer_id ne 4) and state eq 2" });
    expect(where).toEqual({
      AND: [
        {
          OR: [
            { order: { incrementId: "100000744" } },
            // `ne` on a nullable field also matches guest orders; the compiler flattens the nested or.
            { order: { customerId: { not: 4 } } },
            { order: { customerId: null } },
          ],
        },
        { state: 2 },
      ],
    });
  });

  test("order_increment_id is the same field as orderIncrementId", () => {
    expect(memoArgs({ filter: "order_increment_id in [1, 2]" }).where).toEqual({ order: { incrementId: { in: ["1", "2"] } } });
  });

  test("sorting on an order field sorts through the relation, then by creditmemo_id", () => {
    expect(memoArgs({ sortBy: "customer_id desc" }).orderBy).toEqual([
      { order: { customerId: { sort: "desc", nulls: "last" } } },
      { creditmemo_id: "asc" },
    ]);
  });

  test("paging is echoed and clamped", () => {
    expect(memoArgs({ startIndex: 40, pageSize: 500 })).toMatchObject({ skip: 40, take: 200, startIndex: 40, pageSize: 200 });
  });

  test.each([
    ["customer_id eq 3000000000", "out of range for field 'customer_id'"],
    ["created_at lt 0000-01-01", "out of range for field 'created_at'"],
    ["nope eq 1", "Unknown field"],
    ["state eq", "Expected a value"],
  ])("%s is a QueryError with a position", (filter, message) => {
    expect(() => memoArgs({ filter })).toThrow(QueryError);
    expect(() => memoArgs({ filter })).toThrow(message);
  });
});

describe("store-credit history arguments", () => {
  const historyArgs = (filter: string) => ({ where: listQuery({ filter }, HISTORY_LIST).filters[0] });

  test("actions are filtered by Magento's numbers and compiled to the enum names", () => {
    expect(historyArgs("action eq 4").where).toEqual({ action: "Refunded" });
    expect(historyArgs("action ne 3").where).toEqual({ action: { not: "Used" } });
    expect(historyArgs("action in [4, 5]").where).toEqual({ action: { in: ["Refunded", "Reverted"] } });
  });

  test("an action number outside 1–5 is refused", () => {
    expect(() => historyArgs("action eq 6")).toThrow(QueryError);
  });

  test("bigint ids take values beyond 32 bits", () => {
    expect(historyArgs("history_id gt 5000000000").where).toEqual({ id: { gt: 5000000000 } });
  });

  test("newest first by default, then history_id descending; a client's sort ends on history_id ascending", () => {
    expect(listQuery({}, HISTORY_LIST).orderBy).toEqual([{ createdAt: "desc" }, { id: "desc" }]);
    expect(listQuery({ sortBy: "balance_delta" }, HISTORY_LIST).orderBy).toEqual([{ impactAmount: "asc" }, { id: "asc" }]);
  });
});

describe("mapColumnValues", () => {
  test("leaves other columns and null comparisons alone", () => {
    const where = { AND: [{ action: null }, { other: "4" }, { action: { not: null } }] };
    expect(mapColumnValues(where, "action", () => "mapped")).toEqual(where);
  });
});
