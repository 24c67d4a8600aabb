/**
 * Shared fakes for the candle tests: a plain bar to fill series and stores
 * with, overridable field by field, and a steady feed of ticks (and trades)
 * on a fake clock.
 */
import type { FakeClock } from "../clock/fake_clock.ts";
import type { Candle } from "../protocol/candles.ts";
import type { CandleService } from "./candle_service.ts";
import type { CandleHorizons } from "./candle_load.ts";
import type { CandleStore } from "./candle_store.ts";

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

/** Options of {@linkcode feedTicks}. */
export interface FeedOptions {
  /** Time the price and turnover count from (price 100 there). */
  readonly origin: number;
  /** The price rises 1 a second and starts over after this many. Default: never. */
  readonly priceCycle?: number;
  /** Also a trade of 2 each second, 10 ms before its ticker. Default false. */
  readonly trades?: boolean;
}

/**
 * BTC-USDT ticks every 200 ms from `from` for `ms`, the clock moved to each:
 * the price rises 1 a second, the 24 h turnover 1 a millisecond.
 */
export function feedTicks(
  service: CandleService,
  clock: FakeClock,
  from: number,
  ms: number,
  options: FeedOptions,
): void {
  const { origin, priceCycle = Infinity, trades = false } = options;
  for (let t = from; t < from + ms; t += 200) {
    clock.advance(t - clock.now());
    const price = 100 + Math.floor((t - origin) / 1_000) % priceCycle;
    service.observeTicks([{
      symbol: "BTC-USDT",
      price,
      volume: 1_000_000 + (t - origin),
      upstream_ts: t,
    }]);
    if (trades && t % 1_000 === 400) {
      service.observeTrades([{
        id: `T${t}`,
        symbol: "BTC-USDT",
        time: t - 10,
        side: "Buy",
        price,
        size: 2,
        notional: 2 * price,
      }]);
    }
  }
}

/**
 * `store`, with each read from the start of a window (`windows`, as of
 * `now`) to before `now` — the read of a book's older bars once it opened —
 * held until `release` is called; `held` names them (symbol and resolution).
 */
export function heldOlderReads<S extends CandleStore>(
  store: S,
  now: number,
  windows: CandleHorizons,
): { store: S; release: () => void; held: string[] } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const held: string[] = [];
  const load: CandleStore["load"] = async function* (
    symbol,
    resolution,
    from,
    before,
  ) {
    if (from === now - windows[resolution] && before !== now + 1) {
      held.push(`${symbol} ${resolution}`);
      await released;
    }
    yield* store.load(symbol, resolution, from, before);
  };
  const wrapped = new Proxy(store, {
    get: (target, key) => {
      if (key === "load") return load;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: wrapped, release, held };
}
