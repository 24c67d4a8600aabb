/**
 * Keeps the chart's candles loaded: loads the bars of the selected pair and
 * window whenever either changes, reloads them after every (re)connect
 * (candle frames are not replayed), and refetches a closed bar that was
 * aggregated in the browser. Owned by the dashboard; the chart island only
 * reads the candle store.
 */
import { effect, type ReadonlySignal } from "@preact/signals";
import type { Clock, TimerId } from "../clock/clock.ts";
import { CANDLE_INTERVAL_MS } from "../protocol/candles.ts";
import type { CandleStore } from "./candle_store.ts";
import {
  CHART_WINDOWS,
  type ChartWindow,
  loadSpanMs,
  STREAM_INTERVAL,
} from "./chart_windows.ts";

/** Options of {@linkcode ChartFeed}. */
export interface ChartFeedOptions {
  readonly candles: CandleStore;
  readonly window: ReadonlySignal<ChartWindow>;
  readonly clock: Clock;
  /** Uniform random in [0, 1), for the refetch delay. Default `Math.random`. */
  readonly random?: () => number;
}

/** Loads and refreshes the candles the chart shows. */
export class ChartFeed {
  readonly #options: ChartFeedOptions;
  #selected: ReadonlySignal<string> | undefined;
  /** `symbol|window` of the last load. */
  #loaded = "";
  #barT: number | undefined;
  #refreshTimer: TimerId | undefined;
  #stopEffect: (() => void) | undefined;

  /** A feed that loads nothing until {@linkcode watch} is called. */
  constructor(options: ChartFeedOptions) {
    this.#options = options;
  }

  /** Marks `symbol`'s bars for `window` as already there (server-rendered). */
  seeded(symbol: string, window: ChartWindow): void {
    this.#loaded ||= `${symbol}|${window}`;
  }

  /** Loads whenever the selected pair or the window changes. */
  watch(selected: ReadonlySignal<string>): void {
    this.#selected = selected;
    this.#stopEffect?.();
    this.#stopEffect = effect(() => {
      const key = `${selected.value}|${this.#options.window.value}`;
      if (key !== this.#loaded) this.reload();
    });
  }

  /** Loads what the chart shows now (after a reconnect, or a change). */
  reload(): void {
    const symbol = this.#selected?.peek();
    if (!symbol) return;
    const window = this.#options.window.peek();
    this.#loaded = `${symbol}|${window}`;
    this.#barT = undefined;
    this.#options.candles.load(
      symbol,
      CHART_WINDOWS[window].interval,
      loadSpanMs(window),
    );
  }

  /**
   * Called after live frames were applied. Bars longer than the stream's are
   * aggregated from 1 s frames, which is exact for prices but can count a
   * second's volume twice around a reload: when such a bar closes, its final
   * state is fetched (after a random 1–3 s, so a crowd of pages does not ask
   * at once).
   */
  framesApplied(): void {
    const symbol = this.#selected?.peek();
    const { interval } = CHART_WINDOWS[this.#options.window.peek()];
    if (!symbol || interval === STREAM_INTERVAL) return;
    const { candles, clock } = this.#options;
    const last = candles.series(symbol, interval).bars.at(-1)?.t;
    const closed = this.#barT;
    this.#barT = last;
    if (
      closed === undefined || last === undefined || last <= closed ||
      this.#refreshTimer !== undefined
    ) return;
    const random = this.#options.random ?? Math.random;
    this.#refreshTimer = clock.setTimer(() => {
      this.#refreshTimer = undefined;
      candles.load(symbol, interval, 3 * CANDLE_INTERVAL_MS[interval], true);
    }, 1_000 + random() * 2_000);
  }

  /** Stops watching and cancels a pending refetch. */
  stop(): void {
    this.#stopEffect?.();
    this.#stopEffect = undefined;
    if (this.#refreshTimer !== undefined) {
      this.#options.clock.clearTimer(this.#refreshTimer);
      this.#refreshTimer = undefined;
    }
  }
}
