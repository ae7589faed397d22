-- CreateTable
CREATE TABLE "magento_api_users" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "username" VARCHAR(100) NOT NULL,
    "key_hash" VARCHAR(300) NOT NULL,
    "resources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "magento_api_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "magento_api_sessions" (
    "id" BIGSERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "session_hash" CHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "magento_api_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "magento_api_users_username_key" ON "magento_api_users"("username");

-- CreateIndex
CREATE INDEX "magento_api_users_tenant_id_idx" ON "magento_api_users"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "magento_api_sessions_session_hash_key" ON "magento_api_sessions"("session_hash");

-- CreateIndex
CREATE INDEX "magento_api_sessions_user_id_idx" ON "magento_api_sessions"("user_id");

-- CreateIndex
CREATE INDEX "magento_api_sessions_expires_at_idx" ON "magento_api_sessions"("expires_at");

-- AddForeignKey
ALTER TABLE "magento_api_users" ADD CONSTRAINT "magento_api_users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "magento_api_sessions" ADD CONSTRAINT "magento_api_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "magento_api_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
