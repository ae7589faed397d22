/**
 * The queries `npm run bench` measures, shared by the benchmark (which sends Tally the Kibo request) and the floor
 * server (which runs the hand-written SQL for it), so the two cannot drift apart.
 */

/** The tenant the benchmark loads. */
export const TENANT_ID = 900_001;

/** Tally's page size for every case; the floor pages the same. */
export const PAGE_SIZE = 20;

/** One benchmarked query: the Kibo request Tally answers and the SQL the floor runs for it. */
export interface Case {
  name: string;
  query: Record<string, string>;
  /** WHERE after `tenant_id = $1 AND deleted_at IS NULL`, with its parameters from $2 on. */
  where: string;
  params: unknown[];
  orderBy: string;
  /** The targets for this case: the sorted, counted filter need only keep up with the floor. */
  kind: "counted" | "selective";
}

/** The three cases; (b) asks for one customer, capped by how many customers were loaded. */
export function benchCases(customers: number): Case[] {
  const customerId = Math.min(4_242, customers);
  return [
    {
      name: "(a) currentBalance gt 10 and creditType eq GiftCard, sortBy currentBalance desc",
      query: { filter: "currentBalance gt 10 and creditType eq GiftCard", sortBy: "currentBalance desc", pageSize: String(PAGE_SIZE) },
      where: "current_balance > $2 AND credit_type = $3::credit_type",
      params: ["10", "GiftCard"],
      orderBy: "current_balance DESC, id ASC",
      kind: "counted",
    },
    {
      name: `(b) customerId eq ${customerId}`,
      query: { filter: `customerId eq ${customerId}`, pageSize: String(PAGE_SIZE) },
      where: "customer_id = $2",
      params: [customerId],
      orderBy: "id ASC",
      kind: "selective",
    },
    {
      name: "(c) code sw GC-0001",
      query: { filter: "code sw GC-0001", pageSize: String(PAGE_SIZE) },
      where: "code_key LIKE $2",
      params: ["GC-0001%"],
      orderBy: "id ASC",
      kind: "selective",
    },
  ];
}
