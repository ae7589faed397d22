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
  { $id: "AuthTicket" },
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
  { $id: "Tenant" },
);
