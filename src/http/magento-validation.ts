import type { FastifySchemaValidationError } from "fastify";
import { Errors, type ApiError } from "../errors.js";
import { withFault, type FaultKind } from "../magento/index.js";
import { toApiError } from "./error-mapping.js";

/**
 * A Magento route's schemaErrorFormatter: request validation errors answered as the usual 400, with the route's
 * fault code. An unknown body property is named, so a misspelt amount is spotted at once.
 */
export function validationFault(kind: FaultKind) {
  return (errors: FastifySchemaValidationError[], context: string): ApiError => {
    const first = errors[0];
    const unknown = first?.keyword === "additionalProperties" ? first.params["additionalProperty"] : undefined;
    if (first && typeof unknown === "string") {
      const path = [first.instancePath.slice(1).replaceAll("/", "."), unknown].filter(Boolean).join(".");
      const noun = context === "body" ? "field" : "parameter";
      const error = Errors.invalidParameter(`Unknown ${noun} '${path}' in ${context}.`, { parameter: path, location: context });
      return withFault(error, kind);
    }
    return withFault(toApiError({ validation: errors, validationContext: context }), kind);
  };
}
