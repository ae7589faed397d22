import { readEnvelope, renderEnvelope, renderFault, SoapRequestError } from "../../../src/soap/envelope.js";
import { NS } from "../../../src/soap/namespaces.js";
import { child } from "../../../src/soap/xml/tree.js";
import { parseXml } from "../../../src/soap/xml/parse.js";

const SOAP_11 = NS.soapEnvelope;

describe("readEnvelope", () => {
  test("finds the operation and the header whatever prefix the client chose", () => {
    const { header, body, operation } = readEnvelope(
      parseXml(
        `<soap:Envelope xmlns:soap="${SOAP_11}" xmlns:m="urn:Magento"><soap:Header><m:token>t</m:token></soap:Header>` +
          `<soap:Body>\n  <m:login><username>u</username></m:login></soap:Body></soap:Envelope>`,
      ),
    );
    expect(operation).toMatchObject({ ns: NS.magento, local: "login" });
    expect(header?.children[0]?.text).toBe("t");
    expect(body.local).toBe("Body");
  });

  test("an envelope in the default namespace without a header", () => {
    const envelope = readEnvelope(parseXml(`<Envelope xmlns="${SOAP_11}"><Body><call xmlns="urn:Magento"/></Body></Envelope>`));
    expect(envelope.header).toBeUndefined();
    expect(envelope.operation).toMatchObject({ ns: NS.magento, local: "call" });
  });

  test.each([
    ["a root that is not Envelope", `<foo/>`, "not a SOAP envelope: root element is <foo>"],
    ["an Envelope without namespace", `<Envelope><Body><x/></Body></Envelope>`, "not a SOAP envelope: root element is <Envelope>"],
    [
      "an Envelope in another namespace",
      `<e:Envelope xmlns:e="urn:other"/>`,
      "not a SOAP envelope: root element is <Envelope> in namespace urn:other",
    ],
    [
      "a SOAP 1.2 envelope",
      `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><x/></e:Body></e:Envelope>`,
      `SOAP 1.2 envelopes are not served: only SOAP 1.1 (${SOAP_11})`,
    ],
    ["no Body", `<e:Envelope xmlns:e="${SOAP_11}"><e:Header/></e:Envelope>`, "SOAP Envelope has no Body"],
    ["a Body in another namespace", `<e:Envelope xmlns:e="${SOAP_11}"><Body><x/></Body></e:Envelope>`, "SOAP Envelope has no Body"],
    ["an empty Body", `<e:Envelope xmlns:e="${SOAP_11}"><e:Body>  \n </e:Body></e:Envelope>`, "SOAP Body is empty"],
    [
      "two Bodies",
      `<e:Envelope xmlns:e="${SOAP_11}"><e:Body><x/></e:Body><e:Body><y/></e:Body></e:Envelope>`,
      "SOAP Envelope has more than one Body",
    ],
  ])("refuses %s", (_name, xml, message) => {
    const read = () => readEnvelope(parseXml(xml));
    expect(read).toThrow(SoapRequestError);
    expect(read).toThrow(message);
  });
});

describe("renderEnvelope", () => {
  test("starts with the XML declaration, declares SOAP-ENV and the given prefixes, and parses back", () => {
    const document = renderEnvelope(`<ns1:loginResponse><loginReturn>abc</loginReturn></ns1:loginResponse>`, {
      ns1: NS.magento,
      xsd: NS.xsd,
    });
    expect(document.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope `)).toBe(true);
    expect(document).toContain(`xmlns:SOAP-ENV="${SOAP_11}"`);
    expect(document).toContain(`xmlns:ns1="urn:Magento"`);
    expect(document).toContain(`xmlns:xsd="${NS.xsd}"`);
    const { operation } = readEnvelope(parseXml(document));
    expect(operation).toMatchObject({ ns: NS.magento, local: "loginResponse" });
    expect(child(operation, "loginReturn")?.text).toBe("abc");
  });

  test("refuses to bind SOAP-ENV to anything but the SOAP 1.1 envelope", () => {
    expect(() => renderEnvelope("", { "SOAP-ENV": "urn:x" })).toThrow("reserved");
    expect(() => renderEnvelope("", { "bad prefix": "urn:x" })).toThrow("not an XML attribute name");
  });
});

describe("renderFault", () => {
  test("Magento's fault shape: the code in faultcode, text escaped, no detail unless given", () => {
    const document = renderFault("101", `No balance found with requested parameters <&> "]]>"`);
    expect(document).toContain(
      `<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>101</faultcode>` +
        `<faultstring>No balance found with requested parameters &lt;&amp;&gt; "]]&gt;"</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body>`,
    );
    const { operation: fault } = readEnvelope(parseXml(document));
    expect(fault).toMatchObject({ ns: SOAP_11, local: "Fault" });
    expect(fault.children.map((part) => [part.local, part.text])).toEqual([
      ["faultcode", "101"],
      ["faultstring", `No balance found with requested parameters <&> "]]>"`],
    ]);
  });

  test("a detail is written after faultstring", () => {
    const { operation: fault } = readEnvelope(parseXml(renderFault("5", "Session expired. Try to relogin.", "a < b")));
    expect(child(fault, "detail")?.text).toBe("a < b");
  });
});
