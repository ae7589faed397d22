import type { ModelScope, TenantScopes } from "../../../src/db/tenant-scopes.js";

// Type-level tests: `npm run typecheck` fails if the scope map stops requiring a mapping for every model, or stops
// checking relation targets against the schema. Jest only sees that the file loads.

// A scope map missing a model (as a model newly added to the schema would be) does not compile.
// @ts-expect-error RefreshToken is not mapped
export const missingModel: TenantScopes = {} as Omit<TenantScopes, "RefreshToken">;

export const wrongTarget: ModelScope<"RefreshToken"> = {
  parent: "application",
  // @ts-expect-error a refresh token's application is an Application, not a Tenant
  relations: { application: "Tenant" },
};

export const unknownColumn: ModelScope<"Credit"> = {
  // @ts-expect-error credits have no tenant_id field (their tenant column is tenantId)
  column: "tenant_id",
  relations: { tenant: "Tenant", customer: "Customer", website: "Website", transactions: "CreditTransaction[]", auditEntries: "CreditAuditEntry[]" },
};

test("the scope map's types are checked by npm run typecheck", () => {
  expect(missingModel).toEqual({});
});
