/**
 * Turns the raw environment into the typed {@linkcode ServiceConfig}, or a list
 * of problems, one per bad variable, that never echo a secret's value.
 */
import {
  DEFAULT_LIQUIDATION_THRESHOLDS,
  DEFAULT_SPIKE_THRESHOLDS,
  DEFAULT_TRADE_THRESHOLDS,
  DEFAULT_WHALE_THRESHOLDS,
  defaultSymbols,
  type Environment,
  environmentSchema,
  type LogLevel,
  SECRET_VARIABLES,
  type SocketLayerKind,
  SPOT_PATH_SUFFIX,
  type StreamEngineKind,
  type UpstreamMode,
} from "./config_schema.ts";
import { ALL_SYMBOLS } from "./env_fields.ts";
import { describeEnvIssues } from "./env_problems.ts";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../market/tracked_symbol.ts";

/**
 * One kind of alert line for every symbol, including symbols that appear
 * later (`SYMBOLS=all`): an override or built-in value by channel id, else
 * the variable's default.
 */
export interface ThresholdLine {
  /** Values by channel id (overrides win over built-in values). */
  readonly bySymbol: Readonly<Record<string, number>>;
  /** The line of any other symbol. */
  readonly fallback: number;
}

/** The line of `id` in `line`. */
export function lineFor(line: ThresholdLine, id: string): number {
  return line.bySymbol[id] ?? line.fallback;
}

/** Everything the service needs to run, derived from the environment. */
export interface ServiceConfig {
  readonly upstream: {
    /** `ws`: follow the public WebSocket, poll REST while it is down; `rest`: poll only. */
    readonly mode: UpstreamMode;
    /** Full URL of the V5 tickers endpoint; `?category=spot` is added. */
    readonly tickersUrl: string;
    /** Per-request (and WebSocket connect) timeout in milliseconds. */
    readonly timeoutMs: number;
    /** Pause between polls in milliseconds. */
    readonly pollIntervalMs: number;
    /** Bybit's public spot stream, e.g. `wss://stream.bybit.com/v5/public/spot`. */
    readonly wsUrl: string;
    /** WebSocket without data this long, ms: REST polling takes over. */
    readonly wsFallbackAfterMs: number;
    /** WebSocket without any message this long, ms: the socket is dead. */
    readonly wsSilenceTimeoutMs: number;
    /** Longest WebSocket frame parsed, bytes (characters); longer ones are bad. */
    readonly wsMaxFrameBytes: number;
    /** Bybit's public linear stream, e.g. `wss://stream.bybit.com/v5/public/linear`. */
    readonly wsLinearUrl: string;
    /**
     * A connection that answers pings but delivers no data on any of its
     * topics this long, ms, is replaced.
     */
    readonly wsDataSilenceMs: number;
    /** A ticker topic silent this long, ms, is resubscribed. */
    readonly wsTopicSilenceMs: number;
  };
  /** Markets followed (`MARKETS`). */
  readonly markets: readonly MarketCategory[];
  /**
   * The configured symbols. With {@linkcode ServiceConfig.followAll} these
   * are only what is followed until the exchange's listing is known.
   */
  readonly symbols: readonly TrackedSymbol[];
  /** `SYMBOLS=all`: follow every USDT instrument listed in the markets. */
  readonly followAll: boolean;
  /** The exchange's instrument listing, read with `SYMBOLS=all`. */
  readonly instruments: {
    /** Full URL of `/v5/market/instruments-info` (beside the tickers URL). */
    readonly url: string;
    /** Interval between two reads of the listing, ms. */
    readonly refreshMs: number;
    /** Most instruments accepted from one market's listing. */
    readonly maxPerMarket: number;
  };
  /** Whale threshold (USDT of 24 h turnover) for every configured symbol. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Every alert line, also for symbols that appear at runtime. */
  readonly lines: {
    readonly whale: ThresholdLine;
    readonly trade: ThresholdLine;
    readonly spike: ThresholdLine;
    readonly liquidation: ThresholdLine;
  };
  /** Alert rules and the retention of the alert trail. */
  readonly alerts: {
    /** Single-trade notional (USDT) for `whale_trade`, every tracked symbol. */
    readonly tradeThresholds: Readonly<Record<string, number>>;
    /** Notional (USDT) per spike window for `volume_spike`, every tracked symbol. */
    readonly spikeThresholds: Readonly<Record<string, number>>;
    /** One liquidation's notional (USDT) for `liquidation`, every perpetual. */
    readonly liquidationThresholds: Readonly<Record<string, number>>;
    /** Window of the volume-spike flow, ms. */
    readonly spikeWindowMs: number;
    /** Minimum time between alerts of one (symbol, kind), ms. */
    readonly cooldownMs: number;
    /** Re-arm margin below a line, as a fraction (0.02 = 2 %). */
    readonly hysteresis: number;
    /** Alerts older than this are deleted, ms. */
    readonly retentionMaxAgeMs: number;
    /** At most this many alerts are kept. */
    readonly retentionMaxCount: number;
  };
  readonly server: {
    readonly hostname: string;
    readonly port: number;
    /**
     * Longest time a request body may take to arrive, ms (then 408). The
     * `ws` layer also bounds a request head and an idle keep-alive
     * connection by it.
     */
    readonly bodyTimeoutMs: number;
    /** `SOCKET_LAYER`: what accepts connections and sends stream frames. */
    readonly socketLayer: SocketLayerKind;
  };
  readonly security: {
    /**
     * The service's public origin (`PUBLIC_ORIGIN`): when set it is the own
     * origin, and requests for another host are refused (DNS rebinding).
     * When absent the own origin comes from each request's `Host`.
     */
    readonly publicOrigin?: string;
    /** Exact origins allowed to open sockets besides the service's own. */
    readonly allowedOrigins: readonly string[];
    /** Whether a request without an Origin header (non-browser) may connect. */
    readonly allowMissingOrigin: boolean;
    /** Bearer token for admin writes; absent means writes are disabled. */
    readonly adminToken?: string;
    /**
     * Addresses and CIDR ranges of the reverse proxies whose forwarding
     * headers are believed (`TRUSTED_PROXIES`); empty unless `TRUST_PROXY`.
     */
    readonly trustedProxies: readonly string[];
    readonly maxSocketsPerIp: number;
    readonly apiRateLimitPerMinute: number;
    /** Socket handshakes per minute per client (`/ws/*`). */
    readonly handshakeRateLimitPerMinute: number;
    /** Rendered pages and `/metrics` per minute per client. */
    readonly pageRateLimitPerMinute: number;
  };
  /** Ticks kept per symbol for history replay and resume. */
  readonly historySize: number;
  /**
   * Characters of tick text every symbol's history may take together
   * (`HISTORY_MEMORY_MB`), shared equally: with a whole market each symbol
   * keeps fewer than `historySize`.
   */
  readonly historyChars: number;
  /** Candles: how long each stored resolution is kept, and the backfill. */
  readonly candles: {
    /** Horizon of the 1 s, 1 m and 1 h bars, ms. */
    readonly horizonsMs: {
      readonly "1s": number;
      readonly "1m": number;
      readonly "1h": number;
    };
    /** How far back missing bars are fetched at start, ms (0: never). */
    readonly backfillMs: number;
    /**
     * Memory every symbol's closed bars may take together, bytes: past it
     * only the newest part of each horizon stays in memory.
     */
    readonly memoryBytes: number;
  };
  readonly kvPath: string;
  readonly logLevel: LogLevel;
  /** Run ingestion in a Web Worker (true) or in the main isolate. */
  readonly ingestInWorker: boolean;
  /** What instances share: see `lib/engine/stream_engine.ts`. */
  readonly engine: {
    /** `STREAM_ENGINE`; `kv` by default on Deno Deploy, else `memory`. */
    readonly kind: StreamEngineKind;
    /** `REDIS_URL` (holds credentials: never log it unredacted). */
    readonly redisUrl?: string;
    /** Leader lease lifetime, ms. */
    readonly leaseMs: number;
    /** This instance's id in diagnostics and hello frames, if configured. */
    readonly instanceId?: string;
  };
  /** Listen with `reusePort` so several processes share the port (Linux). */
  readonly reusePort: boolean;
  /** A second listener on this instance's own port (diagnostics, tests). */
  readonly instancePort?: number;
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

/** A line: overrides win over built-in values; `fallback` for the rest. */
function line(
  overrides: Readonly<Record<string, number>>,
  builtIn: Readonly<Record<string, number>>,
  fallback: number,
): ThresholdLine {
  return { bySymbol: { ...builtIn, ...overrides }, fallback };
}

/** `line` for each of `symbols`. */
function perSymbol(
  symbols: readonly TrackedSymbol[],
  values: ThresholdLine,
): Record<string, number> {
  return Object.fromEntries(symbols.map((s) => [s.id, lineFor(values, s.id)]));
}

/** The linear stream beside the spot one: `/spot` becomes `/linear`. */
function linearUrl(env: Environment): string {
  if (env.BYBIT_WS_LINEAR_URL !== undefined) return env.BYBIT_WS_LINEAR_URL;
  const spot = env.BYBIT_WS_URL;
  return spot.endsWith(SPOT_PATH_SUFFIX)
    ? `${spot.slice(0, -SPOT_PATH_SUFFIX.length)}/linear`
    : spot;
}

function toServiceConfig(env: Environment): ServiceConfig {
  const followAll = env.SYMBOLS === ALL_SYMBOLS;
  const symbols = env.SYMBOLS === undefined || env.SYMBOLS === ALL_SYMBOLS
    ? defaultSymbols(env.MARKETS)
    : env.SYMBOLS;
  const lines = {
    whale: line(
      env.WHALE_THRESHOLDS,
      DEFAULT_WHALE_THRESHOLDS,
      env.WHALE_THRESHOLD_DEFAULT,
    ),
    trade: line(
      env.TRADE_THRESHOLDS,
      DEFAULT_TRADE_THRESHOLDS,
      env.TRADE_THRESHOLD_DEFAULT,
    ),
    spike: line(
      env.SPIKE_THRESHOLDS,
      DEFAULT_SPIKE_THRESHOLDS,
      env.SPIKE_THRESHOLD_DEFAULT,
    ),
    liquidation: line(
      env.LIQUIDATION_THRESHOLDS,
      DEFAULT_LIQUIDATION_THRESHOLDS,
      env.LIQUIDATION_THRESHOLD_DEFAULT,
    ),
  };
  return {
    upstream: {
      mode: env.INGEST_MODE,
      tickersUrl: env.BYBIT_API_URL,
      timeoutMs: Math.round(env.CONNECTION_TIMEOUT_SECONDS * 1000),
      pollIntervalMs: Math.round(env.STREAM_HEARTBEAT_DELAY * 1000),
      wsUrl: env.BYBIT_WS_URL,
      wsFallbackAfterMs: Math.round(env.WS_FALLBACK_AFTER_SECONDS * 1000),
      wsSilenceTimeoutMs: Math.round(env.WS_SILENCE_TIMEOUT_SECONDS * 1000),
      wsMaxFrameBytes: env.BYBIT_WS_MAX_FRAME_BYTES,
      wsLinearUrl: linearUrl(env),
      wsDataSilenceMs: Math.round(env.WS_DATA_SILENCE_SECONDS * 1000),
      wsTopicSilenceMs: Math.round(env.WS_TOPIC_SILENCE_SECONDS * 1000),
    },
    markets: env.MARKETS,
    symbols,
    followAll,
    instruments: {
      url: new URL("instruments-info", env.BYBIT_API_URL).href,
      refreshMs: Math.round(env.INSTRUMENTS_REFRESH_SECONDS * 1000),
      maxPerMarket: env.INSTRUMENTS_MAX,
    },
    thresholds: perSymbol(symbols, lines.whale),
    lines,
    alerts: {
      tradeThresholds: perSymbol(symbols, lines.trade),
      spikeThresholds: perSymbol(symbols, lines.spike),
      liquidationThresholds: perSymbol(
        symbols.filter((s) => s.category === "linear"),
        lines.liquidation,
      ),
      spikeWindowMs: Math.max(1, Math.round(env.SPIKE_WINDOW_SECONDS * 1000)),
      cooldownMs: Math.round(env.ALERT_COOLDOWN_SECONDS * 1000),
      hysteresis: env.ALERT_HYSTERESIS_PERCENT / 100,
      retentionMaxAgeMs: Math.round(env.ALERT_RETENTION_DAYS * 86_400_000),
      retentionMaxCount: env.ALERT_RETENTION_COUNT,
    },
    server: {
      hostname: env.HOSTNAME,
      port: env.PORT,
      bodyTimeoutMs: Math.round(env.HTTP_BODY_TIMEOUT_SECONDS * 1000),
      socketLayer: env.SOCKET_LAYER,
    },
    security: {
      publicOrigin: env.PUBLIC_ORIGIN,
      allowedOrigins: [env.ALLOWED_ORIGIN_PRIMARY, env.ALLOWED_ORIGIN_SECONDARY]
        .filter((o): o is string => o !== undefined),
      allowMissingOrigin: env.ALLOW_MISSING_ORIGIN,
      adminToken: env.ADMIN_TOKEN,
      trustedProxies: env.TRUSTED_PROXIES,
      maxSocketsPerIp: env.MAX_SOCKETS_PER_IP,
      apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      handshakeRateLimitPerMinute: env.HANDSHAKE_RATE_LIMIT_PER_MINUTE,
      pageRateLimitPerMinute: env.PAGE_RATE_LIMIT_PER_MINUTE,
    },
    historySize: env.HISTORY_SIZE,
    historyChars: env.HISTORY_MEMORY_MB * 1_048_576,
    candles: {
      horizonsMs: {
        "1s": Math.round(env.CANDLES_1S_HOURS * 3_600_000),
        "1m": Math.round(env.CANDLES_1M_DAYS * 86_400_000),
        "1h": Math.round(env.CANDLES_1H_DAYS * 86_400_000),
      },
      backfillMs: Math.round(env.CANDLES_BACKFILL_HOURS * 3_600_000),
      memoryBytes: env.CANDLES_MEMORY_MB * 1_048_576,
    },
    kvPath: env.KV_PATH,
    logLevel: env.LOG_LEVEL,
    ingestInWorker: env.INGEST_IN_WORKER,
    engine: {
      kind: env.STREAM_ENGINE ??
        (env.DENO_DEPLOYMENT_ID !== undefined ? "kv" : "memory"),
      redisUrl: env.REDIS_URL,
      leaseMs: Math.round(env.LEADER_LEASE_SECONDS * 1000),
      instanceId: env.INSTANCE_ID,
    },
    reusePort: env.REUSE_PORT,
    instancePort: env.INSTANCE_PORT,
  };
}
