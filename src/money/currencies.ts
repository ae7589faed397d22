/**
 * Active ISO 4217 currency codes a credit may be held in (ISO 4217 list one, 2025 amendments: XCG replaces ANG,
 * ZWG replaces ZWL, SLE replaces SLL). Left out on purpose: precious metals (XAU, XAG, XPD, XPT), bond-market units
 * (XBA–XBD), fund and unit-of-account codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW, XDR, XSU, XUA) and the
 * testing/no-currency codes (XTS, XXX): none is money a shopper can hold store credit in.
 */
const ACTIVE_CURRENCIES: ReadonlySet<string> = new Set(
  (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF " +
    "CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL " +
    "HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD " +
    "MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG " +
    "QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD " +
    "TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"
  ).split(" "),
);

/**
 * ISO 4217's minor units of the active currencies that do not have 2 (e.g. yen have no cents, a Bahraini dinar has
 * 1,000 fils). MGA and MRU are listed with 2, as ISO does, although their subunits are fifths.
 */
const MINOR_UNITS: ReadonlyMap<string, number> = new Map([
  ...["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"].map(
    (code) => [code, 0] as const,
  ),
  ...["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"].map((code) => [code, 3] as const),
]);

/** Whether `code` (already upper-cased) is an active ISO 4217 currency a credit may use. */
export function isActiveCurrency(code: string): boolean {
  return ACTIVE_CURRENCIES.has(code);
}

/**
 * Digits after the point of the currency's smallest unit (2 for CAD, 0 for JPY, 3 for KWD). A code outside the
 * active list (an imported order may name any three letters) gets 2, the most common.
 */
export function minorUnits(currencyCode: string): number {
  return MINOR_UNITS.get(currencyCode.toUpperCase()) ?? 2;
}
