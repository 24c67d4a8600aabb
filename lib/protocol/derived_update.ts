/**
 * What the leader of a shared stream engine tells every other instance, on
 * the engine's derived channel, each push cycle (every 250 ms while anything
 * changed): the bars it stored, its bars in progress, the outages it
 * recorded and the tape's new trades — so every instance serves the same
 * candles, candle frames and trades frames without building anything
 * itself. JSON; numbers that may be -Infinity travel as null. An update is
 * split per symbol to stay under a store's value limit (64 KiB on Deno KV):
 * a symbol with more stored bars than one update should carry says which
 * span to read from the shared store instead.
 */
import type { Candle, Outage } from "./candles.ts";
import type { TapeTrade } from "./trades.ts";

/** The stored resolutions bars are kept at. */
export type DerivedResolution = "1s" | "1m" | "1h";

/** The leader's bars in progress of one symbol. */
export interface DerivedOpen {
  /** Open 1 s bars, oldest first. */
  readonly bars: readonly Candle[];
  /** Latest exchange time seen, epoch ms (null before any). */
  readonly watermark: number | null;
  /** End of the newest closed bar (null before any). */
  readonly closed_through: number | null;
  /** Bars ending at or before this are stored (null before any). */
  readonly durable: number | null;
}

/** One symbol's part of an update. */
export interface DerivedSymbol {
  /** Bars stored since the last update, by resolution, oldest first. */
  readonly bars?: Partial<Record<DerivedResolution, readonly Candle[]>>;
  /**
   * Bars stored since the last update that are too many to carry: the span
   * `[from, to]` (bar starts) to read from the store, by resolution.
   */
  readonly load?: Partial<
    Record<DerivedResolution, readonly [from: number, to: number]>
  >;
  /** The bars in progress, when they changed. */
  readonly open?: DerivedOpen;
  /** The tape's trades since the last update, oldest first. */
  readonly trades?: readonly TapeTrade[];
}

/** One entry of the derived channel. */
export interface DerivedUpdate {
  readonly type: "derived";
  /** Parts by channel id. */
  readonly symbols: Readonly<Record<string, DerivedSymbol>>;
  /** Outages written (or closed) since the last update. */
  readonly outages?: readonly Outage[];
  /**
   * Set on a new leader's first update: it read the store back this many ms
   * before building on (what the last leader stored but never told); every
   * follower reads the same span, so all instances hold the same bars.
   */
  readonly takeover_lookback_ms?: number;
}
