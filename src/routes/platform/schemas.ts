import Type from "typebox";

export const AuthTicketRequest = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 200, examples: ["KIBO_APP.1.0.0.Release"] }),
    client_secret: Type.String({ minLength: 1, maxLength: 500, examples: ["12345_Secret"] }),
    grant_type: Type.Literal("client_credentials"),
    refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { description: "Application credentials, as Kibo's SDK posts them; add refresh_token to refresh." },
);

export const AuthTicket = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal("Bearer"),
    expires_in: Type.Integer({ description: "Seconds until the access token expires." }),
    refresh_token: Type.String({ description: "Single use: a refresh returns a new one." }),
    refresh_token_expires_in: Type.Integer(),
    scope: Type.String({ description: "The behaviors granted, space-separated." }),
  },
  {
    $id: "AuthTicket",
    description: "Kibo's application auth ticket.",
    examples: [
      {
        access_token: "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRldi0xIiwidHlwIjoiSldUIn0.eyJ0aWQiOjI2NTA3fQ.c2lnbmF0dXJl",
        token_type: "Bearer",
        expires_in: 3600,
        refresh_token: "4q9dT1vYx0cPj3mS8wLrGkB2nZ7aHfE5uQ6iKoVy",
        refresh_token_expires_in: 2592000,
        scope: "CreditRead CreditCreate CreditUpdate CreditDelete CreditMemoRead CreditMemoWrite BalanceRead LoyaltyReportRead EventRead EventSubscriptionManage",
      },
    ],
  },
);

export const TenantParams = Type.Object({ tenantId: Type.Integer({ minimum: 1 }) });

export const Tenant = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    domain: Type.String({ description: "Host Kibo's SDK uses as its API host for this tenant." }),
    sites: Type.Array(
      Type.Object({
        id: Type.Integer(),
        siteId: Type.Integer(),
        tenantId: Type.Integer(),
        name: Type.String(),
        domain: Type.String(),
        currencyCode: Type.String(),
      }),
    ),
  },
  {
    $id: "Tenant",
    description: "A tenant and its sites (Kibo's Tenant).",
    // Tenant 26507 of the demo data set, as test/integration/openapi-examples.test.ts checks.
    examples: [
      {
        id: 26507,
        name: "Great Widgets",
        domain: "t26507.tally.localhost",
        sites: [
          { id: 41315, siteId: 41315, tenantId: 26507, name: "Great Widgets US", domain: "t26507.tally.localhost", currencyCode: "USD" },
          { id: 41316, siteId: 41316, tenantId: 26507, name: "Great Widgets Canada", domain: "t26507.tally.localhost", currencyCode: "CAD" },
        ],
      },
    ],
  },
);
