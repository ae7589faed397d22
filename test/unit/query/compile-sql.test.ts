import fc from "fast-check";
import { parseFilter, parseList, QueryError, SqlParams, TenantSql, compileFilterSql } from "../../../src/query/index.js";
import { CREDIT_LIST } from "../../../src/routes/credits/fields.js";
import { CREDIT_TABLE } from "../../../src/routes/credits/list-sql.js";

const compile = (filter: string) => {
  const params = new SqlParams(2);
  const sql = compileFilterSql(parseFilter(filter), CREDIT_TABLE.fields, CREDIT_TABLE.columns, params);
  return { sql, params: params.values };
};

test.each([
  ["customerId eq 4242", `"customer_id" = $2`, [4242]],
  ["customerId eq null", `"customer_id" IS NULL`, []],
  ["customerId ne null", `"customer_id" IS NOT NULL`, []],
  ["customerId ne 7", `("customer_id" <> $2 OR "customer_id" IS NULL)`, [7]],
  ["currentBalance ne 7", `"current_balance" <> $2`, ["7"]],
  ["currentBalance ge 010.50", `"current_balance" >= $2`, ["10.5"]],
  ["code sw gc-00", `"code_key"::text LIKE $2`, ["GC-00%"]],
  ["code cont '50%_off'", `"code_key"::text LIKE $2`, ["%50\\%\\_OFF%"]],
  ["creditType in [giftcard, CUSTOM]", `"credit_type" IN ($2, $3)`, ["GiftCard", "Custom"]],
  ["createDate lt 2024-05-03T12:00:00+02:00", `"created_at" < $2`, ["2024-05-03T10:00:00.000Z"]],
  ["expirationDate gt 2024-05-03", `"expiration_date" > $2`, ["2024-05-03T00:00:00.000Z"]],
  [
    "customerId eq 1 and (code sw A or currencyCode eq usd)",
    `("customer_id" = $2 AND ("code_key"::text LIKE $3 OR "currency_code" = $4))`,
    [1, "A%", "USD"],
  ],
])("%s compiles to %s", (filter, sql, params) => {
  expect(compile(filter)).toEqual({ sql, params });
});

test.each([
  ["bogus eq 1", "Unknown field 'bogus'"],
  ["creditType gt GiftCard", "Operator 'gt'"],
  ["customerId eq abc", "'abc'"],
  ["code eq null", "'code'"],
])("%s is refused as the Prisma target refuses it", (filter, message) => {
  expect(() => compile(filter)).toThrow(QueryError);
  expect(() => compile(filter)).toThrow(message);
});

test("a list statement filters by the tenant as $1, then the endpoint's scope, then the client's filter", () => {
  const query = parseList({ filter: "customerId eq 4242", sortBy: "currentBalance desc, activationDate", startIndex: 40, pageSize: 20 }, CREDIT_LIST);
  const { page, count } = TenantSql.list(CREDIT_TABLE, query, [{ column: "deletedAt", isNull: true }, { column: "customerId", equals: 9 }]);
  const where = `FROM "credits" WHERE "tenant_id" = $1 AND "deleted_at" IS NULL AND "customer_id" = $2 AND "customer_id" = $3`;
  const order = `ORDER BY "current_balance" DESC, "activation_date" ASC NULLS LAST, "id" ASC`;
  expect(page.text).toBe(`SELECT ${CREDIT_TABLE.select} FROM (SELECT * ${where} ${order} LIMIT $4 OFFSET $5) AS "page" ${order}`);
  expect(page.params).toEqual([9, 4242, 20, 40]);
  expect(count.text).toBe(`SELECT count(*)::int AS "count" ${where}`);
  expect(count.params).toEqual([9, 4242]);
});

test("every list statement starts its WHERE with the tenant and numbers its parameters from $2 without gaps", () => {
  const fields = ["customerId eq 1", "code sw 'x'", "currentBalance gt 2", "creditType in [GiftCard, Custom]", "activationDate eq null"];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...fields), { minLength: 0, maxLength: 4 }), fc.constantFrom(" and ", " or "), (parts, joiner) => {
      const query = parseList({ filter: parts.join(joiner) }, CREDIT_LIST);
      for (const statement of Object.values(TenantSql.list(CREDIT_TABLE, query, [{ column: "deletedAt", isNull: true }]))) {
        expect(statement.text).toContain(`WHERE "tenant_id" = $1 AND "deleted_at" IS NULL`);
        const numbers = [...statement.text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
        expect(Math.max(...numbers)).toBe(statement.params.length + 1);
        expect(new Set(numbers).size).toBe(statement.params.length + 1);
      }
    }),
  );
});
