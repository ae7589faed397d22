import path from "node:path";
import Type, { type Static } from "typebox";
import Value from "typebox/value";

/** Environment variables Tally reads, with their defaults. `README.md` documents each one. */
export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Enum(["development", "production", "test"], { default: "development" }),
  HOST: Type.String({ minLength: 1, default: "0.0.0.0" }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  LOG_LEVEL: Type.Enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { default: "info" }),
  /** PostgreSQL connection string; when absent Tally runs on its embedded PGlite database. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  /**
   * `npm run db:migrate` only: PostgreSQL itself, when DATABASE_URL names a PgBouncer in transaction mode. Migrations
   * hold a session-level advisory lock across transactions, which such a pooler would leave on a server connection.
   */
  DATABASE_MIGRATE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /** How long a request waits for a pooled connection before failing with 503. */
  DATABASE_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  /**
   * PostgreSQL only: the longest a statement may run (statement_timeout, per transaction); the client gives up on
   * any answer a second after this, so no query of a request outlives it by more, even when the server cannot be heard.
   */
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 5_000 }),
  /** PostgreSQL only: the longest a transaction waits for another's row lock (lock_timeout) before failing with 503. */
  DATABASE_LOCK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 3_000 }),
  /**
   * PostgreSQL only: the server ends a session whose transaction waits this long for its client's next statement
   * (idle_in_transaction_session_timeout), so a replica cut off mid-transaction frees its row locks.
   */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 5_000 }),
  /**
   * Requests that may wait for a pooled connection at once; one more is answered 503 with Retry-After at once instead
   * of queueing (default: 10 × DATABASE_POOL_SIZE).
   */
  DATABASE_QUEUE_LIMIT: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  /**
   * PostgreSQL only: read the credits list through prepared statements. `false` behind a transaction pooler that cannot track
   * them (PgBouncer before 1.21, or with max_prepared_statements = 0); one found refusing them turns them off anyway.
   */
  DATABASE_PREPARED_STATEMENTS: Type.Boolean({ default: true }),
  /**
   * Production only: run on the embedded database instead of DATABASE_URL (one process; EMBEDDED_DATA_DIR must then
   * name a directory on a volume). Without it production refuses to start without DATABASE_URL.
   */
  EMBEDDED_DATABASE: Type.Optional(Type.Boolean()),
  /** Where the embedded database keeps its files; `memory://` keeps nothing. */
  EMBEDDED_DATA_DIR: Type.String({ minLength: 1, default: "./data/pglite" }),
  /**
   * Embedded database only: a loopback port where the running server shares its database over the PostgreSQL
   * protocol, so command-line tools (app:create, db:seed) work while it runs; 0 turns it off.
   */
  EMBEDDED_SOCKET_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 54329 }),
  /** Embedded database only: load the demo data set on first start (default: on, except in production). */
  EMBEDDED_SEED_DEMO: Type.Optional(Type.Boolean()),
  /** Longest time a graceful shutdown waits for in-flight requests. */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 120_000, default: 10_000 }),
  /** Trust X-Forwarded-* from a load balancer in front of Tally. */
  TRUST_PROXY: Type.Boolean({ default: false }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 10_485_760, default: 1_048_576 }),
  /**
   * Keys that sign Tally's access tokens: `kid:secret` pairs, comma-separated, secrets of 32+ characters.
   * The first signs; every listed key verifies, so a key is rotated by putting a new one first and removing
   * the old one after the longest token lifetime. Outside production a per-installation key is generated.
   */
  AUTH_SIGNING_KEYS: Type.Optional(
    Type.String({ pattern: "^[A-Za-z0-9._-]{1,64}:[^,]{32,}(,[A-Za-z0-9._-]{1,64}:[^,]{32,})*$" }),
  ),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 3_600 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 300, maximum: 7_776_000, default: 2_592_000 }),
  /** Shared secret (HS256) storefronts sign shopper tokens with; or use one of the two below. */
  SHOPPER_TOKEN_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** PEM public key (RS256/ES256) that verifies shopper tokens. */
  SHOPPER_TOKEN_PUBLIC_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** JWKS file whose keys verify shopper tokens (selected by `kid`). */
  SHOPPER_JWKS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Requests per minute per caller (application, shopper, or address when unauthenticated); 0 turns limiting off. */
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1_200 }),
  /** Token requests per minute per client id: slows down secret guessing (default: 10 in production, 100 elsewhere). */
  TOKEN_RATE_LIMIT_PER_MINUTE: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  /** Redis the request limits and sign-in failure counts are kept in, so every replica enforces one limit; unset: per process. */
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  /** Prefix of every key Tally writes to Redis, so several deployments can share one server. */
  REDIS_KEY_PREFIX: Type.String({ pattern: "^[A-Za-z0-9:._-]{1,64}$", default: "tally:" }),
  /** Where development keys are kept when the variables above are unset (never used in production). */
  DEV_SECRETS_FILE: Type.String({ minLength: 1, default: "./data/dev-secrets.json" }),
  /** Bearer token GET /metrics requires (32+ characters); unset: /metrics is open, and absent from production's main port. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 32, pattern: "^\\S+$" })),
  /** Port of a separate listener that alone serves /metrics, for Prometheus and not the load balancer; 0 = the main port. */
  METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 0 }),
  /** Interface the METRICS_PORT listener binds to; unset: HOST's. */
  METRICS_HOST: Type.Optional(Type.String({ minLength: 1 })),
  /** Serve Swagger UI at /docs (default: on, except in production). */
  DOCS_ENABLED: Type.Optional(Type.Boolean()),
  /** Hours an Idempotency-Key is remembered; a retry with it after that is a new request. */
  IDEMPOTENCY_KEY_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 8_760, default: 24 }),
  /** Minutes between purges of expired idempotency keys in each process; 0 = off (cron runs db:purge-idempotency). */
  IDEMPOTENCY_PURGE_INTERVAL_MINUTES: Type.Integer({ minimum: 0, maximum: 1_440, default: 60 }),
  /**
   * Days an event (GET /api/event/pull) is kept; older ones are purged in the background on the idempotency purge's
   * schedule (IDEMPOTENCY_PURGE_INTERVAL_MINUTES).
   */
  EVENT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3_650, default: 30 }),
  /**
   * Deliveries this process POSTs at once (push subscriptions, and mail); 0: this process delivers nothing and
   * leaves the work to other replicas. Every replica shares the same queue in the database.
   */
  EVENT_DELIVERY_CONCURRENCY: Type.Integer({ minimum: 0, maximum: 256, default: 16 }),
  /** How often an idle process looks for due deliveries (a change made by this process wakes it at once). */
  EVENT_DELIVERY_POLL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 1_000 }),
  /** A delivery is delivered when the endpoint answers 2xx within this time; anything else is retried. */
  EVENT_DELIVERY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  /** Attempts before a delivery (or a mail) is Failed. */
  EVENT_DELIVERY_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50, default: 8 }),
  /** The first retry's delay; each later one doubles it, with jitter, up to an hour. */
  EVENT_RETRY_BASE_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 2_000 }),
  /**
   * How long a claimed delivery stays with the process that claimed it; if that process dies, another takes the
   * delivery over once this has passed. At least twice EVENT_DELIVERY_TIMEOUT_MS.
   */
  EVENT_DELIVERY_LEASE_MS: Type.Integer({ minimum: 200, maximum: 3_600_000, default: 60_000 }),
  /** Accept `http://` push endpoints (default: only outside production; production wants https). */
  EVENT_ALLOW_HTTP: Type.Optional(Type.Boolean()),
  /**
   * Hosts a push endpoint may name although they are loopback, link-local or private addresses (comma-separated
   * host names or IP addresses), for receivers inside the network; every other such address is refused.
   */
  EVENT_ALLOWED_HOSTS: Type.String({ default: "", pattern: "^[A-Za-z0-9.:\\[\\]_-]*(,[A-Za-z0-9.:\\[\\]_-]+)*$" }),
  /**
   * Keys that encrypt the push-signing keys stored with applications: `kid:key` pairs, comma-separated, each key 32
   * bytes in base64. The first encrypts, every one decrypts (rotate like AUTH_SIGNING_KEYS). Outside production a
   * per-installation key is generated.
   */
  EVENT_SECRET_KEYS: Type.Optional(
    Type.String({ pattern: "^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/_-]{43}=?(,[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/_-]{43}=?)*$" }),
  ),
  /** SMTP server mail is sent through: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  SMTP_URL: Type.Optional(Type.String({ pattern: "^smtps?://" })),
  /** The From of every message. */
  MAIL_FROM: Type.String({ minLength: 3, default: "Tally <no-reply@tally.localhost>" }),
  /** Without SMTP_URL, outside production, messages are written here as .eml files. */
  MAIL_DIR: Type.String({ minLength: 1, default: "./data/mail" }),
  /** Send no mail at all (queued notifications stay queued); production without SMTP_URL must say so. */
  MAIL_DISABLED: Type.Boolean({ default: false }),
  /** Seconds a Magento SOAP session lives after its last call (Magento's own default is 3600). */
  MAGENTO_SOAP_SESSION_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 3_600 }),
  /** Serve the SOAP V2 WSDL in WS-I compliance mode (document/literal), as Magento's store-wide setting does. */
  MAGENTO_SOAP_WSI: Type.Boolean({ default: false }),
});

type RawConfig = Static<typeof ConfigSchema>;
export type Config = Readonly<
  Omit<RawConfig, "EMBEDDED_SEED_DEMO" | "DOCS_ENABLED" | "TOKEN_RATE_LIMIT_PER_MINUTE" | "EVENT_ALLOW_HTTP"> & {
    EMBEDDED_SEED_DEMO: boolean;
    DOCS_ENABLED: boolean;
    TOKEN_RATE_LIMIT_PER_MINUTE: number;
    EVENT_ALLOW_HTTP: boolean;
  }
>;

/** Thrown when the environment does not describe a valid configuration; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const knownKeys = Object.keys(ConfigSchema.properties) as (keyof RawConfig)[];
// Secrets are named, never echoed, when wrong: the message ends up in the process's logs.
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  "AUTH_SIGNING_KEYS",
  "SHOPPER_TOKEN_SECRET",
  "METRICS_TOKEN",
  "EVENT_SECRET_KEYS",
  "SMTP_URL",
  "REDIS_URL",
  "DATABASE_URL",
  "DATABASE_MIGRATE_URL",
]);

/**
 * A start-up failure the operator fixes on the machine or in the environment (a port another process holds, a data
 * directory in use): the server prints its message alone, without a stack trace.
 */
export class StartupError extends Error {
  override name = "StartupError";
}

type PortVariable = "PORT" | "METRICS_PORT" | "EMBEDDED_SOCKET_PORT";

const PORT_WAY_OUT: Record<PortVariable, string> = {
  PORT: "set PORT to a free port",
  METRICS_PORT: "set METRICS_PORT to a free port, or 0 to serve /metrics on PORT",
  EMBEDDED_SOCKET_PORT: "set EMBEDDED_SOCKET_PORT to a free port, or 0 to turn the socket off (command-line tools then cannot reach the running server's database)",
};

/** The one-line answer to EADDRINUSE on a port a variable chose, naming the variable and the ways out. */
export function portInUse(variable: PortVariable, host: string, port: number, cause: unknown): StartupError {
  return new StartupError(
    `${variable}=${port}: ${host}:${port} is already in use, probably by another Tally. Stop that process, or ${PORT_WAY_OUT[variable]}.`,
    { cause },
  );
}

/** Reads Tally's configuration from an environment object, applying defaults; throws ConfigError when invalid. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, unknown> = {};
  for (const key of knownKeys) {
    const value = env[key];
    // An empty variable means "not set", as in most twelve-factor tooling.
    if (value !== undefined && value !== "") input[key] = value;
  }
  // Taken before defaults are filled in (Value.Default writes into `input`): what the environment itself chose.
  const explicit = new Set(Object.keys(input));
  const withDefaults = Value.Default(ConfigSchema, input);
  const converted = Value.Convert(ConfigSchema, withDefaults) as Record<string, unknown>;
  // Convert truncates "80.7" to 80; an integer variable must be written as one, so the original stays to be refused.
  for (const key of knownKeys) {
    const raw = env[key];
    if (raw && isIntegerSetting(key) && !/^[+-]?\d+$/.test(raw.trim())) converted[key] = raw;
  }
  const problems = new Map<string, string>();
  for (const error of Value.Errors(ConfigSchema, converted)) {
    const key = error.instancePath.replace(/^\//, "") as keyof RawConfig;
    if (problems.has(key)) continue;
    const allowed = ConfigSchema.properties[key] as { enum?: readonly string[] };
    const hint = allowed.enum ? ` (one of ${allowed.enum.join(", ")})` : "";
    const shown = SECRET_VARIABLES.has(key) ? "[redacted]" : JSON.stringify(env[key] ?? "");
    problems.set(key, `${key}=${shown}: ${error.message}${hint}`);
  }
  const config = converted as RawConfig;
  for (const problem of crossFieldProblems(config, explicit)) problems.set(problem, problem);
  if (problems.size > 0) throw new ConfigError([...problems.values()]);
  return Object.freeze({
    ...config,
    EMBEDDED_DATA_DIR: resolveDataDir(config.EMBEDDED_DATA_DIR),
    // Demo data carries demo credentials, so production never loads it unless asked to.
    EMBEDDED_SEED_DEMO: config.EMBEDDED_SEED_DEMO ?? config.NODE_ENV !== "production",
    // Production hides the interactive docs unless asked: they map the whole API for anyone who can reach it.
    DOCS_ENABLED: config.DOCS_ENABLED ?? config.NODE_ENV !== "production",
    // Someone following the README's tour from a shell asks for a token per step; 10 a minute would stop them.
    TOKEN_RATE_LIMIT_PER_MINUTE: config.TOKEN_RATE_LIMIT_PER_MINUTE ?? (config.NODE_ENV === "production" ? 10 : 100),
    EVENT_ALLOW_HTTP: config.EVENT_ALLOW_HTTP ?? config.NODE_ENV !== "production",
    MAIL_DIR: path.resolve(config.MAIL_DIR),
  });
}

function isIntegerSetting(key: keyof RawConfig): boolean {
  return (ConfigSchema.properties[key] as { type?: unknown }).type === "integer";
}

const SHOPPER_KEY_SOURCES = ["SHOPPER_TOKEN_SECRET", "SHOPPER_TOKEN_PUBLIC_KEY_FILE", "SHOPPER_JWKS_FILE"] as const;

function crossFieldProblems(config: RawConfig, explicit: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const shopperSources = SHOPPER_KEY_SOURCES.filter((key) => config[key] !== undefined);
  if (shopperSources.length > 1) problems.push(`${shopperSources.join(" and ")}: set only one way to verify shopper tokens`);
  if (config.METRICS_PORT !== 0 && config.METRICS_PORT === config.PORT) problems.push("METRICS_PORT: must differ from PORT");
  if (config.EVENT_DELIVERY_LEASE_MS < 2 * config.EVENT_DELIVERY_TIMEOUT_MS) {
    problems.push("EVENT_DELIVERY_LEASE_MS: must be at least twice EVENT_DELIVERY_TIMEOUT_MS, or a slow delivery could be sent twice at once");
  }
  if (config.SMTP_URL && config.MAIL_DISABLED) problems.push("SMTP_URL and MAIL_DISABLED=true: choose one");
  if (config.NODE_ENV === "production") {
    if (!config.AUTH_SIGNING_KEYS) problems.push("AUTH_SIGNING_KEYS: required in production");
    if (!config.EVENT_SECRET_KEYS) problems.push("EVENT_SECRET_KEYS: required in production (they encrypt the keys push deliveries are signed with)");
    if (!config.SMTP_URL && !config.MAIL_DISABLED) {
      problems.push("SMTP_URL: required in production, or set MAIL_DISABLED=true to send no mail");
    }
    if (shopperSources.length === 0) problems.push(`${SHOPPER_KEY_SOURCES.join(" or ")}: one is required in production`);
    problems.push(...productionDatabaseProblems(config, explicit));
  }
  return problems;
}

/**
 * An embedded database inside a container is lost when the container is replaced and is one database per replica, so
 * production takes it only when chosen by name, and only on a directory given by name (the image's volume).
 */
function productionDatabaseProblems(config: RawConfig, explicit: ReadonlySet<string>): string[] {
  if (config.DATABASE_URL) {
    return config.EMBEDDED_DATABASE ? ["DATABASE_URL and EMBEDDED_DATABASE=true: choose one database"] : [];
  }
  if (!config.EMBEDDED_DATABASE) {
    return [
      "DATABASE_URL: required in production (or set EMBEDDED_DATABASE=true and EMBEDDED_DATA_DIR to a directory on a volume, for a single instance on the embedded database)",
    ];
  }
  if (!explicit.has("EMBEDDED_DATA_DIR") || config.EMBEDDED_DATA_DIR.startsWith("memory://")) {
    return [
      `EMBEDDED_DATA_DIR: with EMBEDDED_DATABASE=true in production, set it to a directory on a volume (the image's volume is /app/data), never memory://`,
    ];
  }
  return [];
}

function resolveDataDir(dir: string): string {
  return dir.startsWith("memory://") ? dir : path.resolve(dir);
}
