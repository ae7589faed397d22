import type { Check } from "./checks.js";
import { send } from "./client.js";

/**
 * One caller's burst of `limit + extra` reads spread round-robin over the replicas, well inside a minute: with the
 * counters in Redis at most `limit` are served, whichever replica each lands on; the rest are 429.
 */
export async function rateLimitCheck(bases: string[], token: string, code: string, limit: number, extra: number): Promise<Check & { served: number; limited: number }> {
  const total = limit + extra;
  let next = 0;
  let served = 0;
  let limited = 0;
  const other: number[] = [];
  const worker = async () => {
    for (let index = next++; index < total; index = next++) {
      const exchange = await send(index % bases.length, bases[index % bases.length]!, {
        method: "GET",
        path: `/api/commerce/customer/credits/${code}`,
        headers: { authorization: `Bearer ${token}` },
      });
      if (exchange.status === 200) served += 1;
      else if (exchange.status === 429) limited += 1;
      else other.push(exchange.status ?? 0);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const violations: string[] = [];
  if (served > limit) violations.push(`${served} of ${total} served, limit ${limit}`);
  if (limited < extra) violations.push(`only ${limited} of ${total} refused with 429, expected at least ${extra}`);
  if (other.length > 0) violations.push(`other answers: ${[...new Set(other)].join(", ")}`);
  return { name: `the rate limit held across ${bases.length} replicas (${served} served, ${limited} × 429 of ${total}; limit ${limit}/min)`, violations, served, limited };
}
