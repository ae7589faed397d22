import type { FastifyInstance, FastifyRequest } from "fastify";
import { type ApiError, Errors } from "../errors.js";

type DoneParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * JSON is the only body Tally's own routes read. Fastify's text/plain parser goes, so text sent to a JSON route is a
 * 415 naming the media type rather than a schema error about a string; Fastify's JSON parser stays (it refuses
 * prototype-poisoning keys) but its refusal, which says only "not valid JSON", is replaced by one that says where.
 * Faces that read other media types (the loyalty API's forms) register their parsers in their own plugin.
 */
export function parseJsonBodiesOnly(app: FastifyInstance): void {
  const secureParse = app.getDefaultJsonParser("error", "error") as DoneParser;
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    secureParse(request, body as string, (error, value) => {
      if ((error as { code?: string } | null)?.code === "FST_ERR_CTP_INVALID_JSON_BODY") done(malformedJson(body as string));
      else done(error, value);
    });
  });
}

/** Where and why the body is not JSON: the position found by scanning it, the reason in V8's words. */
export function malformedJson(body: string): ApiError {
  try {
    JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8's reason without its own position, which it leaves out for some mistakes, and without its excerpt of the body.
    const reason = message.replace(/ in JSON at position \d+.*$/s, "").replace(/, (\.\.\.)?".*$/s, "");
    const position = jsonErrorPosition(body);
    const where = position === undefined ? "" : ` at position ${position}`;
    return Errors.invalidParameter(`The body is not valid JSON${where}: ${reason}.`, { parameter: "body", position });
  }
  // It is JSON, so the secure parser refused it for a key that could poison prototypes.
  return Errors.invalidParameter("The body has a __proto__ or constructor.prototype key, which is not accepted.", { parameter: "body" });
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * The index of the first character at which `text` can no longer be JSON (its length when it only ends too soon), or
 * undefined when it is JSON. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function jsonErrorPosition(text: string): number | undefined {
  const open: string[] = [];
  let i = 0;
  const skipWhitespace = () => {
    while (WHITESPACE.has(text[i] ?? "")) i++;
  };
  // Each scanner returns true when it consumed a token, false when it stopped at `i`, the offending character.
  const scanString = (): boolean => {
    i++;
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') {
        i++;
        return true;
      }
      if (c < " ") return false;
      if (c === "\\") {
        i++;
        if (text[i] === "u") {
          i++;
          for (let digits = 0; digits < 4; digits++, i++) if (!isHex(text[i])) return false;
        } else if (ESCAPES.has(text[i] ?? "")) i++;
        else return false;
      } else i++;
    }
    return false;
  };
  const scanDigits = (): boolean => {
    if (!isDigit(text[i])) return false;
    while (isDigit(text[i])) i++;
    return true;
  };
  const scanNumber = (): boolean => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (!scanDigits()) return false;
    if (text[i] === ".") {
      i++;
      if (!scanDigits()) return false;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!scanDigits()) return false;
    }
    return true;
  };
  const scanLiteral = (literal: string): boolean => {
    for (const c of literal) {
      if (text[i] !== c) return false;
      i++;
    }
    return true;
  };
  const scanValue = (): boolean => {
    const c = text[i];
    if (c === '"') return scanString();
    if (c === "-" || isDigit(c)) return scanNumber();
    if (c === "t") return scanLiteral("true");
    if (c === "f") return scanLiteral("false");
    if (c === "n") return scanLiteral("null");
    return false;
  };
  const scanKey = (): boolean => {
    skipWhitespace();
    if (text[i] !== '"' || !scanString()) return false;
    skipWhitespace();
    if (text[i] !== ":") return false;
    i++;
    return true;
  };

  // Alternates between "a value is due" and "a value just ended"; containers open and close on a stack.
  let valueDue = true;
  for (;;) {
    skipWhitespace();
    if (valueDue) {
      const c = text[i];
      if (c === "{" || c === "[") {
        open.push(c);
        i++;
        skipWhitespace();
        if (text[i] === (c === "{" ? "}" : "]")) {
          open.pop();
          i++;
          valueDue = false;
        } else if (c === "{" && !scanKey()) return i;
        continue;
      }
      if (!scanValue()) return i;
      valueDue = false;
      continue;
    }
    const container = open.at(-1);
    if (container === undefined) return i === text.length ? undefined : i;
    const c = text[i];
    if (c === ",") {
      i++;
      if (container === "{" && !scanKey()) return i;
      valueDue = true;
    } else if (c === (container === "{" ? "}" : "]")) {
      open.pop();
      i++;
    } else return i;
  }
}
