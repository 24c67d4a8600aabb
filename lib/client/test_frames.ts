/**
 * Builders of wire frames for the client tests: realistic defaults, override
 * what the test is about.
 */
import type { AlertFrame, TickFrame } from "../protocol/frames.ts";

/** A tick frame for `symbol` with sequence `seq`. */
export function tickFrame(
  symbol: string,
  seq: number,
  overrides: Partial<TickFrame> = {},
): TickFrame {
  return {
    type: "tick",
    symbol,
    seq,
    ts: 1_700_000_000_000 + seq * 1_000,
    price: 100 + seq,
    high: 200,
    low: 50,
    volume: 1_000_000,
    change: 1.5,
    spread: 300,
    is_whale: false,
    whale_alert: false,
    whale_threshold: 5_000_000,
    tier: "ELEVATED",
    range_position: 40,
    velocity: 0.01,
    upstream_ts: 1_700_000_000_000 + seq * 1_000,
    source: "simulator",
    ...overrides,
  };
}

/** An alert frame with a sortable id from `n`. */
export function alertFrame(
  n: number,
  overrides: Partial<AlertFrame> = {},
): AlertFrame {
  return {
    type: "alert",
    id: `a${String(n).padStart(6, "0")}`,
    time: new Date(1_700_000_000_000 + n * 1_000).toISOString(),
    symbol: "BTC-USDT",
    kind: "threshold_crossing",
    price: 60_000,
    notional: 20_000_000,
    threshold: 10_000_000,
    source: "simulator",
    ...overrides,
  };
}
