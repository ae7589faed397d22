import Type from "typebox";
import { idempotencyHeaders } from "../../http/idempotent-route.js";
import { incrementId } from "../../services/creditmemos/input-parts.js";

/** What the credit memo routes take beyond the service inputs (services/creditmemos/inputs.ts): path parameters and the Idempotency-Key header. */

export const CreditmemoParams = Type.Object({
  creditmemoIncrementId: incrementId("The credit memo's increment id.", "100000684"),
});

export const IdempotencyHeaders = idempotencyHeaders(
  "Makes a retry safe: the first response to a key is stored, and a retry with the same key and request " +
    "returns it (with `Idempotent-Replayed: true`) instead of refunding again. The same key with a different request " +
    "is a 409.",
);
