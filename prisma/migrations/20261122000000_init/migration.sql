-- CreateEnum
CREATE TYPE "credit_type" AS ENUM ('StoreCredit', 'GiftCard', 'Custom');

-- CreateEnum
CREATE TYPE "credit_transaction_type" AS ENUM ('Credit', 'Debit');

-- CreateEnum
CREATE TYPE "balance_action" AS ENUM ('Updated', 'Created', 'Used', 'Refunded', 'Reverted');

-- CreateEnum
CREATE TYPE "credit_activity_type" AS ENUM ('Created', 'Updated', 'Deleted', 'Activated', 'Deactivated', 'Transaction');

-- CreateEnum
CREATE TYPE "loyalty_campaign_kind" AS ENUM ('Points', 'StoredValue');

-- CreateEnum
CREATE TYPE "loyalty_entry_kind" AS ENUM ('Earn', 'Redeem');

-- CreateTable
CREATE TABLE "tenants" (
    "id" INTEGER NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "domain" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "websites" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "website_id" INTEGER NOT NULL,
    "site_id" INTEGER NOT NULL,
    "code" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "base_currency_code" CHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "websites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stores" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "website_ref" INTEGER NOT NULL,
    "store_id" INTEGER NOT NULL,
    "code" VARCHAR(64) NOT NULL,
    "increment_prefix" VARCHAR(8) NOT NULL,
    "last_creditmemo_number" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stores_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customers" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "card_number" VARCHAR(64),
    "code" VARCHAR(64),
    "first_name" VARCHAR(100),
    "last_name" VARCHAR(100),
    "email" VARCHAR(254),
    "phone" VARCHAR(40),
    "address1" VARCHAR(200),
    "address2" VARCHAR(200),
    "city" VARCHAR(100),
    "state" VARCHAR(100),
    "zip" VARCHAR(20),
    "country" CHAR(2),
    "custom1" VARCHAR(500),
    "custom_date" DATE,
    "username" VARCHAR(100),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credits" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "code" VARCHAR(100) NOT NULL,
    "code_key" VARCHAR(100) NOT NULL,
    "credit_type" "credit_type" NOT NULL,
    "custom_credit_type" VARCHAR(100),
    "currency_code" CHAR(3) NOT NULL,
    "initial_balance" DECIMAL(19,4) NOT NULL,
    "current_balance" DECIMAL(19,4) NOT NULL,
    "activation_date" TIMESTAMPTZ(3),
    "expiration_date" TIMESTAMPTZ(3),
    "customer_id" INTEGER,
    "website_ref" INTEGER,
    "deleted_at" TIMESTAMPTZ(3),
    "created_by" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" VARCHAR(200),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_transactions" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "credit_id" BIGINT NOT NULL,
    "transaction_type" "credit_transaction_type" NOT NULL,
    "impact_amount" DECIMAL(19,4) NOT NULL,
    "balance_after" DECIMAL(19,4) NOT NULL,
    "action" "balance_action" NOT NULL,
    "comments" VARCHAR(1000),
    "order_id" VARCHAR(100),
    "data" JSONB,
    "creditmemo_id" INTEGER,
    "is_customer_notified" BOOLEAN NOT NULL DEFAULT false,
    "created_by" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "credit_id" BIGINT NOT NULL,
    "activity_type" "credit_activity_type" NOT NULL,
    "details" VARCHAR(2000),
    "created_by" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "website_ref" INTEGER NOT NULL,
    "store_ref" INTEGER NOT NULL,
    "entity_id" INTEGER NOT NULL,
    "increment_id" VARCHAR(50) NOT NULL,
    "customer_id" INTEGER,
    "customer_email" VARCHAR(254),
    "state" VARCHAR(32) NOT NULL,
    "global_currency_code" CHAR(3) NOT NULL,
    "base_currency_code" CHAR(3) NOT NULL,
    "order_currency_code" CHAR(3) NOT NULL,
    "store_currency_code" CHAR(3) NOT NULL,
    "base_to_global_rate" DECIMAL(19,4) NOT NULL,
    "base_to_order_rate" DECIMAL(19,4) NOT NULL,
    "store_to_base_rate" DECIMAL(19,4) NOT NULL,
    "store_to_order_rate" DECIMAL(19,4) NOT NULL,
    "subtotal" DECIMAL(19,4) NOT NULL,
    "base_subtotal" DECIMAL(19,4) NOT NULL,
    "shipping_amount" DECIMAL(19,4) NOT NULL,
    "base_shipping_amount" DECIMAL(19,4) NOT NULL,
    "tax_amount" DECIMAL(19,4) NOT NULL,
    "base_tax_amount" DECIMAL(19,4) NOT NULL,
    "discount_amount" DECIMAL(19,4) NOT NULL,
    "base_discount_amount" DECIMAL(19,4) NOT NULL,
    "grand_total" DECIMAL(19,4) NOT NULL,
    "base_grand_total" DECIMAL(19,4) NOT NULL,
    "total_paid" DECIMAL(19,4) NOT NULL,
    "base_total_paid" DECIMAL(19,4) NOT NULL,
    "total_refunded" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "base_total_refunded" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "shipping_refunded" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "base_shipping_refunded" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "billing_address_id" INTEGER,
    "shipping_address_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_items" (
    "id" SERIAL NOT NULL,
    "order_ref" INTEGER NOT NULL,
    "item_id" INTEGER NOT NULL,
    "product_id" INTEGER,
    "sku" VARCHAR(64) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "price" DECIMAL(19,4) NOT NULL,
    "base_price" DECIMAL(19,4) NOT NULL,
    "price_incl_tax" DECIMAL(19,4) NOT NULL,
    "base_price_incl_tax" DECIMAL(19,4) NOT NULL,
    "tax_amount" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "base_tax_amount" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "discount_amount" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "base_discount_amount" DECIMAL(19,4) NOT NULL DEFAULT 0,
    "qty_ordered" DECIMAL(12,4) NOT NULL,
    "qty_invoiced" DECIMAL(12,4) NOT NULL,
    "qty_refunded" DECIMAL(12,4) NOT NULL DEFAULT 0,

    CONSTRAINT "order_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "creditmemos" (
    "creditmemo_id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "order_ref" INTEGER NOT NULL,
    "increment_id" VARCHAR(50) NOT NULL,
    "store_id" INTEGER NOT NULL,
    "order_id" INTEGER NOT NULL,
    "invoice_id" INTEGER,
    "billing_address_id" INTEGER,
    "shipping_address_id" INTEGER,
    "state" INTEGER NOT NULL,
    "creditmemo_status" INTEGER,
    "email_sent" INTEGER,
    "transaction_id" VARCHAR(255),
    "cybersource_token" VARCHAR(255),
    "global_currency_code" CHAR(3) NOT NULL,
    "base_currency_code" CHAR(3) NOT NULL,
    "order_currency_code" CHAR(3) NOT NULL,
    "store_currency_code" CHAR(3) NOT NULL,
    "base_to_global_rate" DECIMAL(19,4) NOT NULL,
    "base_to_order_rate" DECIMAL(19,4) NOT NULL,
    "store_to_base_rate" DECIMAL(19,4) NOT NULL,
    "store_to_order_rate" DECIMAL(19,4) NOT NULL,
    "subtotal" DECIMAL(19,4) NOT NULL,
    "base_subtotal" DECIMAL(19,4) NOT NULL,
    "subtotal_incl_tax" DECIMAL(19,4) NOT NULL,
    "base_subtotal_incl_tax" DECIMAL(19,4) NOT NULL,
    "tax_amount" DECIMAL(19,4) NOT NULL,
    "base_tax_amount" DECIMAL(19,4) NOT NULL,
    "shipping_amount" DECIMAL(19,4) NOT NULL,
    "base_shipping_amount" DECIMAL(19,4) NOT NULL,
    "shipping_tax_amount" DECIMAL(19,4) NOT NULL,
    "base_shipping_tax_amount" DECIMAL(19,4) NOT NULL,
    "shipping_incl_tax" DECIMAL(19,4) NOT NULL,
    "base_shipping_incl_tax" DECIMAL(19,4) NOT NULL,
    "discount_amount" DECIMAL(19,4) NOT NULL,
    "base_discount_amount" DECIMAL(19,4) NOT NULL,
    "adjustment" DECIMAL(19,4) NOT NULL,
    "base_adjustment" DECIMAL(19,4) NOT NULL,
    "adjustment_positive" DECIMAL(19,4),
    "base_adjustment_positive" DECIMAL(19,4),
    "adjustment_negative" DECIMAL(19,4),
    "base_adjustment_negative" DECIMAL(19,4),
    "grand_total" DECIMAL(19,4) NOT NULL,
    "base_grand_total" DECIMAL(19,4) NOT NULL,
    "hidden_tax_amount" DECIMAL(19,4),
    "base_hidden_tax_amount" DECIMAL(19,4),
    "shipping_hidden_tax_amount" DECIMAL(19,4),
    "base_shipping_hidden_tax_amnt" DECIMAL(19,4),
    "customer_balance_amount" DECIMAL(19,4),
    "base_customer_balance_amount" DECIMAL(19,4),
    "customer_bal_total_refunded" DECIMAL(19,4),
    "bs_customer_bal_total_refunded" DECIMAL(19,4),
    "gift_cards_amount" DECIMAL(19,4),
    "base_gift_cards_amount" DECIMAL(19,4),
    "gw_price" DECIMAL(19,4),
    "gw_base_price" DECIMAL(19,4),
    "gw_items_price" DECIMAL(19,4),
    "gw_items_base_price" DECIMAL(19,4),
    "gw_card_price" DECIMAL(19,4),
    "gw_card_base_price" DECIMAL(19,4),
    "gw_tax_amount" DECIMAL(19,4),
    "gw_base_tax_amount" DECIMAL(19,4),
    "gw_items_tax_amount" DECIMAL(19,4),
    "gw_items_base_tax_amount" DECIMAL(19,4),
    "gw_card_tax_amount" DECIMAL(19,4),
    "gw_card_base_tax_amount" DECIMAL(19,4),
    "gw_printed_card_price" DECIMAL(19,4),
    "gw_printed_card_base_price" DECIMAL(19,4),
    "gw_printed_card_tax_amount" DECIMAL(19,4),
    "gw_printed_card_base_tax_amount" DECIMAL(19,4),
    "reward_currency_amount" DECIMAL(19,4),
    "base_reward_currency_amount" DECIMAL(19,4),
    "reward_points_balance" INTEGER,
    "reward_points_balance_refund" INTEGER,
    "reward_points_balance_to_refund" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "creditmemos_pkey" PRIMARY KEY ("creditmemo_id")
);

-- CreateTable
CREATE TABLE "creditmemo_items" (
    "item_id" SERIAL NOT NULL,
    "parent_id" INTEGER NOT NULL,
    "order_item_id" INTEGER NOT NULL,
    "product_id" INTEGER,
    "sku" VARCHAR(64) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" VARCHAR(1000),
    "additional_data" VARCHAR(1000),
    "qty" DECIMAL(12,4) NOT NULL,
    "price" DECIMAL(19,4) NOT NULL,
    "base_price" DECIMAL(19,4) NOT NULL,
    "price_incl_tax" DECIMAL(19,4) NOT NULL,
    "base_price_incl_tax" DECIMAL(19,4) NOT NULL,
    "row_total" DECIMAL(19,4) NOT NULL,
    "base_row_total" DECIMAL(19,4) NOT NULL,
    "row_total_incl_tax" DECIMAL(19,4) NOT NULL,
    "base_row_total_incl_tax" DECIMAL(19,4) NOT NULL,
    "tax_amount" DECIMAL(19,4) NOT NULL,
    "base_tax_amount" DECIMAL(19,4) NOT NULL,
    "discount_amount" DECIMAL(19,4),
    "base_discount_amount" DECIMAL(19,4),
    "hidden_tax_amount" DECIMAL(19,4),
    "base_hidden_tax_amount" DECIMAL(19,4),
    "base_cost" DECIMAL(19,4),
    "weee_tax_applied" VARCHAR(1000),
    "weee_tax_applied_amount" DECIMAL(19,4),
    "base_weee_tax_applied_amount" DECIMAL(19,4),
    "weee_tax_applied_row_amount" DECIMAL(19,4),
    "base_weee_tax_applied_row_amount" DECIMAL(19,4),
    "weee_tax_disposition" DECIMAL(19,4),
    "base_weee_tax_disposition" DECIMAL(19,4),
    "weee_tax_row_disposition" DECIMAL(19,4),
    "base_weee_tax_row_disposition" DECIMAL(19,4),

    CONSTRAINT "creditmemo_items_pkey" PRIMARY KEY ("item_id")
);

-- CreateTable
CREATE TABLE "creditmemo_comments" (
    "comment_id" SERIAL NOT NULL,
    "parent_id" INTEGER NOT NULL,
    "comment" TEXT NOT NULL,
    "is_customer_notified" BOOLEAN NOT NULL DEFAULT false,
    "is_visible_on_front" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "creditmemo_comments_pkey" PRIMARY KEY ("comment_id")
);

-- CreateTable
CREATE TABLE "loyalty_accounts" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "account_code" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "loyalty_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "loyalty_campaigns" (
    "id" BIGINT NOT NULL,
    "account_id" INTEGER NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "kind" "loyalty_campaign_kind" NOT NULL,
    "points_per_currency_unit" INTEGER,
    "currency_code" CHAR(3) NOT NULL,
    "coalition_opt_out" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "loyalty_campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "loyalty_ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "campaign_id" BIGINT NOT NULL,
    "customer_ref" INTEGER NOT NULL,
    "kind" "loyalty_entry_kind" NOT NULL,
    "points" INTEGER,
    "amount" DECIMAL(19,4),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "loyalty_ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "websites_site_id_key" ON "websites"("site_id");

-- CreateIndex
CREATE UNIQUE INDEX "websites_tenant_id_website_id_key" ON "websites"("tenant_id", "website_id");

-- CreateIndex
CREATE UNIQUE INDEX "stores_tenant_id_store_id_key" ON "stores"("tenant_id", "store_id");

-- CreateIndex
CREATE INDEX "customers_tenant_id_card_number_idx" ON "customers"("tenant_id", "card_number");

-- CreateIndex
CREATE UNIQUE INDEX "customers_tenant_id_customer_id_key" ON "customers"("tenant_id", "customer_id");

-- CreateIndex
CREATE INDEX "credits_tenant_id_customer_id_idx" ON "credits"("tenant_id", "customer_id");

-- CreateIndex
CREATE INDEX "credits_tenant_id_current_balance_idx" ON "credits"("tenant_id", "current_balance");

-- CreateIndex
CREATE UNIQUE INDEX "credits_tenant_id_code_key_key" ON "credits"("tenant_id", "code_key");

-- CreateIndex
CREATE INDEX "credit_transactions_credit_id_id_idx" ON "credit_transactions"("credit_id", "id");

-- CreateIndex
CREATE INDEX "credit_transactions_tenant_id_created_at_idx" ON "credit_transactions"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "credit_audit_entries_credit_id_id_idx" ON "credit_audit_entries"("credit_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_tenant_id_increment_id_key" ON "orders"("tenant_id", "increment_id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_tenant_id_entity_id_key" ON "orders"("tenant_id", "entity_id");

-- CreateIndex
CREATE UNIQUE INDEX "order_items_order_ref_item_id_key" ON "order_items"("order_ref", "item_id");

-- CreateIndex
CREATE INDEX "creditmemos_order_ref_idx" ON "creditmemos"("order_ref");

-- CreateIndex
CREATE INDEX "creditmemos_tenant_id_created_at_idx" ON "creditmemos"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "creditmemos_tenant_id_increment_id_key" ON "creditmemos"("tenant_id", "increment_id");

-- CreateIndex
CREATE INDEX "creditmemo_items_parent_id_idx" ON "creditmemo_items"("parent_id");

-- CreateIndex
CREATE INDEX "creditmemo_comments_parent_id_idx" ON "creditmemo_comments"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "loyalty_accounts_account_code_key" ON "loyalty_accounts"("account_code");

-- CreateIndex
CREATE INDEX "loyalty_campaigns_account_id_idx" ON "loyalty_campaigns"("account_id");

-- CreateIndex
CREATE INDEX "loyalty_ledger_entries_campaign_id_customer_ref_idx" ON "loyalty_ledger_entries"("campaign_id", "customer_ref");

-- CreateIndex
CREATE INDEX "loyalty_ledger_entries_customer_ref_idx" ON "loyalty_ledger_entries"("customer_ref");

-- AddForeignKey
ALTER TABLE "websites" ADD CONSTRAINT "websites_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stores" ADD CONSTRAINT "stores_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stores" ADD CONSTRAINT "stores_website_ref_fkey" FOREIGN KEY ("website_ref") REFERENCES "websites"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credits" ADD CONSTRAINT "credits_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credits" ADD CONSTRAINT "credits_tenant_id_customer_id_fkey" FOREIGN KEY ("tenant_id", "customer_id") REFERENCES "customers"("tenant_id", "customer_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credits" ADD CONSTRAINT "credits_website_ref_fkey" FOREIGN KEY ("website_ref") REFERENCES "websites"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_credit_id_fkey" FOREIGN KEY ("credit_id") REFERENCES "credits"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_creditmemo_id_fkey" FOREIGN KEY ("creditmemo_id") REFERENCES "creditmemos"("creditmemo_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_audit_entries" ADD CONSTRAINT "credit_audit_entries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_audit_entries" ADD CONSTRAINT "credit_audit_entries_credit_id_fkey" FOREIGN KEY ("credit_id") REFERENCES "credits"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_website_ref_fkey" FOREIGN KEY ("website_ref") REFERENCES "websites"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_store_ref_fkey" FOREIGN KEY ("store_ref") REFERENCES "stores"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_tenant_id_customer_id_fkey" FOREIGN KEY ("tenant_id", "customer_id") REFERENCES "customers"("tenant_id", "customer_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_ref_fkey" FOREIGN KEY ("order_ref") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creditmemos" ADD CONSTRAINT "creditmemos_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creditmemos" ADD CONSTRAINT "creditmemos_order_ref_fkey" FOREIGN KEY ("order_ref") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creditmemo_items" ADD CONSTRAINT "creditmemo_items_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "creditmemos"("creditmemo_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creditmemo_comments" ADD CONSTRAINT "creditmemo_comments_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "creditmemos"("creditmemo_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_campaigns" ADD CONSTRAINT "loyalty_campaigns_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "loyalty_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_ledger_entries" ADD CONSTRAINT "loyalty_ledger_entries_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "loyalty_campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_ledger_entries" ADD CONSTRAINT "loyalty_ledger_entries_customer_ref_fkey" FOREIGN KEY ("customer_ref") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Invariants Prisma's schema language cannot state; the database enforces them whatever the caller.
ALTER TABLE "credits" ADD CONSTRAINT "credits_current_balance_check" CHECK ("current_balance" >= 0);
ALTER TABLE "credits" ADD CONSTRAINT "credits_initial_balance_check" CHECK ("initial_balance" >= 0);
ALTER TABLE "credits" ADD CONSTRAINT "credits_code_key_check" CHECK ("code_key" = upper("code"));
ALTER TABLE "credits" ADD CONSTRAINT "credits_currency_code_check" CHECK ("currency_code" ~ '^[A-Z]{3}$');
ALTER TABLE "creditmemos" ADD CONSTRAINT "creditmemos_state_check" CHECK ("state" IN (1, 2, 3));
ALTER TABLE "loyalty_ledger_entries" ADD CONSTRAINT "loyalty_ledger_entries_value_check" CHECK (num_nonnulls("points", "amount") = 1);

-- The ledger is append-only: a balance is explained by its rows, so no row may change or vanish.
CREATE FUNCTION "credit_transactions_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit_transactions is append-only';
END;
$$;
CREATE TRIGGER "credit_transactions_append_only"
  BEFORE UPDATE OR DELETE ON "credit_transactions"
  FOR EACH ROW EXECUTE FUNCTION "credit_transactions_append_only"();
