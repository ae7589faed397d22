import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * Checks every response a test app sends against the OpenAPI document the same app publishes, so the committed
 * document cannot drift from what the server really answers. Violations are collected here and fail the test that
 * caused them (see openapi-conformance-setup.ts), instead of changing the response the test asserts on.
 */

interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses?: Record<string, ResponseObject>;
}
type OpenApiDocument = { paths?: Record<string, Record<string, Operation>> };

const violations: string[] = [];

/** Takes the violations recorded since the last call. */
export function drainConformanceViolations(): string[] {
  return violations.splice(0, violations.length);
}

/** A compiled view of one OpenAPI document: validators are built on first use and reused by every app with it. */
export class DocumentChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats.default(this.ajv);
    this.ajv.addSchema(document as object, "openapi");
  }

  /** The problem with this response, or undefined when the document describes it. */
  check(method: string, routeUrl: string, statusCode: number, contentType: string | undefined, payload: unknown): string | undefined {
    const path = routeUrl.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    // HEAD answers as its GET twin without a body.
    const operationMethod = method === "HEAD" ? "get" : method.toLowerCase();
    const operation = this.document.paths?.[path]?.[operationMethod];
    // Routes the document leaves out on purpose (/docs assets, /metrics, test-only routes) have nothing to check.
    if (!operation) return undefined;
    const where = `${method} ${path} → ${statusCode}`;
    const responses = operation.responses ?? {};
    const statusKey = [String(statusCode), `${String(statusCode)[0]}XX`, "default"].find((key) => key in responses);
    if (!statusKey) return `${where}: status ${statusCode} is not documented (documented: ${Object.keys(responses).join(", ")})`;
    const content = responses[statusKey]?.content;
    if (!content || method === "HEAD") return undefined;
    const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
    if (!mediaType || !(mediaType in content)) {
      return `${where}: content type ${mediaType ?? "(none)"} is not documented (documented: ${Object.keys(content).join(", ")})`;
    }
    if (!/[/+]json$/.test(mediaType) || typeof payload !== "string") return undefined;
    const validate = this.validator(path, operationMethod, statusKey, mediaType);
    if (!validate) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return `${where}: body is not JSON although the content type is ${mediaType}`;
    }
    if (validate(body)) return undefined;
    const details = (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""}`).join("; ");
    return `${where}: body does not match the documented schema: ${details}\n  body: ${payload.slice(0, 500)}`;
  }

  private validator(path: string, method: string, status: string, mediaType: string): ValidateFunction | undefined {
    const pointer = ["paths", path, method, "responses", status, "content", mediaType, "schema"]
      .map((segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1"))
      .join("/");
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.getSchema(`openapi#/${pointer}`);
      if (validate) this.validators.set(pointer, validate);
    }
    return validate;
  }
}

const checkers = new Map<string, DocumentChecker>();

function checkerFor(app: FastifyInstance): DocumentChecker {
  const text = JSON.stringify(app.swagger());
  let checker = checkers.get(text);
  if (!checker) {
    checker = new DocumentChecker(JSON.parse(text) as OpenApiDocument);
    checkers.set(text, checker);
  }
  return checker;
}

/** Adds the response check to an app that is not ready yet. */
export function checkResponsesAgainstOpenApi(app: FastifyInstance): void {
  let checker: DocumentChecker | undefined;
  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const routeUrl = request.routeOptions.url;
    // Throwaway routes of a test declare no responses; every route of Tally's declares them (openapi.test.ts).
    if (routeUrl === undefined || !request.routeOptions.schema?.response) return payload;
    checker ??= checkerFor(app);
    const contentType = reply.getHeader("content-type");
    const problem = checker.check(
      request.method,
      routeUrl,
      reply.statusCode,
      typeof contentType === "string" ? contentType : undefined,
      payload,
    );
    if (problem) violations.push(problem);
    return payload;
  });
}
