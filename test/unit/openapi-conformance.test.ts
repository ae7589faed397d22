import { DocumentChecker } from "../helpers/openapi-conformance.js";

// The response check that holds the server to its OpenAPI document must itself notice each kind of lie.
const checker = new DocumentChecker({
  paths: {
    "/things/{id}": {
      get: {
        responses: {
          "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          "404": { content: { "application/json": { schema: { type: "object", required: ["message"] } } } },
          "204": {},
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: "object",
        required: ["code", "balance"],
        properties: { code: { type: "string" }, balance: { type: "number" }, expires: { type: ["string", "null"], format: "date-time" } },
      },
    },
  },
} as never);

const json = "application/json; charset=utf-8";

test.each([
  ["a documented body", "GET", 200, json, '{"code":"A","balance":1.5,"expires":null}', undefined],
  ["a HEAD twin of a documented GET", "HEAD", 200, json, "", undefined],
  ["a documented status without content", "GET", 204, undefined, "", undefined],
  ["an undocumented status", "GET", 500, json, "{}", /status 500 is not documented/],
  ["an undocumented content type", "GET", 200, "text/html", "<p>", /content type text\/html is not documented/],
  ["a missing required property", "GET", 200, json, '{"code":"A"}', /must have required property 'balance'/],
  ["a property of the wrong type", "GET", 200, json, '{"code":"A","balance":"1.50"}', /\/balance must be number/],
  ["a malformed date", "GET", 200, json, '{"code":"A","balance":1,"expires":"tomorrow"}', /\/expires must match format/],
  ["a body that is not JSON", "GET", 404, json, "not json", /not JSON/],
])("%s", (_name, method, status, contentType, payload, problem) => {
  const found = checker.check(method, "/things/:id", status, contentType, payload);
  if (problem) expect(found).toMatch(problem);
  else expect(found).toBeUndefined();
});

test("routes the document leaves out are not checked", () => {
  expect(checker.check("GET", "/metrics", 200, "text/plain", "x 1")).toBeUndefined();
});
