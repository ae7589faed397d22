/** Magento's storecredit.balance example asks for customer 4 on website 2 (Great Widgets Canada, CAD). */
export const MAGENTO_BALANCE_CUSTOMER_ID = 4;
