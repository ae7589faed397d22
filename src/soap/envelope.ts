import { NS } from "./namespaces.js";
import type { XmlElement } from "./xml/tree.js";
import { escapeText, xmlElement } from "./xml/writer.js";

/** A well-formed XML request that is not a SOAP request Tally can read; the message names what is wrong. */
export class SoapRequestError extends Error {
  override readonly name = "SoapRequestError";
}

export interface SoapEnvelope {
  readonly header?: XmlElement;
  /** Where multi-ref `id` targets may sit beside the operation (decodeEncoded's scope). */
  readonly body: XmlElement;
  /** The first element inside Body: the operation, which is what every dialect dispatches on. */
  readonly operation: XmlElement;
}

const SOAP_12_ENVELOPE = "http://www.w3.org/2003/05/soap-envelope";
const ENVELOPE_PREFIX = "SOAP-ENV";

export function readEnvelope(root: XmlElement): SoapEnvelope {
  if (root.local === "Envelope" && root.ns === SOAP_12_ENVELOPE) {
    throw new SoapRequestError(`SOAP 1.2 envelopes are not served: only SOAP 1.1 (${NS.soapEnvelope})`);
  }
  if (root.local !== "Envelope" || root.ns !== NS.soapEnvelope) {
    throw new SoapRequestError(`not a SOAP envelope: root element is ${describe(root)}`);
  }
  const [body, ...moreBodies] = root.children.filter((element) => isEnvelopePart(element, "Body"));
  if (body === undefined) throw new SoapRequestError("SOAP Envelope has no Body");
  if (moreBodies.length > 0) throw new SoapRequestError("SOAP Envelope has more than one Body");
  const operation = body.children[0];
  if (operation === undefined) throw new SoapRequestError("SOAP Body is empty");
  const header = root.children.find((element) => isEnvelopePart(element, "Header"));
  return header === undefined ? { body, operation } : { header, body, operation };
}

function isEnvelopePart(element: XmlElement, local: string): boolean {
  return element.ns === NS.soapEnvelope && element.local === local;
}

function describe(element: XmlElement): string {
  return element.ns === "" ? `<${element.local}>` : `<${element.local}> in namespace ${element.ns}`;
}

/**
 * The whole response document. The XML declaration comes first with nothing before it: PHP's SoapClient takes
 * anything else there for "no XML document".
 */
export function renderEnvelope(body: string, namespaces: Readonly<Record<string, string>>): string {
  const declarations: Record<string, string> = { [`xmlns:${ENVELOPE_PREFIX}`]: NS.soapEnvelope };
  for (const [prefix, uri] of Object.entries(namespaces)) {
    if (prefix === ENVELOPE_PREFIX && uri !== NS.soapEnvelope) {
      throw new Error(`the ${ENVELOPE_PREFIX} prefix is reserved for ${NS.soapEnvelope}`);
    }
    declarations[`xmlns:${prefix}`] = uri;
  }
  const envelope = xmlElement(
    `${ENVELOPE_PREFIX}:Envelope`,
    declarations,
    `<${ENVELOPE_PREFIX}:Body>${body}</${ENVELOPE_PREFIX}:Body>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${envelope}\n`;
}

/** A fault as Magento sends it: the Magento code in faultcode, which PHP's SoapFault exposes as `faultcode`. */
export function renderFault(faultcode: string, faultstring: string, detail?: string): string {
  const parts = [
    `<faultcode>${escapeText(faultcode)}</faultcode>`,
    `<faultstring>${escapeText(faultstring)}</faultstring>`,
    ...(detail === undefined ? [] : [`<detail>${escapeText(detail)}</detail>`]),
  ];
  return renderEnvelope(`<${ENVELOPE_PREFIX}:Fault>${parts.join("")}</${ENVELOPE_PREFIX}:Fault>`, {});
}
