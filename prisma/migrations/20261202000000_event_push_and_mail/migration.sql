-- What push deliveries are signed with: base64(sha256(secret + secret)), encrypted with EVENT_SECRET_KEYS.
-- Captured when the application's secret is known (created, or used at the token endpoint); the secret itself
-- is still kept only as its scrypt hash.
ALTER TABLE "applications" ADD COLUMN "signing_key" VARCHAR(300);

-- CreateTable
CREATE TABLE "event_subscriptions" (
    "id" SERIAL NOT NULL,
    "subscription_id" VARCHAR(36) NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "application_id" INTEGER NOT NULL,
    "endpoint" VARCHAR(2000) NOT NULL,
    "topics" TEXT[],
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_by" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" VARCHAR(200),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_subscriptions_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "event_subscriptions_subscription_id_key" ON "event_subscriptions"("subscription_id");
CREATE INDEX "event_subscriptions_tenant_id_is_active_idx" ON "event_subscriptions"("tenant_id", "is_active");
ALTER TABLE "event_subscriptions" ADD CONSTRAINT "event_subscriptions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "event_subscriptions" ADD CONSTRAINT "event_subscriptions_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable: one row per (event, subscription), written with the event.
CREATE TABLE "event_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "process_id" VARCHAR(36) NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "subscription_ref" INTEGER NOT NULL,
    "event_ref" BIGINT NOT NULL,
    "entity_id" VARCHAR(200) NOT NULL,
    "status" VARCHAR(20) NOT NULL DEFAULT 'Pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_expires_at" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "event_deliveries_process_id_key" ON "event_deliveries"("process_id");
-- The workers' queue: due pending deliveries.
CREATE INDEX "event_deliveries_due_idx" ON "event_deliveries"("next_attempt_at", "id") WHERE "status" = 'Pending';
-- Order per entity: is an earlier delivery of this entity to this subscription still pending?
CREATE INDEX "event_deliveries_subscription_ref_entity_id_event_ref_idx" ON "event_deliveries"("subscription_ref", "entity_id", "event_ref") WHERE "status" = 'Pending';
CREATE INDEX "event_deliveries_tenant_id_subscription_ref_id_idx" ON "event_deliveries"("tenant_id", "subscription_ref", "id");
CREATE INDEX "event_deliveries_event_ref_idx" ON "event_deliveries"("event_ref");
ALTER TABLE "event_deliveries" ADD CONSTRAINT "event_deliveries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "event_deliveries" ADD CONSTRAINT "event_deliveries_subscription_ref_fkey" FOREIGN KEY ("subscription_ref") REFERENCES "event_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Deliveries go with their event when it is purged.
ALTER TABLE "event_deliveries" ADD CONSTRAINT "event_deliveries_event_ref_fkey" FOREIGN KEY ("event_ref") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "event_delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "delivery_ref" BIGINT NOT NULL,
    "execution_date" TIMESTAMPTZ(3) NOT NULL,
    "delivery_status" VARCHAR(20) NOT NULL,
    "http_status" INTEGER,
    "error_type" VARCHAR(50),
    "message" VARCHAR(1000),
    "duration_ms" INTEGER,

    CONSTRAINT "event_delivery_attempts_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "event_delivery_attempts_delivery_ref_id_idx" ON "event_delivery_attempts"("delivery_ref", "id");
ALTER TABLE "event_delivery_attempts" ADD CONSTRAINT "event_delivery_attempts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "event_delivery_attempts" ADD CONSTRAINT "event_delivery_attempts_delivery_ref_fkey" FOREIGN KEY ("delivery_ref") REFERENCES "event_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Mail: the outbox rows become a queue with the webhooks' retry rules.
ALTER TABLE "notification_outbox" ADD COLUMN "status" VARCHAR(20) NOT NULL DEFAULT 'Pending';
ALTER TABLE "notification_outbox" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "notification_outbox" ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "notification_outbox" ADD COLUMN "lease_expires_at" TIMESTAMPTZ(3);
ALTER TABLE "notification_outbox" ADD COLUMN "last_error" VARCHAR(1000);
ALTER TABLE "notification_outbox" ADD COLUMN "message_id" VARCHAR(300);
CREATE INDEX "notification_outbox_due_idx" ON "notification_outbox"("next_attempt_at", "id") WHERE "status" = 'Pending';

-- Rows queued before Tally sent mail may be months old: a shopper would get a stale message out of the blue.
UPDATE "notification_outbox" SET "status" = 'Failed', "processed_at" = CURRENT_TIMESTAMP,
    "last_error" = 'queued before Tally sent mail; not sent';
