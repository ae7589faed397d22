import { Errors } from "../../../src/errors.js";
import { BALANCE_INVALID_DATA, INVALID_FILTER, withFault, withQueryFault } from "../../../src/magento/index.js";
import { QueryError } from "../../../src/query/index.js";

const filterMistake = () =>
  new QueryError({ code: "UNKNOWN_FIELD", message: "Unknown field 'x' at position 1", parameter: "filter", position: 1, length: 1 });

describe("withFault", () => {
  test("puts the fault code and message first and keeps the error's details, replacing an earlier fault", () => {
    const error = withFault(Errors.invalidParameter("Bad.", { parameter: "qty" }), INVALID_FILTER);
    const refaulted = withFault(error, BALANCE_INVALID_DATA);
    expect(refaulted.message).toBe("Provided data is invalid. Bad.");
    expect(refaulted.additionalErrorData).toEqual([
      { name: "faultCode", value: 100 },
      { name: "faultMessage", value: "Provided data is invalid." },
      { name: "parameter", value: "qty" },
    ]);
  });
});

describe("withQueryFault", () => {
  test("answers a list-parameter mistake as a 400 with the fault and the mistake's position", () => {
    let thrown: unknown;
    try {
      withQueryFault(INVALID_FILTER, () => {
        throw filterMistake();
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      statusCode: 400,
      message: "Unknown field 'x' at position 1",
      additionalErrorData: [
        { name: "faultCode", value: 101 },
        { name: "faultMessage", value: "Invalid filter given." },
        { name: "parameter", value: "filter" },
        { name: "position", value: 1 },
        { name: "length", value: 1 },
        { name: "reason", value: "UNKNOWN_FIELD" },
      ],
    });
  });

  test("passes results and other errors through", () => {
    expect(withQueryFault(INVALID_FILTER, () => 7)).toBe(7);
    expect(() =>
      withQueryFault(INVALID_FILTER, () => {
        throw new RangeError("boom");
      }),
    ).toThrow(RangeError);
  });
});
