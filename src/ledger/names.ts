import type { Credit } from "../generated/prisma/client.js";

/** How messages name a credit: "Gift card GC-…", "Store credit SC-…", or its custom type's name and code. */
export function creditName(credit: Pick<Credit, "code" | "creditType" | "customCreditType">): string {
  return `${creditLabel(credit)} ${credit.code}`;
}

function creditLabel(credit: Pick<Credit, "creditType" | "customCreditType">): string {
  if (credit.creditType === "GiftCard") return "Gift card";
  if (credit.creditType === "StoreCredit") return "Store credit";
  return credit.customCreditType ?? "Credit";
}
