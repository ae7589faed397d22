import { resolvePaging, toCollection, type PagingInput } from "../../../src/query/paging.js";
import { expectQueryError } from "./filter-helpers.js";

describe("resolvePaging", () => {
  test.each<[PagingInput, [number, number]]>([
    [{}, [0, 20]],
    [{ startIndex: 40, pageSize: 10 }, [40, 10]],
    [{ startIndex: "40", pageSize: "10" }, [40, 10]],
    [{ startIndex: " 5 ", pageSize: " 7 " }, [5, 7]],
    [{ startIndex: null, pageSize: null }, [0, 20]],
    [{ startIndex: "", pageSize: "" }, [0, 20]],
    [{ pageSize: 0 }, [0, 20]],
    [{ pageSize: "0" }, [0, 20]],
    [{ pageSize: 200 }, [0, 200]],
    [{ pageSize: 201 }, [0, 200]],
    [{ pageSize: "5000" }, [0, 200]],
    [{ startIndex: "007" }, [7, 20]],
  ])("%j", (input, [startIndex, pageSize]) => {
    expect(resolvePaging(input)).toEqual({ startIndex, pageSize, skip: startIndex, take: pageSize });
  });

  test("takes its default and maximum from options", () => {
    expect(resolvePaging({}, { defaultPageSize: 50, maxPageSize: 100 })).toMatchObject({ pageSize: 50 });
    expect(resolvePaging({ pageSize: 150 }, { defaultPageSize: 50, maxPageSize: 100 })).toMatchObject({ pageSize: 100 });
  });

  test.each<[PagingInput, string, string]>([
    [{ startIndex: -1 }, "startIndex", "startIndex must be a non-negative integer, got '-1'"],
    [{ startIndex: "-1" }, "startIndex", "got '-1'"],
    [{ startIndex: 1.5 }, "startIndex", "got '1.5'"],
    [{ startIndex: "1.5" }, "startIndex", "got '1.5'"],
    [{ startIndex: "abc" }, "startIndex", "got 'abc'"],
    [{ startIndex: Number.NaN }, "startIndex", "got 'NaN'"],
    [{ startIndex: Number.POSITIVE_INFINITY }, "startIndex", "got 'Infinity'"],
    [{ startIndex: "99999999999999999999" }, "startIndex", "got '99999999999999999999'"],
    [{ pageSize: "ten" }, "pageSize", "pageSize must be a non-negative integer, got 'ten'"],
    [{ pageSize: "1e3" }, "pageSize", "got '1e3'"],
    [{ pageSize: -5 }, "pageSize", "got '-5'"],
  ])("%j is refused", (input, parameter, message) => {
    const error = expectQueryError(() => resolvePaging(input), "INVALID_PAGING", 1);
    expect(error.parameter).toBe(parameter);
    expect(error.message).toContain(message);
  });
});

describe("toCollection", () => {
  test.each<[number, number, number]>([
    [45, 20, 3],
    [40, 20, 2],
    [0, 20, 0],
    [1, 200, 1],
  ])("totalCount %i with pageSize %i → pageCount %i", (totalCount, pageSize, pageCount) => {
    expect(toCollection({ startIndex: 0, pageSize, totalCount, items: ["x"] })).toEqual({
      startIndex: 0,
      pageSize,
      pageCount,
      totalCount,
      items: ["x"],
    });
  });
});
