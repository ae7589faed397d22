import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TSchema } from "typebox";
import { endSession, login, resolveSession } from "../../auth/magento-api.js";
import { SIGN_IN_LIMITS, SignInThrottle } from "../../auth/sign-in-throttle.js";
import type { Config } from "../../config.js";
import { ApiError, Errors } from "../../errors.js";
import { TRANSACTION_OPTIONS } from "../../db/transactions.js";
import { validationFault } from "../../http/magento-validation.js";
import { compileValueValidator } from "../../http/validators.js";
import { ApiFaults, INVALID_DATA } from "../../magento/index.js";
import { NewCommentBody, NewCreditmemoBody, type NewCommentInput, type NewCreditmemoInput } from "../../services/creditmemos/inputs.js";
import { readEnvelope } from "../../soap/envelope.js";
import { renderWsdl, type WsdlDialect } from "../../soap/wsdl.js";
import { parseXml } from "../../soap/xml/parse.js";
import { dispatchTyped, dispatchV1, type SoapEnvironment } from "./dispatch.js";
import { SOAP_ERROR_FORMAT } from "./error-format.js";
import type { InputValidators } from "./methods.js";

export interface SoapRoutesOptions {
  config: Pick<Config, "MAGENTO_SOAP_SESSION_TTL_SECONDS" | "MAGENTO_SOAP_WSI">;
}

/** Where each dialect is served: the WSDL's URL, and the address it names, which clients post to. */
const ENDPOINTS = [
  { base: "/api/soap", dialect: "v1" },
  { base: "/api/v2_soap", dialect: "v2" },
] as const;

const XML_TYPES = ["text/xml", "application/soap+xml", "application/xml"];

/** Checks decoded arguments against the schema the REST body is checked with; fault 102 as REST answers it. */
function inputValidator<T>(schema: TSchema): (input: unknown) => T {
  const validate = compileValueValidator(schema);
  const toFault = validationFault(INVALID_DATA);
  return (input) => {
    const errors = validate(input);
    if (errors) throw toFault(errors as Parameters<typeof toFault>[0], "arguments");
    return input as T;
  };
}

/**
 * Magento's SOAP API (V1 at /api/soap/, V2 or — with MAGENTO_SOAP_WSI — V2 WS-I at /api/v2_soap/) over the same
 * services as the REST store-credit and credit-memo routes. Callers authenticate with Magento's login and session id,
 * not a bearer token, so the routes are public to the auth plugin and every method checks the session itself.
 */
export default async function soapRoutes(app: FastifyInstance, { config }: SoapRoutesOptions): Promise<void> {
  const ttl = config.MAGENTO_SOAP_SESSION_TTL_SECONDS;
  const prisma = app.db.prisma;
  const validate: InputValidators = {
    creditmemo: inputValidator<NewCreditmemoInput>(NewCreditmemoBody),
    comment: inputValidator<NewCommentInput>(NewCommentBody),
  };
  // Every login costs a scrypt check, and a key can be guessed only by trying: failures are counted per user and address.
  const throttle = new SignInThrottle(SIGN_IN_LIMITS, { redis: app.redis, name: "soap" });
  const environment: Omit<SoapEnvironment, "login"> = {
    endSession: (sessionId) => endSession(prisma, sessionId),
    async session(sessionId) {
      const session = await resolveSession(prisma, sessionId, new Date(), ttl);
      if (!session) throw ApiFaults.sessionExpired();
      return session;
    },
    context(caller, filterForm) {
      const db = app.tenantDbFor(caller.tenantId);
      return {
        db,
        caller,
        now: new Date(),
        filterForm,
        validate,
        write: (effect) => app.ledgerMetrics.countCommitted((written) => db.$transaction((tx) => effect(tx, written), TRANSACTION_OPTIONS)),
      };
    },
  };

  // The envelope is read as text and parsed by the SOAP face's own XML parser (no DTDs, bounded depth). The app's JSON
  // parser is removed here, so a JSON body is refused as the wrong media type instead of reaching the XML parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(XML_TYPES, { parseAs: "string" }, (_request, body, done) => done(null, body));

  const typedDialect = config.MAGENTO_SOAP_WSI ? "wsi" : "v2";
  for (const { base, dialect } of ENDPOINTS) {
    const wsdlDialect: WsdlDialect = dialect === "v1" ? "v1" : typedDialect;
    const routeConfig = { public: true, errorFormat: SOAP_ERROR_FORMAT };
    const serveWsdl = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!Object.hasOwn(request.query as object, "wsdl")) {
        throw Errors.invalidParameter(`POST a SOAP envelope to ${base}/; the WSDL is at ${base}/?wsdl.`);
      }
      const address = `${request.protocol}://${request.host}${base}/index/`;
      return reply.type("text/xml; charset=utf-8").send(renderWsdl(wsdlDialect, address));
    };
    const serveCall = async (request: FastifyRequest, reply: FastifyReply) => {
      const envelope = readEnvelope(parseXml(String(request.body ?? "")));
      const forRequest: SoapEnvironment = {
        ...environment,
        async login(username, apiKey) {
          await throttle.refuseIfThrottled(username, request.ip);
          try {
            return (await login(prisma, username, apiKey, new Date(), ttl)).sessionId;
          } catch (error) {
            // Only a refused key counts: a database outage is no guess.
            if (error instanceof ApiError && error.errorCode === "FORBIDDEN") await throttle.recordFailure(username, request.ip);
            throw error;
          }
        },
      };
      const document = dialect === "v1" ? await dispatchV1(forRequest, envelope) : await dispatchTyped(forRequest, typedDialect, envelope);
      return reply.type("text/xml; charset=utf-8").send(document);
    };
    for (const url of [base, `${base}/index`]) {
      app.get(url, { config: routeConfig, schema: { hide: true } }, serveWsdl);
      app.post(url, { config: routeConfig, schema: { hide: true } }, serveCall);
    }
  }
}
