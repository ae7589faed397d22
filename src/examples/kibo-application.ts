import { MAGENTO_BALANCE_CUSTOMER_ID } from "./storecredit.js";

/** The application of Kibo's SDK README (tenant 26507), so its examples work verbatim against the demo. */
export const DEMO_APPLICATION = {
  tenantId: 26507,
  clientId: "KIBO_APP.1.0.0.Release",
  clientSecret: "12345_Secret",
  /** The shopper the start-up banner prints a token for (the Magento balance example's customer). */
  shopperCustomerId: MAGENTO_BALANCE_CUSTOMER_ID,
} as const;
