/**
 * The rows behind the documented examples (Kibo's SDK README, Magento's and the loyalty API's documents, the OpenAPI
 * document's examples): plain data, shared by the route schemas that show them, the demo seeder that loads them and
 * the tests that check them. Requests copied from those documents must answer exactly what the documents show.
 */
export {
  type CreditmemoExample,
  type CreditmemoExampleRefs,
  CREDITMEMO_EXAMPLE_MAX_ID,
  CREDITMEMO_EXAMPLE_NUMBER,
  creditmemoExample,
} from "./creditmemo.js";
export { DEMO_APPLICATION } from "./kibo-application.js";
export { JANE_DOE, JANE_DOE_ENTRIES, JANE_DOE_REPORT_LINE, LOYALTY_EXAMPLE } from "./loyalty.js";
export { INFO_REQUEST_CREDITMEMO_INCREMENT_ID, MAGENTO_API_USER } from "./magento-api.js";
export { MAGENTO_BALANCE_CUSTOMER_ID } from "./storecredit.js";
