import type { SecretBox } from "../../auth/secret-box.js";
import type { Config } from "../../config.js";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
import type { DeliveryJob, DeliveryLogger, DeliveryTask } from "../../delivery/loop.js";
import { retryDelayMs } from "../../delivery/retry.js";
import type { ExtendedProperty } from "../properties.js";
import { type EndpointPolicy, endpointPolicy } from "./endpoint-policy.js";
import { pushMessage } from "./message.js";
import { type SendOutcome, sendDelivery } from "./send.js";

export interface PushJobOptions {
  /** Unscoped: the queue is every tenant's; each row carries its tenant, and what is written for it copies that. */
  prisma: PrismaClient;
  secrets: SecretBox;
  config: Pick<
    Config,
    | "EVENT_DELIVERY_TIMEOUT_MS"
    | "EVENT_DELIVERY_MAX_ATTEMPTS"
    | "EVENT_RETRY_BASE_MS"
    | "EVENT_DELIVERY_LEASE_MS"
    | "EVENT_ALLOW_HTTP"
    | "EVENT_ALLOWED_HOSTS"
  >;
  log: DeliveryLogger;
}

interface ClaimedRow {
  id: bigint;
  attempts: number;
  endpoint: string;
  signing_key: string | null;
  event_id: string;
  tenant_id: number;
  site_id: number | null;
  topic: string;
  entity_id: string;
  correlation_id: string | null;
  is_test: boolean;
  extended_properties: ExtendedProperty[];
  created_at: Date;
}

const LOST_MESSAGE = "the process delivering it stopped before the endpoint answered; it is delivered again";

/**
 * Push deliveries as a job of the delivery loop. A claim takes due deliveries under a lease (EVENT_DELIVERY_LEASE_MS)
 * in one statement, skipping rows another replica is claiming; a delivery whose lease ran out (its process died) is
 * due again, and its lost attempt is recorded as `WorkerLost`. A delivery waits while an earlier event of the same
 * entity is still pending for the same subscription, so each subscription receives an entity's events in order. A
 * subscription made inactive, or an application revoked, holds its deliveries until it is active again.
 */
export function pushJob({ prisma, secrets, config, log }: PushJobOptions): DeliveryJob {
  const policy: EndpointPolicy = endpointPolicy(config);
  const lease = Prisma.sql`(${config.EVENT_DELIVERY_LEASE_MS}::int * interval '1 millisecond')`;
  // A POST is started only while the lease has room for all of it and for writing its outcome: the delivery timeout,
  // then half of what the lease leaves beyond it (config makes the lease at least twice the timeout, so that half is
  // at least half a timeout). A delivery still running when its lease ran out could be sent again alongside it.
  const neededMs = config.EVENT_DELIVERY_TIMEOUT_MS + (config.EVENT_DELIVERY_LEASE_MS - config.EVENT_DELIVERY_TIMEOUT_MS) / 2;

  async function claim(limit: number): Promise<DeliveryTask[]> {
    // The database starts the lease after this moment, so the lease lasts at least until leaseEnds on this clock.
    const leaseEnds = performance.now() + config.EVENT_DELIVERY_LEASE_MS;
    const rows = await prisma.$queryRaw<ClaimedRow[]>(Prisma.sql`
      WITH due AS (
        SELECT d.id, d.lease_expires_at, d.last_attempt_at, d.tenant_id
        FROM event_deliveries d
        JOIN event_subscriptions s ON s.id = d.subscription_ref AND s.is_active
        JOIN applications a ON a.id = s.application_id AND a.revoked_at IS NULL
        WHERE d.status = 'Pending' AND d.next_attempt_at <= now()
          AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
          AND NOT EXISTS (
            SELECT 1 FROM event_deliveries earlier
            WHERE earlier.subscription_ref = d.subscription_ref AND earlier.entity_id = d.entity_id
              AND earlier.status = 'Pending' AND earlier.event_ref < d.event_ref)
        ORDER BY d.next_attempt_at, d.id
        LIMIT ${limit}
        FOR UPDATE OF d SKIP LOCKED
      ), lost AS (
        INSERT INTO event_delivery_attempts (tenant_id, delivery_ref, execution_date, delivery_status, error_type, message)
        SELECT due.tenant_id, due.id, coalesce(due.last_attempt_at, now()), 'Failed', 'WorkerLost', ${LOST_MESSAGE}
        FROM due WHERE due.lease_expires_at IS NOT NULL
      ), claimed AS (
        UPDATE event_deliveries d
        SET lease_expires_at = now() + ${lease}, attempts = d.attempts + 1, last_attempt_at = now(), updated_at = now()
        FROM due WHERE d.id = due.id
        RETURNING d.id, d.attempts, d.subscription_ref, d.event_ref
      )
      SELECT claimed.id, claimed.attempts, s.endpoint, a.signing_key, e.event_id, e.tenant_id, e.site_id, e.topic,
             e.entity_id, e.correlation_id, e.is_test, e.extended_properties, e.created_at
      FROM claimed
      JOIN event_subscriptions s ON s.id = claimed.subscription_ref
      JOIN applications a ON a.id = s.application_id
      JOIN events e ON e.id = claimed.event_ref
      ORDER BY claimed.id`);
    return rows.map((row) => () => deliver(row, leaseEnds));
  }

  async function deliver(row: ClaimedRow, claimedUntil: number): Promise<void> {
    const context = { processRef: row.id.toString(), eventId: row.event_id, topic: row.topic, attempt: row.attempts };
    // A claim answered late (a slow or cut-off database, a busy process) leaves less of the lease than a POST needs.
    const leaseEnds = claimedUntil - performance.now() >= neededMs ? claimedUntil : await renewLease(row);
    if (leaseEnds === null) {
      log.warn(context, "event delivery not started: its lease could not be renewed in time; it is delivered when the lease runs out");
      return;
    }
    const outcome = await attempt(row);
    try {
      await recordWithin(row, outcome, leaseEnds);
    } catch (error) {
      log.error(
        { ...context, err: error, delivered: outcome.ok },
        "the delivery's outcome could not be recorded within its lease; when the lease runs out it is delivered again",
      );
      return;
    }
    if (outcome.ok) log.debug({ ...context, httpStatus: outcome.httpStatus, durationMs: outcome.durationMs }, "event delivered");
    else log.warn({ ...context, errorType: outcome.errorType, httpStatus: outcome.httpStatus }, "event delivery failed");
  }

  /**
   * A fresh lease for a delivery this claim still holds (the same attempt, still Pending, no outcome written), so its
   * POST can start; null when another process took it over or the database could not be reached.
   */
  async function renewLease(row: ClaimedRow): Promise<number | null> {
    const leaseEnds = performance.now() + config.EVENT_DELIVERY_LEASE_MS;
    try {
      const renewed = await prisma.$executeRaw(Prisma.sql`
        UPDATE event_deliveries SET lease_expires_at = now() + ${lease}, updated_at = now()
        WHERE id = ${row.id} AND attempts = ${row.attempts} AND status = 'Pending' AND lease_expires_at IS NOT NULL`);
      return renewed === 1 ? leaseEnds : null;
    } catch {
      return null;
    }
  }

  /**
   * Records the outcome, trying again while the lease lasts: a receiver that answered 200 has the event, and an
   * outcome lost to a database restart or a short partition would otherwise have it delivered again once the lease
   * runs out. Past the lease another process may have taken the delivery over, and the last error is thrown.
   */
  async function recordWithin(row: ClaimedRow, outcome: SendOutcome, leaseEnds: number): Promise<void> {
    for (let retried = false, pauseMs = RECORD_RETRY_MS; ; retried = true, pauseMs = Math.min(2 * pauseMs, RECORD_RETRY_MAX_MS)) {
      try {
        return await record(row, outcome, retried);
      } catch (error) {
        if (performance.now() + pauseMs >= leaseEnds) throw error;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }

  async function attempt(row: ClaimedRow): Promise<SendOutcome> {
    let signingKey: string;
    try {
      if (row.signing_key === null) throw new Error("the application has no signing key");
      signingKey = openKey(row.signing_key);
    } catch (error) {
      // The delivery can still succeed later: an operator may put the missing key back in EVENT_SECRET_KEYS.
      return { ok: false, httpStatus: null, errorType: "Refused", message: `cannot sign: ${(error as Error).message}`, durationMs: 0 };
    }
    const { headers, body } = pushMessage(
      {
        eventId: row.event_id,
        tenantId: row.tenant_id,
        siteId: row.site_id,
        topic: row.topic,
        entityId: row.entity_id,
        correlationId: row.correlation_id,
        isTest: row.is_test,
        extendedProperties: row.extended_properties,
        createdAt: row.created_at,
      },
      signingKey,
      new Date(),
    );
    return sendDelivery({ endpoint: row.endpoint, headers, body, timeoutMs: config.EVENT_DELIVERY_TIMEOUT_MS, policy });
  }

  const recorder = batchRecorder(prisma);

  // Opened keys by their sealed form: one AES-GCM decryption per application and key, not one per delivery. A
  // changed key (rotation, a new secret) is a new sealed value, so an entry never goes stale; the bound only keeps a
  // tenant-churning installation from growing it without end.
  const opened = new Map<string, string>();
  function openKey(sealed: string): string {
    let key = opened.get(sealed);
    if (key === undefined) {
      key = secrets.open(sealed);
      if (opened.size >= 1_000) opened.clear();
      opened.set(sealed, key);
    }
    return key;
  }

  /**
   * Records the attempt and the delivery's new state; outcomes finishing within a few milliseconds of each other share
   * one statement. The state changes only while this claim still holds the row (same attempt count, still Pending): if
   * the lease ran out and another process took the delivery over, that process owns its state now, and this attempt
   * is only added to the history.
   */
  function record(row: ClaimedRow, outcome: SendOutcome, retried: boolean): Promise<void> {
    const lastAttempt = row.attempts >= config.EVENT_DELIVERY_MAX_ATTEMPTS;
    return recorder({
      id: row.id,
      attempts: row.attempts,
      retried,
      tenantId: row.tenant_id,
      status: outcome.ok ? "Succeeded" : lastAttempt ? "Failed" : "Pending",
      delayMs: outcome.ok || lastAttempt ? 0 : retryDelayMs(row.attempts, config.EVENT_RETRY_BASE_MS),
      outcome,
    });
  }

  return { name: "push", claim };
}

/** The first pause before writing a failed outcome again, doubling up to the second. */
const RECORD_RETRY_MS = 100;
const RECORD_RETRY_MAX_MS = 2_000;

interface Outcome {
  id: bigint;
  attempts: number;
  /** Written before, with an error: the first write may have committed all the same (its answer was lost). */
  retried: boolean;
  tenantId: number;
  status: "Succeeded" | "Failed" | "Pending";
  delayMs: number;
  outcome: SendOutcome;
}

/** Outcomes written together once this many are waiting, or this long after the first of them. */
const BATCH_SIZE = 64;
const BATCH_WAIT_MS = 5;

/**
 * Writes delivery outcomes in batches: at a few hundred deliveries a second, one statement per delivery was most of
 * what a delivery cost this process. Each caller's promise settles when its batch is written; a failed batch fails all
 * of its callers, whose leases then run out and whose deliveries are retaken (at least once, never lost).
 */
function batchRecorder(prisma: PrismaClient) {
  let waiting: { outcome: Outcome; settle: (error?: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    const column = <T>(pick: (outcome: Outcome) => T) => batch.map((entry) => pick(entry.outcome));
    try {
      await prisma.$executeRaw(Prisma.sql`
        WITH outcome AS (
          SELECT * FROM unnest(
            ${column((o) => o.id)}::bigint[], ${column((o) => o.attempts)}::int[], ${column((o) => o.tenantId)}::int[],
            ${column((o) => o.retried)}::boolean[], ${column((o) => o.status)}::varchar[], ${column((o) => o.delayMs)}::int[],
            ${column((o) => (o.outcome.ok ? "Succeeded" : "Failed"))}::varchar[], ${column((o) => o.outcome.httpStatus)}::int[],
            ${column((o) => (o.outcome.ok ? null : o.outcome.errorType))}::varchar[],
            ${column((o) => (o.outcome.ok ? null : o.outcome.message))}::varchar[], ${column((o) => o.outcome.durationMs)}::int[]
          ) AS o(id, attempts, tenant_id, retried, status, delay_ms, attempt_status, http_status, error_type, message, duration_ms)
        ), attempt AS (
          INSERT INTO event_delivery_attempts
            (tenant_id, delivery_ref, execution_date, delivery_status, http_status, error_type, message, duration_ms)
          SELECT tenant_id, id, now() - duration_ms * interval '1 millisecond', attempt_status, http_status, error_type,
                 message, duration_ms
          FROM outcome
          -- A write tried again adds its attempt only while the delivery is still this claim's: an earlier try that
          -- committed has cleared the lease (and added the attempt), and a takeover has recorded it as WorkerLost.
          WHERE NOT outcome.retried OR EXISTS (
            SELECT 1 FROM event_deliveries held
            WHERE held.id = outcome.id AND held.attempts = outcome.attempts AND held.status = 'Pending'
              AND held.lease_expires_at IS NOT NULL)
        )
        UPDATE event_deliveries d
        SET status = outcome.status, lease_expires_at = NULL, updated_at = now(),
            next_attempt_at = now() + outcome.delay_ms * interval '1 millisecond'
        FROM outcome
        WHERE d.id = outcome.id AND d.attempts = outcome.attempts AND d.status = 'Pending' AND d.lease_expires_at IS NOT NULL`);
      for (const entry of batch) entry.settle();
    } catch (error) {
      for (const entry of batch) entry.settle(error);
    }
  }

  return (outcome: Outcome): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ outcome, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (waiting.length >= BATCH_SIZE) void flush();
      else timer ??= setTimeout(() => void flush(), BATCH_WAIT_MS);
    });
}
