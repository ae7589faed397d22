import Type, { type Static } from "typebox";
import { JANE_DOE_REPORT_LINE } from "../../examples/index.js";
import { SIGN_IN_LIMITS } from "../../auth/sign-in-throttle.js";
import { CUSTOMER_FIELDS } from "./writers.js";

/** Largest `limit` accepted. Without `limit` the whole report streams, so this bounds pages, not memory. */
export const MAX_LIMIT = 100_000;

/** A JavaScript identifier, or a dotted path of them (`jQuery123.cb`): nothing a callback could smuggle code in. */
export const CALLBACK_PATTERN = "^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*$";
export const CALLBACK_MAX_LENGTH = 128;

// Patterns are written out for the OpenAPI document; the sentences are what a caller reads when one fails.
const DIGITS = "^[0-9]{1,9}$";

/** What each constrained parameter must be, phrased to follow "Parameter 'x' …". */
export const PARAMETER_RULES: Readonly<Record<string, string>> = {
  user_id: "must be 1 to 100 characters",
  user_password: "must be at most 200 characters",
  api_access_key: "must be at most 200 characters",
  account_id: "must be 1 to 64 characters",
  type: "must be reports",
  report: "must be customers_balances",
  campaign_id: "must be a campaign number (digits only)",
  coalition_balance: "must be coalition_points or coalition_storedvalue",
  offset: "must be a non-negative integer",
  limit: `must be an integer from 0 to ${MAX_LIMIT}`,
  output: "must be XML or JSON",
  callback: "must be a JavaScript function name such as handleReport or jQuery123.cb",
};

/**
 * The report's parameters, as form fields (POST) or a query string (GET). Every value is a string, each given
 * at most once; an empty value counts as absent. Unknown parameters are ignored, as the Client Toolbox API does.
 */
export const ReportParams = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 100, description: "The API user.", examples: ["john1970"] }),
    user_password: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          "The API user's key. Required unless the `api_access_key` header carries it; the header wins when both are sent.",
        examples: ["1959caadac9b13dcb3"],
      }),
    ),
    account_id: Type.String({ minLength: 1, maxLength: 64, description: "The loyalty account.", examples: ["greatwidgets"] }),
    type: Type.String({ maxLength: 50, description: "The operation; only `reports` is supported.", examples: ["reports"] }),
    report: Type.String({
      maxLength: 50,
      description: "The report; only `customers_balances` is supported.",
      examples: ["customers_balances"],
    }),
    campaign_id: Type.String({
      pattern: "^[0-9]{1,18}$",
      description: "The campaign reported on; exactly one, and it must belong to the account.",
      examples: ["123456789012"],
    }),
    coalition_balance: Type.Optional(
      Type.Enum(["coalition_points", "coalition_storedvalue"], {
        description:
          "Report each customer's balance pooled across the account's campaigns of that kind (points or stored value) " +
          "in the campaign's currency, leaving out campaigns that opted out of the coalition. `campaign_id` must be a " +
          "campaign of that kind taking part in the coalition; its points-to-currency ratio values the pooled points.",
      }),
    ),
    offset: Type.Optional(
      Type.String({ pattern: DIGITS, description: "Customers to skip (ordered by customer). Default 0.", examples: ["100"] }),
    ),
    limit: Type.Optional(
      Type.String({
        pattern: DIGITS,
        description: `Most customers to return, at most ${MAX_LIMIT}. Default: all of them, streamed.`,
        examples: ["50"],
      }),
    ),
    output: Type.Optional(
      Type.String({
        pattern: "^([Xx][Mm][Ll]|[Jj][Ss][Oo][Nn])$",
        description: "`XML` (default) or `JSON`, in any case.",
        examples: ["JSON"],
      }),
    ),
    callback: Type.Optional(
      Type.String({
        maxLength: CALLBACK_MAX_LENGTH,
        pattern: CALLBACK_PATTERN,
        description: "Wraps the JSON answer as JSONP: `/**/callback({...});`, served as application/javascript. JSON only.",
        examples: ["handleReport"],
      }),
    ),
    condensed: Type.Optional(
      Type.String({
        description: "`yes` drops the whitespace from JSON(P); any other value keeps it. XML is unaffected.",
        examples: ["yes"],
      }),
    ),
  },
  { description: "Loyalty API parameters (Client Toolbox style)." },
);

export type ReportParams = Static<typeof ReportParams>;

/** The key may come in a header instead of `user_password`; the header wins when both are sent. */
export const ApiKeyHeader = Type.Object({
  api_access_key: Type.Optional(
    Type.String({
      maxLength: 200,
      description: "The API user's key, instead of `user_password`; when both are sent only this one is checked.",
    }),
  ),
});

const CustomerBalance = Type.Object(
  Object.fromEntries(CUSTOMER_FIELDS.map((field) => [field, Type.String()])),
  { description: "One customer; every value a string, an absent one empty." },
);

export const CustomerBalancesReport = Type.Object(
  { status: Type.Literal("success"), customer: Type.Array(CustomerBalance) },
  {
    $id: "LoyaltyCustomerBalances",
    description: "The customers_balances report in JSON.",
    // Jane Doe of the API documentation's example, as the demo data set answers it (campaign 123456789012).
    examples: [
      {
        status: "success",
        customer: [JANE_DOE_REPORT_LINE],
      },
    ],
  },
);

export const LoyaltyApiError = Type.Object(
  { status: Type.Literal("error"), error: Type.String({ description: "What went wrong, written for the caller." }) },
  {
    $id: "LoyaltyApiError",
    description: 'A loyalty API error in JSON (XML: `<response status="error"><error>…</error></response>`).',
    examples: [{ status: "error", error: "Campaign 1 was not found in this account." }],
  },
);

const XML_EXAMPLE =
  '<?xml version="1.0" encoding="UTF-8"?>\n<response status="success">\n<customer>\n<card_number>12345678</card_number>\n' +
  "…\n<redeemed_equivalent>-6</redeemed_equivalent>\n</customer>\n</response>\n";

/** The documented answers: the report in three formats, and the error envelope for each failure status. */
export function reportResponses(): Record<number, unknown> {
  const error = (description: string) => ({
    description,
    content: {
      "application/xml": { schema: Type.String({ examples: ['<response status="error">\n<error>…</error>\n</response>'] }) },
      "application/json": { schema: Type.Ref("LoyaltyApiError") },
      "application/javascript": { schema: Type.String({ description: "JSONP of the JSON error." }) },
    },
  });
  return {
    200: {
      description: "The report, streamed: XML by default, JSON with `output=JSON`, JSONP with `callback`.",
      content: {
        "application/xml": { schema: Type.String({ examples: [XML_EXAMPLE] }) },
        "application/json": { schema: Type.Ref("LoyaltyCustomerBalances") },
        "application/javascript": {
          schema: Type.String({ examples: ['/**/handleReport({"status":"success","customer":[]});'] }),
        },
      },
    },
    400: error("A missing, repeated or invalid parameter, or an unsupported type or report."),
    401: error("The user, key or account is wrong (the answer never says which)."),
    404: error("The campaign does not exist in the account."),
    429: error("Too many failed sign-ins for this user or address, or too many requests; see Retry-After."),
    500: error("Unexpected error."),
    503: error("The database is unavailable."),
  };
}

/** The OpenAPI description of /api.php: what it answers, and the decisions a client needs to know. */
export const REPORT_DESCRIPTION = `The Client Toolbox-style loyalty API. Only \`type=reports&report=customers_balances\` is
supported: every customer with entries in the campaign (or, with \`coalition_balance\`, in any pooled campaign),
ordered by customer, with their profile, earned (positive), redeemed (negative) and balance totals and the currency
equivalents of each.

**Credentials**: \`user_id\` and \`account_id\` with the user's key in \`user_password\` or in the \`api_access_key\`
header (the header wins when both are sent). These are the loyalty account's own API users; Tally's bearer tokens do
not open this endpoint. A wrong user, key or account all answer 401 with the same message. After
${SIGN_IN_LIMITS.perUser} failures in a minute for one user, or ${SIGN_IN_LIMITS.perAddress} from one address, requests
are answered 429 with Retry-After until the minute is over.

**Paging**: \`offset\` (default 0) and \`limit\` (at most ${MAX_LIMIT}); without \`limit\` the whole report is
streamed, a batch of customers at a time, so its size is not bounded by memory.

**Values**: points campaigns report integer points and their equivalents at the campaign's points-per-currency ratio,
rounded to cents with trailing zeros dropped (6021 → \`6.02\`, −6001 → \`-6\`, 20 → \`0.02\`). Stored-value campaigns
hold money: totals are exact with trailing zeros dropped (\`25.5\`), equivalents the same rounded to cents.
\`record_timestamp\` is the customer's last update (\`YYYY-MM-DD HH:MM:SS\`, UTC); an absent value is an empty
element. XML leaves out the characters XML 1.0 cannot carry (control characters, lone surrogates); JSON keeps them.

**Errors** come in the requested format (\`<response status="error"><error>…</error></response>\` or
\`{"status":"error","error":"…"}\`) with a fitting status; a bad \`callback\` is answered in plain JSON.`;
