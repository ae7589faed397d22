import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Response } from "supertest";
import type { Db } from "../../../src/demo/factories.js";
import {
  createCustomer,
  createLoyaltyAccount,
  createLoyaltyApiUser,
  createLoyaltyCampaign,
  createLoyaltyEntry,
} from "../../../src/demo/factories.js";
import { JANE_DOE, JANE_DOE_ENTRIES, JANE_DOE_REPORT_LINE } from "../../../src/examples/index.js";

/** The credentials and campaign of the API documentation's example request. */
export const EXAMPLE = {
  userId: "john1970",
  key: "1959caadac9b13dcb3",
  accountCode: "greatwidgets",
  campaignId: "123456789012",
} as const;

/** Jane Doe's line of the documented example response, value for value, in the documented order. */
export const JANE_DOE_LINE = JANE_DOE_REPORT_LINE;

/**
 * Builds the documented example with factories: account `greatwidgets`, API user john1970 with the example key,
 * points campaign 123456789012 (1000 points per unit) and Jane Doe with her five entries.
 */
export async function createExample(db: Db) {
  const account = await createLoyaltyAccount(db, { accountCode: EXAMPLE.accountCode });
  const user = await createLoyaltyApiUser(db, { accountId: account.id, userId: EXAMPLE.userId, key: EXAMPLE.key });
  const campaign = await createLoyaltyCampaign(db, {
    id: BigInt(EXAMPLE.campaignId),
    accountId: account.id,
    kind: "Points",
    pointsPerCurrencyUnit: 1000,
  });
  const { customerId: _customerId, ...profile } = JANE_DOE;
  const jane = await createCustomer(db, { tenantId: account.tenantId, ...profile });
  for (const entry of JANE_DOE_ENTRIES) {
    await createLoyaltyEntry(db, { campaignId: campaign.id, customerRef: jane.id, kind: entry.kind, points: entry.points });
  }
  return { account, user, campaign, jane };
}

/** The example request's parameters, with some replaced or added. */
export function exampleParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    user_id: EXAMPLE.userId,
    user_password: EXAMPLE.key,
    account_id: EXAMPLE.accountCode,
    type: "reports",
    report: "customers_balances",
    campaign_id: EXAMPLE.campaignId,
    ...overrides,
  };
}

export interface ParsedResponse {
  status: string;
  customer: Record<string, string>[];
  error?: string;
}

// Characters XML 1.0 forbids; fast-xml-parser's validator does not look for them, so this check does.
const NOT_XML_10 = /[^\t\n\r\u{20}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]/u;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  // Values stay text: a card number or code must not turn into a (rounded) number.
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  isArray: (name) => name === "customer",
});

/** Parses an XML answer with a real parser; throws unless it is well-formed XML 1.0 with one `<response>`. */
export function parseXml(text: string): ParsedResponse {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}\n${text.slice(0, 2_000)}`);
  const illegal = NOT_XML_10.exec(text);
  if (illegal) throw new Error(`a character XML 1.0 forbids: U+${illegal[0].codePointAt(0)?.toString(16)}`);
  const document = parser.parse(text) as { response?: { status: string; customer?: Record<string, string>[]; error?: string } };
  if (!document.response) throw new Error(`no <response> element:\n${text.slice(0, 2_000)}`);
  const { status, customer = [], error } = document.response;
  return error === undefined ? { status, customer } : { status, customer, error };
}

/** The JSON inside a JSONP answer, checking the hardening prefix and the callback name. */
export function parseJsonp(text: string, callback: string): unknown {
  const prefix = `/**/${callback}(`;
  if (!text.startsWith(prefix) || !text.endsWith(");")) throw new Error(`not JSONP for ${callback}: ${text.slice(0, 200)}`);
  return JSON.parse(text.slice(prefix.length, -2));
}

/** A supertest parser that keeps any body as text (supertest leaves XML and JavaScript unread otherwise). */
export function asText(response: Response, done: (error: Error | null, body: string) => void): void {
  // At this point superagent hands over the raw message stream, whatever its declared type says.
  const stream = response as unknown as NodeJS.ReadableStream;
  let text = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    text += chunk;
  });
  stream.on("end", () => done(null, text));
}

/** The text a request made with `.parse(asText)` received. */
export const bodyOf = (response: Response): string => response.body as string;
