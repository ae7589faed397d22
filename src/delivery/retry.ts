/** Retries are never further apart than this, however many came before. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * The wait before the next attempt after `attemptsMade` failed ones: EVENT_RETRY_BASE_MS after the first, doubling
 * each time, capped at an hour, then spread by ±20 % so that deliveries which failed together (a receiver that was
 * down) do not all come back at the same instant.
 */
export function retryDelayMs(attemptsMade: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const capped = Math.min(MAX_RETRY_DELAY_MS, exponential);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
