/**
 * Turns the raw environment into the typed {@linkcode ServiceConfig}, or a list
 * of problems, one per bad variable, that never echo a secret's value.
 */
import {
  DEFAULT_WHALE_THRESHOLDS,
  type Environment,
  environmentSchema,
  type LogLevel,
  SECRET_VARIABLES,
  type TrackedSymbol,
} from "./config_schema.ts";
import { describeEnvIssues } from "./env_problems.ts";

/** Everything the service needs to run, derived from the environment. */
export interface ServiceConfig {
  readonly upstream: {
    /** Full URL of the V5 tickers endpoint; `?category=spot` is added. */
    readonly tickersUrl: string;
    /** Per-request timeout in milliseconds. */
    readonly timeoutMs: number;
    /** Pause between polls in milliseconds. */
    readonly pollIntervalMs: number;
  };
  readonly symbols: readonly TrackedSymbol[];
  /** Whale threshold (USDT of 24 h turnover) for every tracked symbol. */
  readonly thresholds: Readonly<Record<string, number>>;
  readonly server: { readonly hostname: string; readonly port: number };
  readonly security: {
    /** Exact origins allowed to open sockets besides the service's own. */
    readonly allowedOrigins: readonly string[];
    /** Whether a request without an Origin header (non-browser) may connect. */
    readonly allowMissingOrigin: boolean;
    /** Bearer token for admin writes; absent means writes are disabled. */
    readonly adminToken?: string;
    readonly trustProxy: boolean;
    readonly maxSocketsPerIp: number;
    readonly apiRateLimitPerMinute: number;
  };
  /** Ticks kept per symbol for history replay and resume. */
  readonly historySize: number;
  readonly kvPath: string;
  readonly logLevel: LogLevel;
  /** Run ingestion in a Web Worker (true) or in the main isolate. */
  readonly ingestInWorker: boolean;
}

/** Result of {@linkcode loadConfig}: a config, or one message per bad variable. */
export type ConfigResult =
  | { ok: true; config: ServiceConfig }
  | { ok: false; problems: string[] };

/**
 * Validates `env` (a plain record of variable → string) and builds the config.
 * Problems read `NAME: what is wrong (got "value")`; secrets are never quoted.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
): ConfigResult {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: describeEnvIssues(parsed.error.issues, env, SECRET_VARIABLES),
    };
  }
  return { ok: true, config: toServiceConfig(parsed.data) };
}

function toServiceConfig(env: Environment): ServiceConfig {
  const thresholds: Record<string, number> = {};
  for (const symbol of env.SYMBOLS) {
    thresholds[symbol.id] = env.WHALE_THRESHOLDS[symbol.id] ??
      DEFAULT_WHALE_THRESHOLDS[symbol.id] ?? env.WHALE_THRESHOLD_DEFAULT;
  }
  return {
    upstream: {
      tickersUrl: env.BYBIT_API_URL,
      timeoutMs: Math.round(env.CONNECTION_TIMEOUT_SECONDS * 1000),
      pollIntervalMs: Math.round(env.STREAM_HEARTBEAT_DELAY * 1000),
    },
    symbols: env.SYMBOLS,
    thresholds,
    server: { hostname: env.HOSTNAME, port: env.PORT },
    security: {
      allowedOrigins: [env.ALLOWED_ORIGIN_PRIMARY, env.ALLOWED_ORIGIN_SECONDARY]
        .filter((o): o is string => o !== undefined),
      allowMissingOrigin: env.ALLOW_MISSING_ORIGIN,
      adminToken: env.ADMIN_TOKEN,
      trustProxy: env.TRUST_PROXY,
      maxSocketsPerIp: env.MAX_SOCKETS_PER_IP,
      apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    },
    historySize: env.HISTORY_SIZE,
    kvPath: env.KV_PATH,
    logLevel: env.LOG_LEVEL,
    ingestInWorker: env.INGEST_IN_WORKER,
  };
}
