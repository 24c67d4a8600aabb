/**
 * The dashboard's market state as signals: the latest tick per symbol, chart
 * series, alerts, upstream status and session facts. Islands read these;
 * only the connection module writes them, through {@linkcode MarketStore.apply}
 * (frames from the socket, a batch at a time) or the `seed*` methods (data the
 * server rendered into the page).
 *
 * Sequence rules live here: a tick older than what the store holds is
 * ignored; a `reset` (or a new epoch) forgets the symbol's sequence, so the
 * next snapshot and the history replay that follows are accepted.
 */
import {
  batch,
  type ReadonlySignal,
  type Signal,
  signal,
} from "@preact/signals";
import type {
  AlertFrame,
  HelloFrame,
  ServerFrame,
  StatusFrame,
  TickFrame,
} from "../protocol/frames.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import { type SeriesPoint, TickSeries, toPoint } from "./tick_series.ts";

/** Alerts kept in the ledger. */
export const MAX_ALERTS = 100;

/** Facts from the latest `hello`. */
export interface Session {
  readonly epoch: string;
  readonly simulated: boolean;
  /** Server clock minus client clock, ms (for freshness against server time). */
  readonly clockOffsetMs: number;
  /** The instance serving the socket, when several serve one stream. */
  readonly instance?: string;
}

/** What applying frames produced that the connection must act on. */
export interface ApplyOutcome {
  /** Symbols whose history was reset and must be replayed in full. */
  readonly resetSymbols: readonly string[];
  /** Alerts that arrived live (for the chime). */
  readonly newAlerts: readonly AlertFrame[];
}

/** The dashboard's market state. */
export class MarketStore {
  /** Tracked symbols, in display order. */
  readonly symbols: Signal<readonly string[]>;
  /** Bumped whenever a series changes (series are mutated in place). */
  readonly seriesVersion: Signal<number> = signal(0);
  /** Newest first, at most {@linkcode MAX_ALERTS}. */
  readonly alerts: Signal<readonly AlertFrame[]> = signal([]);
  /** The latest upstream status frame. */
  readonly upstream: Signal<StatusFrame | null> = signal(null);
  readonly session: Signal<Session | null> = signal(null);
  /** Per-symbol whale thresholds known to the client. */
  readonly thresholds: Signal<Readonly<Record<string, number>>> = signal({});

  #ticks = new Map<string, Signal<TickFrame | null>>();
  #series = new Map<string, TickSeries>();
  /** Highest seq accepted per symbol in the current epoch. */
  #seq = new Map<string, number>();
  /** Symbols whose series holds the server's history (safe to resume). */
  #withHistory = new Set<string>();
  #clock: Clock;

  /** Creates a store for `symbols`; `clock` is the client's. */
  constructor(symbols: readonly string[], clock: Clock = systemClock) {
    this.symbols = signal(symbols);
    this.#clock = clock;
  }

  /** The latest tick of `symbol` (a signal, created on first use). */
  tick(symbol: string): ReadonlySignal<TickFrame | null> {
    return this.#tickSignal(symbol);
  }

  /** The chart series of `symbol`; subscribe to `seriesVersion` for changes. */
  series(symbol: string): TickSeries {
    let series = this.#series.get(symbol);
    if (!series) {
      series = new TickSeries();
      this.#series.set(symbol, series);
    }
    return series;
  }

  /**
   * Where to resume each symbol: its last seq, for symbols whose history the
   * client holds. Others are left out, so the server replays their history.
   */
  resumePoints(): Map<string, number> {
    const points = new Map<string, number>();
    for (const symbol of this.#withHistory) {
      const seq = this.#seq.get(symbol);
      if (seq !== undefined && seq > 0) points.set(symbol, seq);
    }
    return points;
  }

  /** Seeds server-rendered latest ticks (ignored where the store is newer). */
  seedTicks(ticks: readonly (TickFrame | null)[]): void {
    batch(() => {
      for (const tick of ticks) if (tick) this.#acceptTick(tick, false);
    });
  }

  /** Seeds server-rendered history of `symbol` (oldest first). */
  seedHistory(symbol: string, points: readonly SeriesPoint[]): void {
    if (points.length === 0) return;
    if (this.series(symbol).merge(points) > 0) this.seriesVersion.value++;
    this.#withHistory.add(symbol);
  }

  /** Seeds server-rendered alerts (newest first). */
  seedAlerts(alerts: readonly AlertFrame[]): void {
    this.#addAlerts([...alerts].reverse());
  }

  /** Seeds the session (epoch) the server rendered with. */
  seedSession(session: Session): void {
    if (!this.session.peek()) this.session.value = session;
  }

  /** Seeds thresholds (symbol → USDT). */
  seedThresholds(thresholds: Readonly<Record<string, number>>): void {
    this.thresholds.value = { ...this.thresholds.peek(), ...thresholds };
  }

  /** Records a threshold the server confirmed. */
  setThreshold(symbol: string, threshold: number): void {
    this.thresholds.value = { ...this.thresholds.peek(), [symbol]: threshold };
  }

  /** Applies socket frames in one signal batch (one re-render). */
  apply(frames: readonly ServerFrame[]): ApplyOutcome {
    const resetSymbols: string[] = [];
    const newAlerts: AlertFrame[] = [];
    let seriesChanged = false;
    batch(() => {
      for (const frame of frames) {
        switch (frame.type) {
          case "hello":
            this.#hello(frame);
            seriesChanged = true;
            break;
          case "status":
            this.upstream.value = frame;
            break;
          case "tick":
            seriesChanged = this.#acceptTick(frame, true) || seriesChanged;
            break;
          case "batch": {
            const fresh = frame.frames.filter((tick) =>
              tick.seq > (this.#seq.get(frame.symbol) ?? 0)
            );
            const latest = fresh.at(-1);
            if (latest) this.#acceptTick(latest, false);
            const added = this.series(frame.symbol).merge(
              frame.frames.map(toPoint),
            );
            seriesChanged = added > 0 || seriesChanged;
            this.#withHistory.add(frame.symbol);
            break;
          }
          case "reset":
            this.#forget(frame.symbol);
            resetSymbols.push(frame.symbol);
            seriesChanged = true;
            break;
          case "alert":
            if (this.#addAlerts([frame])) newAlerts.push(frame);
            break;
          case "heartbeat":
            break;
        }
      }
      if (seriesChanged) this.seriesVersion.value++;
    });
    return { resetSymbols, newAlerts };
  }

  #tickSignal(symbol: string): Signal<TickFrame | null> {
    let tick = this.#ticks.get(symbol);
    if (!tick) {
      tick = signal(null);
      this.#ticks.set(symbol, tick);
    }
    return tick;
  }

  #hello(frame: HelloFrame): void {
    const previous = this.session.peek();
    if (previous && previous.epoch !== frame.epoch) {
      // A new epoch restarts every sequence: old seqs mean nothing now.
      for (
        const symbol of new Set([...this.#seq.keys(), ...this.#series.keys()])
      ) {
        this.#forget(symbol);
      }
    }
    this.session.value = {
      epoch: frame.epoch,
      simulated: frame.simulated,
      clockOffsetMs: frame.server_time - this.#clock.now(),
      ...(frame.instance === undefined ? {} : { instance: frame.instance }),
    };
  }

  /** Accepts a newer tick; returns whether the series changed. */
  #acceptTick(tick: TickFrame, live: boolean): boolean {
    if (tick.seq <= (this.#seq.get(tick.symbol) ?? 0)) return false;
    this.#seq.set(tick.symbol, tick.seq);
    this.#tickSignal(tick.symbol).value = tick;
    if (
      tick.whale_threshold > 0 &&
      this.thresholds.peek()[tick.symbol] !== tick.whale_threshold
    ) {
      this.setThreshold(tick.symbol, tick.whale_threshold);
    }
    return live ? this.series(tick.symbol).append(toPoint(tick)) : false;
  }

  #forget(symbol: string): void {
    this.#seq.delete(symbol);
    this.#withHistory.delete(symbol);
    this.#series.get(symbol)?.clear();
  }

  /** Adds alerts (oldest first) not seen before; true if any was new. */
  #addAlerts(alerts: readonly AlertFrame[]): boolean {
    const current = this.alerts.peek();
    const known = new Set(current.map((alert) => alert.id));
    const fresh = alerts.filter((alert) => !known.has(alert.id));
    if (fresh.length === 0) return false;
    this.alerts.value = [...fresh.reverse(), ...current]
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, MAX_ALERTS);
    return true;
  }
}
