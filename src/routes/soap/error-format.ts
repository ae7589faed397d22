import { ThrottledError } from "../../auth/sign-in-throttle.js";
import { Errors, type ApiError } from "../../errors.js";
import type { ErrorFormat } from "../../http/error-format.js";
import { SoapRequestError, renderFault } from "../../soap/envelope.js";
import { TypedArgError, UnknownOperationError } from "../../soap/typed.js";
import { XmlRequestError } from "../../soap/xml/parse.js";

/** The framework's refusals of a body, said for a SOAP client. */
const BODY_REFUSALS: Readonly<Record<string, (limit: number) => string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => "A SOAP request is an XML envelope sent as text/xml (or application/soap+xml).",
  FST_ERR_CTP_BODY_TOO_LARGE: (limit) => `The SOAP envelope is larger than the ${limit}-byte limit.`,
  FST_ERR_CTP_EMPTY_BODY: () => "The request has no SOAP envelope.",
};

/**
 * Errors as SOAP faults, the way Magento sends them: the Magento fault code in `faultcode` (PHP's
 * `SoapFault::faultcode`) and the message in `faultstring`. A request Tally cannot read — not XML, not an envelope, an
 * operation the WSDL does not have, a DTD — is SOAP's own `Client` fault naming the problem; a failure of Tally's is
 * Magento's fault 1 without details (those are in the log), and an unavailable database `Server` with Retry-After.
 * Every fault is HTTP 500: SOAP 1.1 says so, and PHP reads a fault body only under 200 or 500.
 */
export const SOAP_ERROR_FORMAT: ErrorFormat = {
  validationError: (issues) => Errors.invalidParameter(issues[0]?.message ?? "The request is invalid."),
  parseError(error, request) {
    if (error instanceof XmlRequestError) return Errors.invalidParameter(`The request is not well-formed XML Tally accepts: ${error.message}.`);
    if (error instanceof SoapRequestError || error instanceof UnknownOperationError || error instanceof TypedArgError) {
      return Errors.invalidParameter(`${error.message}.`);
    }
    const code = (error as { code?: string }).code;
    const refusal = code === undefined ? undefined : BODY_REFUSALS[code];
    return refusal && Errors.invalidParameter(refusal(request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0));
  },
  send(reply, apiError) {
    if (apiError instanceof ThrottledError) reply.header("retry-after", String(apiError.retryAfterSeconds));
    const [faultcode, faultstring] = faultOf(apiError);
    return reply.status(500).type("text/xml; charset=utf-8").send(renderFault(faultcode, faultstring));
  },
};

function faultOf(error: ApiError): [string, string] {
  const code = error.additionalErrorData.find((datum) => datum.name === "faultCode")?.value;
  if (code !== undefined && code !== null) return [String(code), error.message];
  if (error.statusCode === 503) return ["Server", error.message];
  if (error.statusCode >= 500) return ["1", "Internal Error. Please see log for details."];
  return ["Client", error.message];
}
