-- CreateTable
CREATE TABLE "loyalty_api_users" (
    "id" SERIAL NOT NULL,
    "account_id" INTEGER NOT NULL,
    "user_id" VARCHAR(100) NOT NULL,
    "key_hash" VARCHAR(300) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "loyalty_api_users_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "loyalty_api_users_account_id_user_id_key" ON "loyalty_api_users"("account_id", "user_id");

-- AddForeignKey
ALTER TABLE "loyalty_api_users" ADD CONSTRAINT "loyalty_api_users_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "loyalty_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
