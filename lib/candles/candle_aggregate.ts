/**
 * Folding bars into a longer bar: open of the first, close of the last,
 * extremes and sums over all. Pure; used when a 1 m bar closes (from its
 * 1 s bars), when a 1 h bar closes (from its 1 m bars), and when the API
 * answers an interval longer than the stored resolution.
 */
import type { Candle } from "../protocol/candles.ts";

/**
 * The bar starting at `t` made of `parts` (oldest first, at least one). Its
 * volume is measured from trades only if every part's was: one estimated
 * part makes the whole an estimate. Parts without a source (backfilled from
 * the exchange's own klines) count as measured.
 */
export function aggregateCandles(parts: readonly Candle[], t: number): Candle {
  if (parts.length === 0) {
    throw new RangeError("parts must hold at least one bar");
  }
  let h = -Infinity;
  let l = Infinity;
  let v = 0;
  let turnover = 0;
  let estimated = false;
  for (const part of parts) {
    if (part.h > h) h = part.h;
    if (part.l < l) l = part.l;
    v += part.v;
    turnover += part.turnover;
    estimated ||= part.volume_source === "turnover";
  }
  return {
    t,
    o: parts[0].o,
    h,
    l,
    c: parts[parts.length - 1].c,
    v,
    turnover,
    volume_source: estimated ? "turnover" : "trades",
  };
}

/**
 * Groups `bars` (oldest first) into bars of `intervalMs` aligned to the
 * epoch; intervals without a part have no bar (a gap stays a gap).
 */
export function groupCandles(
  bars: Iterable<Candle>,
  intervalMs: number,
): Candle[] {
  const out: Candle[] = [];
  let slot: number | undefined;
  let parts: Candle[] = [];
  for (const bar of bars) {
    const start = Math.floor(bar.t / intervalMs) * intervalMs;
    if (start !== slot) {
      if (slot !== undefined) out.push(aggregateCandles(parts, slot));
      slot = start;
      parts = [];
    }
    parts.push(bar);
  }
  if (slot !== undefined) out.push(aggregateCandles(parts, slot));
  return out;
}
