import { randomInt } from "node:crypto";
import type { CreditType } from "../generated/prisma/enums.js";

// No 0/O, 1/I/L: a code read aloud or typed from a printed card is not misread.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
// 31^16 ≈ 2^79 codes: a generated code is a bearer secret (associate-to-shopper claims a credit by code),
// so it must be unguessable, not merely unique.
const RANDOM_LENGTH = 16;
const PREFIX: Record<CreditType, string> = { GiftCard: "GC", StoreCredit: "SC", Custom: "CU" };

/** A new random credit code such as `GC-7KQ2M9XH4TRB3NWD`, drawn from the CSPRNG. */
export function generateCreditCode(creditType: CreditType): string {
  let random = "";
  for (let index = 0; index < RANDOM_LENGTH; index += 1) random += ALPHABET.charAt(randomInt(ALPHABET.length));
  return `${PREFIX[creditType]}-${random}`;
}
