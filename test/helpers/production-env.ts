/**
 * What production requires besides a database: token keys, a shopper key, the push-signing keys' encryption key,
 * and a choice about mail. Configuration tests start from it and take away or change the setting they are about.
 */
export const PRODUCTION_ENV = {
  NODE_ENV: "production",
  AUTH_SIGNING_KEYS: `k1:${"a".repeat(32)}`,
  SHOPPER_TOKEN_SECRET: "b".repeat(32),
  EVENT_SECRET_KEYS: `e1:${Buffer.alloc(32, 1).toString("base64")}`,
  MAIL_DISABLED: "true",
} as const;
