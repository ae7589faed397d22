import type { FastifyInstance } from "fastify";

/** Sorts an object's keys so the committed document diffs cleanly whatever the registration order. */
function sortedKeys<T extends Record<string, unknown>>(value: T | undefined): T | undefined {
  if (!value) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, value[key]])) as T;
}

/** The OpenAPI document of a ready app, rendered as the exact text committed in openapi/openapi.json. */
export function renderOpenApi(app: FastifyInstance): string {
  const document = app.swagger() as Record<string, unknown> & {
    paths?: Record<string, unknown>;
    components?: Record<string, unknown> & { schemas?: Record<string, unknown> };
  };
  const components = document.components && { ...document.components, schemas: sortedKeys(document.components.schemas) };
  return `${JSON.stringify({ ...document, paths: sortedKeys(document.paths), components }, null, 2)}\n`;
}
