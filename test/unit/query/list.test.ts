import { listQuery, QueryError, readPage, type ListQuery, type ListSpec, type PrismaWhere } from "../../../src/query/index.js";

interface Where {
  id?: unknown;
  name?: unknown;
  size?: unknown;
  AND?: Where[];
  OR?: Where[];
}
type OrderBy = Partial<Record<"id" | "name" | "size", unknown>>;

const SPEC: ListSpec<Where, OrderBy> = {
  fields: [
    { name: "id", type: "integer", wide: true },
    { name: "name", type: "string" },
    { name: "size", type: "integer" },
  ],
  tiebreaker: { column: "id" },
};

function queryError(run: () => unknown): QueryError {
  try {
    run();
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error("expected a QueryError");
}

describe("listQuery", () => {
  test("no parameters: the first default page, ordered by the tiebreaker, no filter", () => {
    expect(listQuery({}, SPEC)).toEqual({ startIndex: 0, pageSize: 20, skip: 0, take: 20, orderBy: [{ id: "asc" }], filters: [] });
  });

  test("a filter compiles to one where; a sort ends on the tiebreaker", () => {
    const query = listQuery({ filter: "name sw a and size gt 3", sortBy: "size desc", startIndex: 5, pageSize: 10 }, SPEC);
    expect(query.filters).toEqual([{ AND: [{ name: { startsWith: "a" } }, { size: { gt: 3 } }] }]);
    expect(query.orderBy).toEqual([{ size: "desc" }, { id: "asc" }]);
    expect(query).toMatchObject({ startIndex: 5, pageSize: 10, skip: 5, take: 10 });
  });

  test("a blank filter is no filter", () => {
    expect(listQuery({ filter: "  " }, SPEC).filters).toEqual([]);
  });

  test("defaultSort applies only when the client sends no sortBy", () => {
    const spec = { ...SPEC, defaultSort: "size desc, id desc" };
    expect(listQuery({}, spec).orderBy).toEqual([{ size: "desc" }, { id: "desc" }]);
    expect(listQuery({ sortBy: " " }, spec).orderBy).toEqual([{ size: "desc" }, { id: "desc" }]);
    expect(listQuery({ sortBy: "name" }, spec).orderBy).toEqual([{ name: "asc" }, { id: "asc" }]);
  });

  test("rewrite sees the compiled filter and every sort entry", () => {
    const seen: PrismaWhere[] = [];
    const rewrite = (where: PrismaWhere) => {
      seen.push(where);
      return { wrapped: where };
    };
    const query = listQuery({ filter: "size eq 1", sortBy: "name" }, { ...SPEC, rewrite });
    expect(seen).toEqual([{ name: "asc" }, { id: "asc" }, { size: 1 }]);
    expect(query.filters).toEqual([{ wrapped: { size: 1 } }]);
  });

  test("paging is checked first, then sortBy, then filter", () => {
    const all = { startIndex: "x", sortBy: "nope", filter: "nope eq 1" };
    expect(queryError(() => listQuery(all, SPEC)).parameter).toBe("startIndex");
    expect(queryError(() => listQuery({ ...all, startIndex: 0 }, SPEC)).parameter).toBe("sortBy");
    expect(queryError(() => listQuery({ filter: all.filter }, SPEC)).parameter).toBe("filter");
  });

  test("a 32-bit column refuses a larger value, a wide one takes it", () => {
    const error = queryError(() => listQuery({ filter: "size eq 3000000000" }, SPEC));
    expect(error).toMatchObject({ code: "INVALID_VALUE", position: 9, length: 10 });
    expect(error.message).toBe("Value '3000000000' at position 9 is out of range for field 'size'");
    expect(listQuery({ filter: "id eq 3000000000" }, SPEC).filters).toEqual([{ id: 3000000000 }]);
  });

  test("an out-of-range value is reported before a mistake earlier in the filter", () => {
    const error = queryError(() => listQuery({ filter: "nope eq 1 or size eq 3000000000" }, SPEC));
    expect(error.message).toContain("out of range for field 'size'");
  });
});

describe("readPage", () => {
  const query = (skip: number, take: number): ListQuery<Where, OrderBy> => ({
    filters: [],
    orderBy: [{ id: "asc" }],
    skip,
    take,
    startIndex: skip,
    pageSize: take,
  });

  async function read(skip: number, take: number, rows: number) {
    let counted = false;
    const finds: { skip: number; take: number }[] = [];
    const find = (args: { skip: number; take: number }) => {
      finds.push(args);
      return Promise.resolve(Array.from({ length: Math.max(0, Math.min(args.take, rows - args.skip)) }, (_, index) => args.skip + index));
    };
    const count = () => {
      counted = true;
      return Promise.resolve(rows);
    };
    const page = await readPage(query(skip, take), find, count);
    return { page, counted, findArgs: finds[0] };
  }

  test.each([
    // [skip, take, matching rows, counted]
    [0, 20, 0, false],
    [0, 20, 7, false],
    [20, 20, 27, false],
    [0, 20, 20, true],
    [0, 20, 45, true],
    [40, 20, 10, true],
  ])("skip %i, take %i over %i rows: counted %p, totalCount exact", async (skip, take, rows, counted) => {
    const result = await read(skip, take, rows);
    expect(result.page.totalCount).toBe(rows);
    expect(result.counted).toBe(counted);
  });

  test("the page is read with the query's order and window and echoes its paging", async () => {
    const { page, findArgs } = await read(20, 10, 25);
    expect(findArgs).toEqual({ orderBy: [{ id: "asc" }], skip: 20, take: 10 });
    expect(page).toEqual({ startIndex: 20, pageSize: 10, totalCount: 25, items: [20, 21, 22, 23, 24] });
  });
});
