/**
 * The Magento API user of Magento's SOAP request examples (`$client->login('apiUser', 'apiKey')`), on tenant 26507
 * where the examples' customer 4, website 2 and memo 100000684 are, granted every resource. Demo data only.
 */
export const MAGENTO_API_USER = {
  tenantId: 26507,
  username: "apiUser",
  apiKey: "apiKey",
  resources: ["all"],
} as const;

/**
 * The credit memo the `order_creditmemo.info` request examples ask for: the first memo of tenant 26507's store 2
 * (increment prefix "2"). The response example shows memo 100000684 instead; both are in the demo set.
 */
export const INFO_REQUEST_CREDITMEMO_INCREMENT_ID = "200000001";
