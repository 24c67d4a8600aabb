/**
 * The dashboard's market state as signals: the latest tick per symbol,
 * alerts, upstream status and session facts. Islands read these; only the
 * dashboard writes them, through {@linkcode MarketStore.apply} (frames from
 * the socket, a batch at a time) or the `seed*` methods (data the server
 * rendered into the page). Charts draw candles (`candle_store.ts`), not
 * ticks, so no tick history is kept here: live ticks are handed back to the
 * caller to move the open bars.
 *
 * Sequence rules live here: a tick older than what the store holds is
 * ignored; a `reset` (or a new epoch) forgets the symbol's sequence, so the
 * next snapshot is accepted.
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

/** What applying frames produced that the dashboard must act on. */
export interface ApplyOutcome {
  /** Alerts that arrived live (for the chime). */
  readonly newAlerts: readonly AlertFrame[];
  /** Live ticks accepted, in order (to move the chart's open bars). */
  readonly ticks: readonly TickFrame[];
  /** A hello arrived: the socket (re)connected. */
  readonly connected: boolean;
}

/** The dashboard's market state. */
export class MarketStore {
  /** Tracked symbols, in display order. */
  readonly symbols: Signal<readonly string[]>;
  /** Newest first, at most {@linkcode MAX_ALERTS}. */
  readonly alerts: Signal<readonly AlertFrame[]> = signal([]);
  /** The latest upstream status frame. */
  readonly upstream: Signal<StatusFrame | null> = signal(null);
  /**
   * Client time a live tick last arrived, and the time the latest status
   * frame did: a tick after a "feed failing" status means prices still flow.
   */
  readonly tickArrivedAt: Signal<number | null> = signal(null);
  #statusAt = -Infinity;
  readonly session: Signal<Session | null> = signal(null);
  /** Per-symbol whale thresholds known to the client. */
  readonly thresholds: Signal<Readonly<Record<string, number>>> = signal({});

  #ticks = new Map<string, Signal<TickFrame | null>>();
  /** Highest seq accepted per symbol in the current epoch. */
  #seq = new Map<string, number>();
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

  /** Whether a live tick arrived after the latest status frame. */
  ticksSinceStatus(): boolean {
    return (this.tickArrivedAt.value ?? -Infinity) > this.#statusAt;
  }

  /** The newest tick of any symbol (reading subscribes to every symbol). */
  newestTick(): TickFrame | null {
    let newest: TickFrame | null = null;
    for (const symbol of this.symbols.value) {
      const tick = this.tick(symbol).value;
      if (tick && (!newest || tick.ts > newest.ts)) newest = tick;
    }
    return newest;
  }

  /**
   * Where to resume each symbol: its last seq, for symbols the client has a
   * tick of in this epoch. Others are left out (the server sends their
   * latest snapshot).
   */
  resumePoints(): Map<string, number> {
    const points = new Map<string, number>();
    for (const [symbol, seq] of this.#seq) {
      if (seq > 0) points.set(symbol, seq);
    }
    return points;
  }

  /** Seeds server-rendered latest ticks (ignored where the store is newer). */
  seedTicks(ticks: readonly (TickFrame | null)[]): void {
    batch(() => {
      for (const tick of ticks) if (tick) this.#acceptTick(tick);
    });
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
    const newAlerts: AlertFrame[] = [];
    const ticks: TickFrame[] = [];
    let connected = false;
    batch(() => {
      for (const frame of frames) {
        switch (frame.type) {
          case "hello":
            this.#hello(frame);
            connected = true;
            break;
          case "status":
            this.upstream.value = frame;
            this.#statusAt = this.#clock.now();
            break;
          case "tick":
            if (this.#acceptTick(frame)) ticks.push(frame);
            break;
          case "batch":
            // Replayed ticks: only the newest matters for the latest price,
            // but each moves the chart's open bar like a live one.
            for (const tick of frame.frames) {
              if (this.#acceptTick(tick)) ticks.push(tick);
            }
            break;
          case "reset":
            this.#seq.delete(frame.symbol);
            break;
          case "alert":
            if (this.#addAlerts([frame])) newAlerts.push(frame);
            break;
          default:
            break;
        }
      }
    });
    if (ticks.length > 0) this.tickArrivedAt.value = this.#clock.now();
    return { newAlerts, ticks, connected };
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
      this.#seq.clear();
    }
    this.session.value = {
      epoch: frame.epoch,
      simulated: frame.simulated,
      clockOffsetMs: frame.server_time - this.#clock.now(),
      ...(frame.instance === undefined ? {} : { instance: frame.instance }),
    };
  }

  /** Accepts a newer tick; returns whether it was newer. */
  #acceptTick(tick: TickFrame): boolean {
    if (tick.seq <= (this.#seq.get(tick.symbol) ?? 0)) return false;
    this.#seq.set(tick.symbol, tick.seq);
    this.#tickSignal(tick.symbol).value = tick;
    if (
      tick.whale_threshold > 0 &&
      this.thresholds.peek()[tick.symbol] !== tick.whale_threshold
    ) {
      this.setThreshold(tick.symbol, tick.whale_threshold);
    }
    return true;
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
