import { randomInt } from "node:crypto";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { createRandom } from "../random.js";

/** What every factory writes with: the application's client or an interactive transaction. */
export type Db = Prisma.TransactionClient | PrismaClient;

// Unique defaults come from a per-process block of ids plus a counter: unique within a process, and processes
// sharing one database (parallel test workers) collide only when they draw the same block (1 in 21,000).
// Blocks start at 1,000,000, far from the demo tenants 26507/26508, and end below the Int maximum.
const BLOCK_SIZE = 100_000;
const blockStart = 1_000_000 + randomInt(0, 21_000) * BLOCK_SIZE;
let issued = 0;
/** Seeded randomness for the factories' readable defaults (names, addresses); seeded per process like the ids. */
export const random = createRandom(blockStart);

/** A number no other factory call of this process returned: ids, codes and names are built from it. */
export function nextUnique(): number {
  issued += 1;
  if (issued >= BLOCK_SIZE) throw new RangeError(`factories ran out of unique ids (${BLOCK_SIZE} per process)`);
  return blockStart + issued;
}
