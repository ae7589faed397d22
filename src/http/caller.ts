import type { FastifyRequest } from "fastify";
import type { Caller } from "../auth/caller.js";
import { Errors } from "../errors.js";

/**
 * The authenticated caller of a route that declares `config.auth` (the auth plugin sets it before the handler runs).
 * On a route that declares none there is no caller: asking for one fails closed with a 401 rather than acting as
 * nobody in particular.
 */
export function requireCaller(request: FastifyRequest): Caller {
  const { caller } = request;
  if (!caller) throw Errors.unauthorized();
  return caller;
}
