/**
 * Shared fakes for the candle tests: a plain bar to fill series and stores
 * with, overridable field by field.
 */
import type { Candle } from "../protocol/candles.ts";

/** A bar starting at `t` (open 1, high 2, low 1, close 2, volume 1 from trades). */
export function testBar(t: number, overrides: Partial<Candle> = {}): Candle {
  return {
    t,
    o: 1,
    h: 2,
    l: 1,
    c: 2,
    v: 1,
    turnover: 2,
    volume_source: "trades",
    ...overrides,
  };
}
