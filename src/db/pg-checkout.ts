import type pg from "pg";

/**
 * Runs `fn` on a connection checked out of `pool`, and releases it when `fn` settles: after a failure with the error,
 * so that the pool closes a connection that may be mid-transaction or broken instead of handing it to the next caller.
 *
 * While it is checked out, a connection that fails (reset, or closed by the server or the network) fails `fn`'s
 * call. pg-pool listens for a connection's `error` only while the connection is idle, and `pool.query` only during
 * its own query: an `error` with no listener would end the process.
 */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let onError!: (error: Error) => void;
  const lost = new Promise<never>((_, reject) => (onError = reject));
  // `on`, not `once`: node-postgres reports a reset and then the end of the connection, as two errors.
  client.on("error", onError);
  const running = fn(client);
  // Settled after `lost` won the race, its rejection has no one left to tell.
  running.catch(() => {});
  try {
    const result = await Promise.race([running, lost]);
    client.release();
    return result;
  } catch (error) {
    client.release(error as Error);
    throw error;
  } finally {
    client.removeListener("error", onError);
  }
}
