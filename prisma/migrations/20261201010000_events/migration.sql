-- CreateTable
CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "event_id" VARCHAR(36) NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "site_id" INTEGER,
    "topic" VARCHAR(100) NOT NULL,
    "entity_id" VARCHAR(200) NOT NULL,
    "correlation_id" VARCHAR(200),
    "is_test" BOOLEAN NOT NULL DEFAULT false,
    "extended_properties" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "events_event_id_key" ON "events"("event_id");

-- CreateIndex
CREATE INDEX "events_tenant_id_created_at_id_idx" ON "events"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "events_tenant_id_topic_entity_id_id_idx" ON "events"("tenant_id", "topic", "entity_id", "id");

-- CreateIndex
CREATE INDEX "events_created_at_idx" ON "events"("created_at");

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
