/**
 * Candles and the trades tape across instances (see
 * `protocol/derived_update.ts`). The leader collects what its candle service
 * stored (bars, outages) and, each push cycle, publishes one update: those,
 * its bars in progress where they changed, and the tape's new trades. Every
 * other instance applies the updates in order to its mirror and tape and
 * runs its own push cycle at once, so its sockets get the same candle and
 * trades frames a moment after the leader's, and its API the same candles.
 */
import { STORED_RESOLUTIONS } from "../candles/candle_intervals.ts";
import type { CandleService } from "../candles/candle_service.ts";
import type { StoredBar } from "../candles/candle_store.ts";
import type { Outage } from "../protocol/candles.ts";
import type {
  DerivedOpen,
  DerivedSymbol,
  DerivedUpdate,
} from "../protocol/derived_update.ts";
import type { TapeTrade } from "../protocol/trades.ts";
import type { TradeTape } from "../tape/trade_tape.ts";

/** Options of {@linkcode DerivedSync}. */
export interface DerivedSyncOptions {
  readonly candles: CandleService;
  readonly tape: TradeTape;
  /** Publishes entries of the derived channel (the leader's link). */
  readonly publish: (items: readonly string[]) => void;
  /** Called after each update was applied (a follower's push cycle). */
  readonly onApplied?: () => void;
  /** Told about an update that could not be applied. */
  readonly onError?: (error: unknown) => void;
  /** Most bytes of one published entry. Default 48 000 (KV allows 64 KiB). */
  readonly maxEntryBytes?: number;
  /**
   * Most stored bars of one symbol and resolution an update carries; more
   * are read from the store by the followers. Default 200.
   */
  readonly maxInlineBars?: number;
}

/**
 * How far back a new leader reads the store before it builds on, and every
 * follower after it, ms: bars the last leader stored but never told of.
 */
export const TAKEOVER_LOOKBACK_MS = 60_000;

/** Most closed, not yet stored seconds of a symbol sent as in progress. */
const MAX_UNSTORED = 20;

/** The leader's publishing and the followers' applying of derived data. */
export class DerivedSync {
  #options: DerivedSyncOptions;
  #bars = new Map<string, StoredBar[]>();
  #outages: Outage[] = [];
  /** Per symbol, the open state last published (JSON). */
  #sentOpen = new Map<string, string>();
  /** This instance took over and has not said so yet. */
  #tookOver = false;
  #applying: Promise<void> = Promise.resolve();

  /** See {@linkcode DerivedSyncOptions}. */
  constructor(options: DerivedSyncOptions) {
    this.#options = options;
  }

  /** What the candle service stored (leader): goes out with the next update. */
  stored(stored: {
    readonly bars?: readonly StoredBar[];
    readonly outage?: Outage;
  }): void {
    for (const bar of stored.bars ?? []) {
      let list = this.#bars.get(bar.symbol);
      if (!list) this.#bars.set(bar.symbol, list = []);
      list.push(bar);
    }
    if (stored.outage) this.#outages.push(stored.outage);
  }

  /** Forgets what was collected and sent (the role changed). */
  reset(): void {
    this.#bars.clear();
    this.#outages = [];
    this.#sentOpen.clear();
    this.#tookOver = false;
  }

  /**
   * This instance leads now, after reading the store back
   * {@linkcode TAKEOVER_LOOKBACK_MS}: its next update tells the followers to
   * do the same.
   */
  tookOver(): void {
    this.#tookOver = true;
  }

  /**
   * One push cycle of the leader: publishes what changed since the last
   * one, with `trades` the tape took; nothing when nothing changed.
   */
  publish(trades: ReadonlyMap<string, readonly TapeTrade[]>): void {
    const { candles } = this.#options;
    if (candles.role !== "source") return;
    const parts = new Map<string, DerivedSymbol>();
    for (const symbol of candles.symbols) {
      const part = this.#part(symbol, trades.get(symbol));
      if (part) parts.set(symbol, part);
    }
    const outages = this.#outages;
    const takeover = this.#tookOver;
    this.#bars.clear();
    this.#outages = [];
    this.#tookOver = false;
    if (parts.size === 0 && outages.length === 0 && !takeover) return;
    this.#options.publish(this.#pack(parts, outages, takeover));
  }

  /**
   * Applies one published entry (a follower; the leader's own come back
   * and are skipped). Entries are applied one at a time, in order.
   */
  apply(data: string): void {
    this.#applying = this.#applying.then(async () => {
      if (this.#options.candles.role !== "mirror") return;
      try {
        await this.#apply(JSON.parse(data) as DerivedUpdate);
        this.#options.onApplied?.();
      } catch (error) {
        this.#options.onError?.(error);
      }
    });
  }

  /** Derived data was missed: the mirror reads the store again. */
  resync(): void {
    this.#applying = this.#applying.then(() =>
      this.#options.candles.mirror.reload().catch((error) =>
        this.#options.onError?.(error)
      )
    );
  }

  /** Resolves once every entry handed over so far is applied. */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.#applying;
      await current;
    } while (current !== this.#applying);
  }

  #part(
    symbol: string,
    trades: readonly TapeTrade[] | undefined,
  ): DerivedSymbol | undefined {
    const { candles } = this.#options;
    const part: {
      bars?: DerivedSymbol["bars"];
      load?: DerivedSymbol["load"];
      open?: DerivedOpen;
      trades?: readonly TapeTrade[];
    } = {};
    const stored = this.#bars.get(symbol) ?? [];
    for (const resolution of STORED_RESOLUTIONS) {
      const bars = stored.filter((b) => b.resolution === resolution)
        .map((b) => b.candle).sort((a, b) => a.t - b.t);
      if (bars.length === 0) continue;
      if (bars.length <= (this.#options.maxInlineBars ?? 200)) {
        part.bars = { ...part.bars, [resolution]: bars };
      } else {
        part.load = {
          ...part.load,
          [resolution]: [bars[0].t, bars[bars.length - 1].t],
        };
      }
    }
    const book = candles.book(symbol);
    if (book) {
      const state = book.openState();
      const durable = candles.durableThrough(symbol);
      // Seconds closed but not stored yet are not in any update's bars:
      // they travel as in progress, so a follower never shows a gap there.
      const unstored = book.series["1s"].range(
        Number.isFinite(durable) ? durable - 999 : -Infinity,
        Infinity,
      ).slice(-MAX_UNSTORED);
      const open: DerivedOpen = {
        bars: [...unstored, ...state.bars],
        watermark: finite(state.watermark),
        closed_through: finite(state.closedThrough),
        durable: finite(durable),
      };
      const text = JSON.stringify(open);
      if (this.#sentOpen.get(symbol) !== text) {
        this.#sentOpen.set(symbol, text);
        part.open = open;
      }
    }
    if (trades && trades.length > 0) part.trades = trades;
    return Object.keys(part).length > 0 ? part : undefined;
  }

  /** Packs the parts into entries of at most `maxEntryBytes` each. */
  #pack(
    parts: ReadonlyMap<string, DerivedSymbol>,
    outages: readonly Outage[],
    takeover: boolean,
  ): string[] {
    const limit = this.#options.maxEntryBytes ?? 48_000;
    const entries: string[] = [];
    let symbols: Record<string, DerivedSymbol> = {};
    let size = 0;
    const flush = (extra?: readonly Outage[]) => {
      const update: DerivedUpdate = {
        type: "derived",
        symbols,
        ...(extra && extra.length > 0 ? { outages: extra } : {}),
        ...(takeover && entries.length === 0
          ? { takeover_lookback_ms: TAKEOVER_LOOKBACK_MS }
          : {}),
      };
      entries.push(JSON.stringify(update));
      symbols = {};
      size = 0;
    };
    for (const [symbol, part] of parts) {
      const bytes = JSON.stringify(part).length + symbol.length + 8;
      if (size > 0 && size + bytes > limit) flush();
      symbols[symbol] = part;
      size += bytes;
    }
    flush(outages);
    return entries;
  }

  async #apply(update: DerivedUpdate): Promise<void> {
    if (update?.type !== "derived") return;
    const { candles, tape } = this.#options;
    const mirror = candles.mirror;
    if (update.takeover_lookback_ms) {
      await mirror.reload(update.takeover_lookback_ms);
    }
    for (const [symbol, part] of Object.entries(update.symbols ?? {})) {
      for (const resolution of STORED_RESOLUTIONS) {
        const bars = part.bars?.[resolution];
        if (bars) {
          mirror.takeBars(
            bars.map((candle) => ({ symbol, resolution, candle })),
          );
        }
        const span = part.load?.[resolution];
        if (span) await mirror.readRange(symbol, resolution, span[0], span[1]);
      }
      if (part.open) {
        mirror.takeOpen(symbol, {
          bars: part.open.bars,
          watermark: part.open.watermark ?? -Infinity,
          closedThrough: part.open.closed_through ?? -Infinity,
        }, part.open.durable ?? -Infinity);
      }
      if (part.trades) tape.addTape(symbol, part.trades);
    }
    for (const outage of update.outages ?? []) {
      candles.outages.mirror(outage);
    }
  }
}

/** `n`, or null for ±Infinity (which JSON cannot carry). */
function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
