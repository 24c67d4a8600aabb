/**
 * The service's configuration, validated with zod from environment variables.
 *
 * Every variable is parsed from its string form here and nowhere else, so the
 * rest of the code receives typed, range-checked values. Defaults follow the
 * original system (1 s polling, 10 s timeout, the four tracked pairs).
 * `SYMBOLS=all` follows every USDT instrument the exchange lists in the
 * configured `MARKETS`.
 */
import { z } from "zod";
import {
  categoryOfId,
  type MarketCategory,
  PERP_SUFFIX,
  type TrackedSymbol,
} from "../market/tracked_symbol.ts";
import {
  ALL_SYMBOLS,
  booleanFlag,
  emptyAsUndefined,
  exactOrigin,
  ipRangeList,
  marketList,
  nonNegativeNumber,
  numberInRange,
  oneOf,
  optionalPort,
  percentBelow100,
  positiveInteger,
  positiveNumber,
  redisUrl,
  symbolList,
  thresholdMap,
  urlWithScheme,
} from "./env_fields.ts";

/**
 * Whale thresholds in USDT of 24 h turnover: the original system's for the
 * spot pairs; perpetuals trade several times the spot turnover, so their
 * lines sit that much higher.
 */
export const DEFAULT_WHALE_THRESHOLDS: Readonly<Record<string, number>> = {
  "BTC-USDT": 50_000_000,
  "ETH-USDT": 20_000_000,
  "SOL-USDT": 5_000_000,
  "BTC-USDT-PERP": 150_000_000,
  "ETH-USDT-PERP": 60_000_000,
  "SOL-USDT-PERP": 15_000_000,
};

/** The spot pairs followed when `SYMBOLS` is unset: the original four. */
export const DEFAULT_SPOT_SYMBOLS = [
  "BTC-USDT",
  "ETH-USDT",
  "SOL-USDT",
  "1000SATS-USDT",
] as const;

/** The perpetuals followed when `SYMBOLS` is unset and `MARKETS` has linear. */
export const DEFAULT_PERP_SYMBOLS = [
  "BTC-USDT-PERP",
  "ETH-USDT-PERP",
  "SOL-USDT-PERP",
] as const;

/**
 * Liquidation notional (USDT) that raises a `liquidation` alert: one forced
 * close of about this size on the majors is news; smaller ones happen every
 * minute.
 */
export const DEFAULT_LIQUIDATION_THRESHOLDS: Readonly<Record<string, number>> =
  {
    "BTC-USDT-PERP": 1_000_000,
    "ETH-USDT-PERP": 500_000,
    "SOL-USDT-PERP": 250_000,
  };

/**
 * How market data is ingested: `ws` follows Bybit's public WebSocket (REST
 * polling takes over while it is down), `rest` only polls.
 */
export const UPSTREAM_MODES = ["ws", "rest"] as const;
/** A value of `INGEST_MODE`. */
export type UpstreamMode = typeof UPSTREAM_MODES[number];

/**
 * Single-trade notional (USDT) that raises a `whale_trade` alert. Set near
 * the bottom of the simulator's whale-trade ranges, so a demo sees about one
 * a minute across the pairs while ordinary trades (a few thousand USDT) never
 * reach them.
 */
export const DEFAULT_TRADE_THRESHOLDS: Readonly<Record<string, number>> = {
  "BTC-USDT": 250_000,
  "ETH-USDT": 100_000,
  "SOL-USDT": 50_000,
  "BTC-USDT-PERP": 500_000,
  "ETH-USDT-PERP": 200_000,
  "SOL-USDT-PERP": 100_000,
};

/**
 * Notional (USDT) traded within the spike window that raises a
 * `volume_spike` alert: roughly three to four times a normal minute of
 * flow, which on the simulator is a few spikes per pair per hour.
 */
export const DEFAULT_SPIKE_THRESHOLDS: Readonly<Record<string, number>> = {
  "BTC-USDT": 4_000_000,
  "ETH-USDT": 1_500_000,
  "SOL-USDT": 400_000,
  "BTC-USDT-PERP": 12_000_000,
  "ETH-USDT-PERP": 4_500_000,
  "SOL-USDT-PERP": 1_200_000,
};

/**
 * What instances share (see `lib/engine/`): `memory` is one process, `redis`
 * several processes or hosts on one Redis, `kv` the isolates of Deno Deploy.
 */
export const STREAM_ENGINES = ["memory", "redis", "kv"] as const;
/**
 * Values of `SOCKET_LAYER`: `ws` serves over `node:http` with `npm:ws`
 * sending (each frame built once per broadcast), `deno` over `Deno.serve`
 * with `Deno.upgradeWebSocket`.
 */
export const SOCKET_LAYERS = ["ws", "deno"] as const;
/** A value of `SOCKET_LAYER`. */
export type SocketLayerKind = typeof SOCKET_LAYERS[number];
/** A value of `STREAM_ENGINE`. */
export type StreamEngineKind = typeof STREAM_ENGINES[number];

/**
 * Most instruments read from one market's listing (`INSTRUMENTS_MAX`): Bybit
 * lists several hundred per market; a listing past the cap is refused (the
 * previous one stays in force) rather than followed, so a broken or hostile
 * listing cannot open tens of thousands of streams.
 */
export const DEFAULT_INSTRUMENTS_MAX = 2_000;

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** Severity names accepted by `LOG_LEVEL`, quietest last. */
export type LogLevel = typeof LOG_LEVELS[number];

/** The zod schema for the whole environment; keys are the variable names. */
export const environmentSchema = z.object({
  BYBIT_API_URL: urlWithScheme(
    "https://api.bybit.com/v5/market/tickers",
    ["http:", "https:"],
    "an http(s) URL",
  ),
  CONNECTION_TIMEOUT_SECONDS: positiveNumber(
    10,
    "a positive number of seconds",
  ),
  STREAM_HEARTBEAT_DELAY: positiveNumber(1, "a positive number of seconds"),
  INGEST_MODE: z.preprocess(
    (v) => typeof v === "string" ? emptyAsUndefined(v.toLowerCase()) : v,
    z.enum(UPSTREAM_MODES, { error: "expected ws or rest" }).default("ws"),
  ),
  BYBIT_WS_URL: urlWithScheme(
    "wss://stream.bybit.com/v5/public/spot",
    ["ws:", "wss:"],
    "a ws(s) URL",
  ),
  WS_FALLBACK_AFTER_SECONDS: positiveNumber(5, "a positive number of seconds"),
  // At most the runtime's own cap: it drops the connection past 64 MiB.
  BYBIT_WS_MAX_FRAME_BYTES: positiveInteger(1 << 20, 64 << 20),
  BYBIT_WS_LINEAR_URL: z.preprocess(
    emptyAsUndefined,
    z.string().refine((value) => {
      try {
        return ["ws:", "wss:"].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, { error: "expected a ws(s) URL" }).optional(),
  ),
  WS_SILENCE_TIMEOUT_SECONDS: positiveNumber(
    30,
    "a positive number of seconds",
  ),
  PUBLIC_ORIGIN: exactOrigin,
  WS_DATA_SILENCE_SECONDS: positiveNumber(30, "a positive number of seconds"),
  WS_TOPIC_SILENCE_SECONDS: positiveNumber(
    300,
    "a positive number of seconds",
  ),
  MARKETS: marketList,
  INSTRUMENTS_REFRESH_SECONDS: positiveNumber(
    3600,
    "a positive number of seconds",
  ),
  INSTRUMENTS_MAX: positiveInteger(DEFAULT_INSTRUMENTS_MAX, 100_000),
  ALLOWED_ORIGIN_PRIMARY: exactOrigin,
  ALLOWED_ORIGIN_SECONDARY: exactOrigin,
  ALLOW_MISSING_ORIGIN: booleanFlag(true),
  SYMBOLS: symbolList,
  WHALE_THRESHOLDS: thresholdMap,
  WHALE_THRESHOLD_DEFAULT: positiveNumber(
    1_000_000,
    "a positive amount in USDT",
  ),
  TRADE_THRESHOLDS: thresholdMap,
  TRADE_THRESHOLD_DEFAULT: positiveNumber(
    25_000,
    "a positive amount in USDT",
  ),
  SPIKE_THRESHOLDS: thresholdMap,
  SPIKE_THRESHOLD_DEFAULT: positiveNumber(
    80_000,
    "a positive amount in USDT",
  ),
  LIQUIDATION_THRESHOLDS: thresholdMap,
  LIQUIDATION_THRESHOLD_DEFAULT: positiveNumber(
    100_000,
    "a positive amount in USDT",
  ),
  SPIKE_WINDOW_SECONDS: positiveNumber(60, "a positive number of seconds"),
  ALERT_COOLDOWN_SECONDS: nonNegativeNumber(
    30,
    "a number of seconds, 0 or more",
  ),
  ALERT_HYSTERESIS_PERCENT: percentBelow100(2),
  ALERT_RETENTION_DAYS: positiveNumber(30, "a positive number of days"),
  ALERT_RETENTION_COUNT: positiveInteger(100_000, 10_000_000),
  PORT: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: "expected a port from 0 to 65535" }).int({
      error: "expected a port from 0 to 65535",
    }).min(0, { error: "expected a port from 0 to 65535" }).max(65535, {
      error: "expected a port from 0 to 65535",
    }).default(8000),
  ),
  HTTP_BODY_TIMEOUT_SECONDS: positiveNumber(
    10,
    "a positive number of seconds",
  ),
  SOCKET_LAYER: oneOf(SOCKET_LAYERS, "ws"),
  HOSTNAME: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^[A-Za-z0-9.:\-\[\]]+$/, {
      error: "expected a host name or IP address",
    }).default("127.0.0.1"),
  ),
  ADMIN_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, {
      error: "expected at least 16 characters (value not shown)",
    }).regex(/^\S+$/, {
      // A header value cannot carry it intact, so it could never match.
      error: "must not contain whitespace (value not shown)",
    }).optional(),
  ),
  TRUST_PROXY: booleanFlag(false),
  TRUSTED_PROXIES: ipRangeList,
  MAX_SOCKETS_PER_IP: positiveInteger(5, 1_000_000),
  API_RATE_LIMIT_PER_MINUTE: positiveInteger(120, 1_000_000),
  HANDSHAKE_RATE_LIMIT_PER_MINUTE: positiveInteger(60, 1_000_000),
  PAGE_RATE_LIMIT_PER_MINUTE: positiveInteger(60, 1_000_000),
  HISTORY_SIZE: positiveInteger(300, 10_000),
  HISTORY_MEMORY_MB: positiveInteger(64, 1_048_576),
  CANDLES_1S_HOURS: numberInRange(2, { min: 0, max: 24 }),
  CANDLES_1M_DAYS: numberInRange(7, { min: 0, max: 90 }),
  CANDLES_1H_DAYS: numberInRange(365, { min: 0, max: 1_825 }),
  CANDLES_BACKFILL_HOURS: numberInRange(24, {
    min: 0,
    max: 43_800,
    minInclusive: true,
  }),
  CANDLES_MEMORY_MB: positiveInteger(128, 1_048_576),
  KV_PATH: z.preprocess(
    emptyAsUndefined,
    z.string().default("./data/sentinel.kv"),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => typeof v === "string" ? emptyAsUndefined(v.toLowerCase()) : v,
    z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(", ")}` })
      .default("info"),
  ),
  INGEST_IN_WORKER: booleanFlag(true),
  STREAM_ENGINE: z.preprocess(
    (v) => typeof v === "string" ? emptyAsUndefined(v.toLowerCase()) : v,
    z.enum(STREAM_ENGINES, {
      error: `expected one of ${STREAM_ENGINES.join(", ")}`,
    }).optional(),
  ),
  REDIS_URL: redisUrl,
  LEADER_LEASE_SECONDS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: "expected a number of seconds from 1 to 300" })
      .refine((n) => Number.isFinite(n) && n >= 1 && n <= 300, {
        error: "expected a number of seconds from 1 to 300",
      }).default(5),
  ),
  REUSE_PORT: booleanFlag(false),
  INSTANCE_PORT: optionalPort,
  INSTANCE_ID: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, {
      error: "expected 1 to 64 letters, digits, dots, dashes or underscores",
    }).optional(),
  ),
  DENO_DEPLOYMENT_ID: z.string().optional(),
}).superRefine((env, ctx) => {
  if (env.STREAM_ENGINE === "redis" && env.REDIS_URL === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["REDIS_URL"],
      message: "required when STREAM_ENGINE=redis",
    });
  }
  // Trusting forwarding headers from any peer lets every client pick its
  // own address; trusting a list that is switched off is a silent mistake.
  if (env.TRUST_PROXY && env.TRUSTED_PROXIES.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["TRUST_PROXY"],
      message:
        "true needs TRUSTED_PROXIES (the addresses or CIDR ranges of your reverse proxies)",
    });
  }
  if (!env.TRUST_PROXY && env.TRUSTED_PROXIES.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["TRUSTED_PROXIES"],
      message: "TRUSTED_PROXIES is set but TRUST_PROXY is not true",
    });
  }
  if (
    env.MARKETS.includes("linear") && env.BYBIT_WS_LINEAR_URL === undefined &&
    !env.BYBIT_WS_URL.endsWith(SPOT_PATH_SUFFIX)
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["BYBIT_WS_LINEAR_URL"],
      message:
        "expected a ws(s) URL: it cannot be derived from a BYBIT_WS_URL that does not end in /spot",
    });
  }
  const symbols = env.SYMBOLS;
  if (symbols === ALL_SYMBOLS) return;
  if (symbols !== undefined) {
    for (const symbol of symbols) {
      if (env.MARKETS.includes(symbol.category)) continue;
      ctx.addIssue({
        code: "custom",
        path: ["SYMBOLS"],
        message:
          `${symbol.id} is a ${symbol.category} market, not in MARKETS (${
            env.MARKETS.join(",")
          })`,
      });
    }
  }
  // A per-symbol override naming a symbol that is not tracked is a typo the
  // service would otherwise ignore silently. With SYMBOLS=all the listing is
  // not known yet: overrides apply when their symbol appears.
  const tracked = new Set(
    (symbols ?? defaultSymbols(env.MARKETS)).map((s) => s.id),
  );
  for (
    const name of [
      "WHALE_THRESHOLDS",
      "TRADE_THRESHOLDS",
      "SPIKE_THRESHOLDS",
      "LIQUIDATION_THRESHOLDS",
    ] as const
  ) {
    for (const id of Object.keys(env[name])) {
      if (tracked.has(id)) continue;
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `${id} is not a tracked symbol (SYMBOLS: ${
          [...tracked].join(", ")
        })`,
      });
    }
  }
});

/** The end of the spot stream's path, replaced by `/linear` for perpetuals. */
export const SPOT_PATH_SUFFIX = "/spot";

/**
 * The symbols followed when `SYMBOLS` is unset: the four spot pairs, and with
 * `linear` the three major perpetuals.
 */
export function defaultSymbols(
  markets: readonly MarketCategory[],
): TrackedSymbol[] {
  const ids = [
    ...(markets.includes("spot") ? DEFAULT_SPOT_SYMBOLS : []),
    ...(markets.includes("linear") ? DEFAULT_PERP_SYMBOLS : []),
  ];
  return ids.map((id) => {
    const category = categoryOfId(id);
    const bare = category === "linear" ? id.slice(0, -PERP_SUFFIX.length) : id;
    return { id, upstream: bare.replaceAll("-", ""), category };
  });
}

/** Names of the variables that hold secrets: never echoed back in errors. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  "ADMIN_TOKEN",
  "REDIS_URL",
]);

/** The environment as parsed by {@linkcode environmentSchema}. */
export type Environment = z.infer<typeof environmentSchema>;
