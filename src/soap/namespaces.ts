/** The namespace URIs Magento's SOAP dialects use; prefixes differ between clients, so code compares these. */
export const NS = {
  soapEnvelope: "http://schemas.xmlsoap.org/soap/envelope/",
  soapEncoding: "http://schemas.xmlsoap.org/soap/encoding/",
  xsd: "http://www.w3.org/2001/XMLSchema",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  wsdl: "http://schemas.xmlsoap.org/wsdl/",
  wsdlSoap: "http://schemas.xmlsoap.org/wsdl/soap/",
  apacheSoap: "http://xml.apache.org/xml-soap",
  magento: "urn:Magento",
} as const;
