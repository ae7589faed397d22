type Listener = () => void;

const listeners = new Set<Listener>();

/**
 * Tells this process's delivery loop that committed work is waiting (a request queued push deliveries or mail), so
 * it looks now rather than at its next poll. Other replicas find the work at their next poll.
 */
export function deliveryQueued(): void {
  for (const listener of listeners) listener();
}

/** Calls `listener` on every deliveryQueued(); returns the function that stops it. */
export function onDeliveryQueued(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
