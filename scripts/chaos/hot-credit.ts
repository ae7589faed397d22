import { send } from "./client.js";

/**
 * Debits of 0.01 on one credit from `concurrency` callers spread over the replicas (and over `tokens`, so no caller
 * meets the rate limit), for `seconds`: each waits for
 * the previous one's row lock, so the rate is bounded by how long a debit holds it. Returns debits per second.
 */
export async function hotCreditRate(bases: string[], tokens: string[], code: string, concurrency: number, seconds: number): Promise<{ perSecond: number; failed: number }> {
  const until = Date.now() + seconds * 1000;
  let succeeded = 0;
  let failed = 0;
  let turn = 0;
  const started = Date.now();
  const worker = async () => {
    while (Date.now() < until) {
      const replica = turn++ % bases.length;
      const exchange = await send(replica, bases[replica]!, {
        method: "POST",
        path: `/api/commerce/customer/credits/${code}/transactions`,
        headers: { authorization: `Bearer ${tokens[turn % tokens.length]}`, "content-type": "application/json" },
        body: JSON.stringify({ transactionType: "Debit", impactAmount: -0.01 }),
      });
      if (exchange.status === 200 || exchange.status === 201) succeeded += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: succeeded / ((Date.now() - started) / 1000), failed };
}
