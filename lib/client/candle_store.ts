/**
 * The page's candles: one {@linkcode CandleSeries} per symbol and interval
 * (a few kept, least recently used dropped), filled from `GET /api/candles`
 * and kept live by the stream's 1 s candle frames and by ticks. Also the
 * server's record of outages per symbol. Islands read `version` and call
 * `series`; the dashboard feeds frames and asks for loads.
 *
 * Loads ask for fixed time chunks of at most 1,000 bars (`from` and `to`
 * both given), so the answer does not depend on how the server picks bars
 * when a range holds more than `limit`. Candle frames are not replayed after
 * a reconnect, so the dashboard reloads what is on screen then.
 */
import { type Signal, signal } from "@preact/signals";
import {
  CANDLE_INTERVAL_MS,
  type CandleFrame,
  type CandleInterval,
  type CandlesResponse,
  type Outage,
} from "../protocol/candles.ts";
import type { TickFrame } from "../protocol/frames.ts";
import { type Fetch, getJson } from "./api_client.ts";
import { CandleSeries } from "./candle_series.ts";

/** Most bars one request asks for (the API's limit). */
export const MAX_BARS_PER_REQUEST = 1_000;
/** Series kept in memory. */
export const MAX_SERIES = 6;
/** Server outages kept per symbol. */
export const MAX_OUTAGES = 50;

/** Loading state of the series on screen. */
export type LoadState =
  | { readonly phase: "idle" }
  | { readonly phase: "loading" }
  | { readonly phase: "error"; readonly detail: string };

/** Options of {@linkcode CandleStore}. */
export interface CandleStoreOptions {
  readonly fetch: Fetch;
  /** Client clock, epoch ms. */
  readonly now: () => number;
  /** Server clock minus client clock, ms. */
  readonly clockOffset: () => number;
}

/** The time chunks `[from, to)` a load of `from`–`to` asks for, newest first. */
export function loadChunks(
  from: number,
  to: number,
  intervalMs: number,
): { from: number; to: number }[] {
  const size = intervalMs * MAX_BARS_PER_REQUEST;
  const start = Math.floor(from / intervalMs) * intervalMs;
  const chunks: { from: number; to: number }[] = [];
  for (let end = to; end > start; end -= size) {
    chunks.push({ from: Math.max(start, end - size), to: end });
  }
  return chunks;
}

/** The candles the page holds. */
export class CandleStore {
  /** Bumped whenever any series or outage list changes. */
  readonly version: Signal<number> = signal(0);
  /** Loading state per `symbol|interval`. */
  readonly loads: Signal<Readonly<Record<string, LoadState>>> = signal({});
  readonly #options: CandleStoreOptions;
  #series = new Map<string, CandleSeries>();
  #outages = new Map<string, Outage[]>();
  #requests = new Map<string, number>();

  /** An empty store. */
  constructor(options: CandleStoreOptions) {
    this.#options = options;
  }

  /** The series of `symbol` at `interval`, created empty on first use. */
  series(symbol: string, interval: CandleInterval): CandleSeries {
    const key = `${symbol}|${interval}`;
    let series = this.#series.get(key);
    if (series) {
      // Most recently used last: the first entry is the one to drop.
      this.#series.delete(key);
    } else {
      series = new CandleSeries({ intervalMs: CANDLE_INTERVAL_MS[interval] });
    }
    this.#series.set(key, series);
    if (this.#series.size > MAX_SERIES) {
      this.#series.delete(this.#series.keys().next().value!);
    }
    return series;
  }

  /** The server's outages for `symbol`, oldest first. */
  outages(symbol: string): readonly Outage[] {
    return this.#outages.get(symbol) ?? [];
  }

  /** Loading state of `symbol` at `interval`. */
  loadState(symbol: string, interval: CandleInterval): LoadState {
    return this.loads.value[`${symbol}|${interval}`] ?? { phase: "idle" };
  }

  /** Takes in an API answer (server-rendered, or fetched). */
  seed(response: CandlesResponse, requestedAt = -Infinity): void {
    const coveredUntil = this.#options.now() + this.#options.clockOffset();
    this.series(response.symbol, response.interval).merge(
      response.candles,
      requestedAt,
      coveredUntil,
    );
    this.#addOutages(response.symbol, response.outages);
    this.version.value++;
  }

  /**
   * Loads `symbol`'s bars at `interval` from `spanMs` ago until now. A newer
   * load of the same series makes an older one's answers be ignored; a
   * `background` load (refreshing the last bars) neither shows as loading
   * nor cancels another.
   */
  async load(
    symbol: string,
    interval: CandleInterval,
    spanMs: number,
    background = false,
  ): Promise<void> {
    const key = `${symbol}|${interval}`;
    const id = background
      ? this.#requests.get(key) ?? 0
      : (this.#requests.get(key) ?? 0) + 1;
    this.#requests.set(key, id);
    if (!background) this.#setLoad(key, { phase: "loading" });
    const requestedAt = this.#options.now();
    const serverNow = requestedAt + this.#options.clockOffset();
    const intervalMs = CANDLE_INTERVAL_MS[interval];
    const chunks = loadChunks(
      serverNow - spanMs,
      serverNow + intervalMs,
      intervalMs,
    );
    const answers = await Promise.all(
      chunks.map((chunk) =>
        getJson<CandlesResponse>(
          this.#options.fetch,
          `/api/candles?${new URLSearchParams({
            symbol,
            interval,
            from: String(chunk.from),
            to: String(chunk.to),
            limit: String(MAX_BARS_PER_REQUEST),
          })}`,
        )
      ),
    );
    if (this.#requests.get(key) !== id) return;
    const failed = answers.find((answer) => !answer.ok);
    // Oldest chunk first, so the newest answer merges last.
    for (const answer of answers.reverse()) {
      if (answer.ok) this.seed(answer.data, requestedAt);
    }
    if (background) return;
    this.#setLoad(
      key,
      failed && !failed.ok
        ? { phase: "error", detail: failed.detail }
        : { phase: "idle" },
    );
  }

  /** Applies the stream's candle frames to every series of their symbols. */
  applyCandles(frames: readonly CandleFrame[]): void {
    if (frames.length === 0) return;
    const at = this.#options.now();
    for (const frame of frames) {
      const sourceMs = CANDLE_INTERVAL_MS[frame.interval];
      if (sourceMs === undefined) continue;
      for (const [key, series] of this.#series) {
        if (key.startsWith(`${frame.symbol}|`)) {
          series.applyBar(frame, sourceMs, at);
        }
      }
    }
    this.version.value++;
  }

  /** Moves the open bars of the tick's symbol to its price. */
  applyTicks(ticks: readonly TickFrame[]): void {
    if (ticks.length === 0) return;
    const at = this.#options.now();
    for (const tick of ticks) {
      for (const [key, series] of this.#series) {
        if (key.startsWith(`${tick.symbol}|`)) {
          series.applyTick(tick.ts, tick.price, at);
        }
      }
    }
    this.version.value++;
  }

  #addOutages(symbol: string, outages: readonly Outage[]): void {
    if (outages.length === 0) return;
    const byFrom = new Map<number, Outage>();
    for (const outage of this.outages(symbol)) byFrom.set(outage.from, outage);
    for (const outage of outages) byFrom.set(outage.from, outage);
    this.#outages.set(
      symbol,
      [...byFrom.values()].sort((a, b) => a.from - b.from).slice(-MAX_OUTAGES),
    );
  }

  #setLoad(key: string, state: LoadState): void {
    this.loads.value = { ...this.loads.peek(), [key]: state };
  }
}
