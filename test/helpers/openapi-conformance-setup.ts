import { drainConformanceViolations } from "./openapi-conformance.js";

// A response the OpenAPI document does not describe fails the test that provoked it.
afterEach(() => {
  const violations = drainConformanceViolations();
  if (violations.length > 0) {
    throw new Error(`Responses that openapi/openapi.json does not describe:\n${violations.map((v) => `- ${v}`).join("\n")}`);
  }
});
