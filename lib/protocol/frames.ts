/**
 * The wire protocol of the stream sockets (`/ws/price/:symbol`, `/ws/stream`).
 *
 * Browser-safe: islands, the load generator and the server all import these
 * types. Every frame is one JSON text message with a `type`. Ticks carry a
 * per-symbol `seq` that strictly increases within an `epoch`; a client resumes
 * with `?since=<seq>&epoch=<epoch>` and receives exactly what it missed, or a
 * `reset` frame followed by the latest snapshot when that is no longer possible.
 *
 * Resume parameters: `/ws/price/:symbol?since=<seq>&epoch=<epoch>`, and on the
 * multiplexed route `/ws/stream?symbols=A,B&since=A:<seq>,B:<seq>&epoch=<epoch>`.
 * A symbol without a `since` gets the full history replay.
 *
 * Derived frames, only on request: `candles=<interval>` (one of
 * `CANDLE_INTERVALS`, one interval per socket) adds {@linkcode CandleFrame}s
 * for the socket's symbols — the bar in progress at most every 250 ms per
 * (symbol, interval), conflated, and each bar once with `closed: true` once
 * it is stored — and `trades=1` adds {@linkcode TradesFrame}s, one per symbol
 * per push cycle. Neither carries a `seq` nor is replayed; a client refetches
 * `GET /api/candles` after a reconnect. A bad value is a 400 before the
 * upgrade; a socket that asked for neither receives nothing extra.
 *
 * The market overview socket (`/ws/market`) follows every tracked symbol at
 * once, conflated: at most one {@linkcode MarketFrame} a second, after the
 * hello and status, plus every alert.
 */

import type { AnalyzedTick } from "./analyzed_tick.ts";
import type { CandleFrame } from "./candles.ts";
import type { PriceAlertDirection } from "./price_alerts.ts";
import type { TradesFrame } from "./trades.ts";

/** Volatility tier derived from the 24 h spread. */
export type VolatilityTier = "STABLE" | "ACTIVE" | "ELEVATED";

/** One tick as sent to clients: the original payload plus the new analytics. */
export interface TickFrame extends AnalyzedTick {
  readonly type: "tick";
  /** Per-symbol sequence number, strictly increasing within the epoch. */
  readonly seq: number;
  /** Server emit time, epoch ms. */
  readonly ts: number;
}

/** First frame on every socket: who we are and what the client joined. */
export interface HelloFrame {
  readonly type: "hello";
  /** Identifies this run of the hub's sequences; changes when seq restarts. */
  readonly epoch: string;
  readonly symbols: readonly string[];
  readonly server_time: number;
  /** Upstream is the project's simulator, not the exchange. */
  readonly simulated: boolean;
  /**
   * The instance serving this socket, when several serve one stream (shown
   * in the dashboard's network panel); absent for a single instance.
   */
  readonly instance?: string;
}

/** History replay for one symbol: tick frames, oldest first. */
export interface BatchFrame {
  readonly type: "batch";
  readonly symbol: string;
  readonly frames: readonly TickFrame[];
}

/** The client's resume point is gone: drop local history for `symbol`. */
export interface ResetFrame {
  readonly type: "reset";
  readonly symbol: string;
  readonly epoch: string;
  /** The newest seq the server has; the snapshot that follows carries it. */
  readonly seq: number;
  readonly reason: "epoch-changed" | "too-old" | "ahead";
}

/** Upstream state changed (online, stale, offline, simulated...). */
export interface StatusFrame {
  readonly type: "status";
  readonly upstream: "connecting" | "online" | "degraded" | "offline";
  readonly simulated: boolean;
  /** Epoch ms of the last good upstream data, or null if none yet. */
  readonly last_success: number | null;
  readonly detail?: string;
  /**
   * Which source feeds ticks: `ws`, `rest-fallback` (REST polling while the
   * WebSocket is down) or `rest`. A switch sends a new status frame.
   */
  readonly mode?: "ws" | "rest-fallback" | "rest";
}

/**
 * Sent to every socket at a fixed interval (default 15 s) even when upstream is
 * silent, so a client can tell a quiet market from a dead connection.
 */
export interface HeartbeatFrame {
  readonly type: "heartbeat";
  readonly server_time: number;
  /** Interval between heartbeats, ms: silence for ~2× this means dead. */
  readonly interval_ms: number;
}

/**
 * Kinds of alert the service raises. `price_level` comes from a price-level
 * alert a trader set (`POST /api/price-alerts`); `liquidation` is a forced
 * close of a perpetual position above the symbol's liquidation line.
 */
export type AlertKind =
  | "threshold_crossing"
  | "volume_spike"
  | "whale_trade"
  | "price_level"
  | "liquidation";

/** An alert, stored before it is pushed to every subscriber of its symbol. */
export interface AlertFrame {
  readonly type: "alert";
  /** Monotonic, lexicographically sortable id. */
  readonly id: string;
  /** ISO-8601 UTC time the alert was raised. */
  readonly time: string;
  readonly symbol: string;
  readonly kind: AlertKind;
  /** The last price (for `price_level`, the price that crossed the level). */
  readonly price: number;
  /**
   * The notional (USDT) that triggered the alert; for `price_level`, the last
   * price again (a level is a price, not an amount).
   */
  readonly notional: number;
  /** The threshold in force when it fired; for `price_level`, the level. */
  readonly threshold: number;
  /**
   * Taker side, for trade alerts; for `liquidation`, the liquidated
   * position's side (`Buy`: a long was liquidated).
   */
  readonly side?: "Buy" | "Sell";
  /** Which way the price crossed the level, for `price_level` alerts. */
  readonly direction?: PriceAlertDirection;
  /** Size in the base coin, for `liquidation` alerts. */
  readonly size?: number;
  readonly source: "rest" | "ws" | "simulator";
}

/** One symbol in a {@linkcode MarketFrame}. */
export interface MarketItem {
  readonly symbol: string;
  readonly price: number;
  /** 24 h change in percent. */
  readonly change: number;
  /** 24 h turnover in USDT. */
  readonly volume: number;
  /** Volatility spread, percent (4 decimals). */
  readonly spread: number;
  /** Price velocity, percent per second (6 decimals). */
  readonly velocity: number;
  readonly tier: VolatilityTier;
  readonly is_whale: boolean;
}

/**
 * The whole market at a glance, on `/ws/market`: at most one a second, with
 * every tracked symbol that changed since the socket's previous frame (its
 * first frame, and the first after it fell behind, hold all of them).
 */
export interface MarketFrame {
  readonly type: "market";
  /** Server time of the frame, epoch ms. */
  readonly ts: number;
  readonly items: readonly MarketItem[];
  /** Symbols no longer tracked (delisted) since the previous frame. */
  readonly removed?: readonly string[];
}

/** Every frame a client can receive. */
export type ServerFrame =
  | HelloFrame
  | TickFrame
  | BatchFrame
  | ResetFrame
  | StatusFrame
  | HeartbeatFrame
  | AlertFrame
  | MarketFrame
  | CandleFrame
  | TradesFrame;
