import { loadConfig } from "../../src/config.js";

test("a Magento SOAP session lives an hour after its last call unless configured, as in Magento", () => {
  expect(loadConfig({}).MAGENTO_SOAP_SESSION_TTL_SECONDS).toBe(3600);
});

test.each([
  ["60", 60],
  ["900", 900],
  ["86400", 86_400],
])("MAGENTO_SOAP_SESSION_TTL_SECONDS=%s is taken", (value, seconds) => {
  expect(loadConfig({ MAGENTO_SOAP_SESSION_TTL_SECONDS: value }).MAGENTO_SOAP_SESSION_TTL_SECONDS).toBe(seconds);
});

test.each(["59", "0", "-60", "86401", "90.5", "1e3", "an hour"])(
  "MAGENTO_SOAP_SESSION_TTL_SECONDS=%s is refused, naming the variable",
  (value) => {
    expect(() => loadConfig({ MAGENTO_SOAP_SESSION_TTL_SECONDS: value })).toThrow(
      `MAGENTO_SOAP_SESSION_TTL_SECONDS=${JSON.stringify(value)}`,
    );
  },
);

test("the SOAP V2 WSDL is Magento's rpc/encoded one unless WS-I compliance is switched on", () => {
  expect(loadConfig({}).MAGENTO_SOAP_WSI).toBe(false);
  expect(loadConfig({ MAGENTO_SOAP_WSI: "true" }).MAGENTO_SOAP_WSI).toBe(true);
  expect(loadConfig({ MAGENTO_SOAP_WSI: "false" }).MAGENTO_SOAP_WSI).toBe(false);
});

test("a MAGENTO_SOAP_WSI that is not a boolean is refused", () => {
  expect(() => loadConfig({ MAGENTO_SOAP_WSI: "sometimes" })).toThrow('MAGENTO_SOAP_WSI="sometimes"');
});
