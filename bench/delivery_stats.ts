/**
 * Delivery accounting for the load generator: what was offered, what arrived,
 * how late, and which sequence numbers went missing.
 *
 * "Offered" needs no help from the server: each symbol's `seq` rises by one
 * per emitted tick, so the highest `seq` seen by any socket at the start and
 * end of the measurement window tells how many ticks the server emitted in
 * it; times the subscribers of that symbol, that is what should have been
 * delivered. A tick counts as delivered when its `seq` falls in that range —
 * including stragglers that arrive during the drain after the window, since
 * leaving them out would hide exactly the slow deliveries p99 is about.
 */
import {
  type HistogramData,
  LatencyHistogram,
  type LatencySummary,
} from "./latency_histogram.ts";

/** Per-socket state the accounting needs: created by {@linkcode DeliveryStats.track}. */
export interface SocketTrack {
  /** Symbol indexes this socket subscribes to. */
  readonly symbols: readonly number[];
  /** Last `seq` seen per symbol index, NaN before the first. */
  readonly lastSeq: Float64Array;
  /** Ticks this socket received inside the window. */
  windowTicks: number;
  /** True from accept until close. */
  open: boolean;
  /** True when the socket was open as the window started. */
  openAtStart: boolean;
}

/** The measured window, as reported in the summary. */
export interface DeliverySummary {
  readonly window_s: number;
  /** Ticks the server emitted in the window, per symbol. */
  readonly emitted_per_symbol: Readonly<Record<string, number>>;
  /** Open subscribers per symbol when the window started. */
  readonly subscribers_per_symbol: Readonly<Record<string, number>>;
  readonly offered: number;
  readonly delivered: number;
  readonly delivered_ratio: number | null;
  readonly offered_per_s: number;
  readonly delivered_per_s: number;
  /** Live tick frames received at any time, window or not. */
  readonly live_ticks_total: number;
  /** Missing seqs inside the window, summed over sockets (conflation). */
  readonly seq_gaps: number;
  /** Number of jumps that skipped at least one seq. */
  readonly seq_gap_events: number;
  /** Ticks whose seq was not above the socket's previous one. */
  readonly seq_out_of_order: number;
  /** Sockets that were open at the start and got no tick in the window. */
  readonly starved_sockets: number;
  /** Window ticks that arrived as history replay instead (late joins); 0 normally. */
  readonly replayed_in_window: number;
  readonly avg_tick_bytes: number | null;
  readonly latency: LatencySummary;
}

/** Aggregates deliveries across every socket of one load run. */
export class DeliveryStats {
  readonly #symbols: readonly string[];
  readonly #histogram = new LatencyHistogram();
  readonly #maxSeq: Float64Array;
  readonly #minWindowSeq: Float64Array;
  readonly #openPerSymbol: Float64Array;
  readonly #tracks: SocketTrack[] = [];
  #phase: "warmup" | "window" | "drain" | "done" = "warmup";
  #startSeq: Float64Array | undefined;
  #endSeq: Float64Array | undefined;
  #subscribersAtStart: Float64Array | undefined;
  #windowMs = 0;
  #delivered = 0;
  #liveTotal = 0;
  #gaps = 0;
  #gapEvents = 0;
  #outOfOrder = 0;
  #tickBytes = 0;
  #replayedInWindow = 0;

  /** `symbols`: every symbol a socket may subscribe to, by index. */
  constructor(symbols: readonly string[]) {
    this.#symbols = symbols;
    this.#maxSeq = new Float64Array(symbols.length).fill(NaN);
    this.#minWindowSeq = new Float64Array(symbols.length).fill(NaN);
    this.#openPerSymbol = new Float64Array(symbols.length);
  }

  /** A new socket's state; it counts as a subscriber once {@linkcode opened}. */
  track(symbols: readonly number[]): SocketTrack {
    const track: SocketTrack = {
      symbols,
      lastSeq: new Float64Array(this.#symbols.length).fill(NaN),
      windowTicks: 0,
      open: false,
      openAtStart: false,
    };
    this.#tracks.push(track);
    return track;
  }

  /** The socket's handshake was accepted. */
  opened(track: SocketTrack): void {
    if (track.open) return;
    track.open = true;
    for (const s of track.symbols) this.#openPerSymbol[s]++;
  }

  /** The socket closed (for whatever reason). */
  closed(track: SocketTrack): void {
    if (!track.open) return;
    track.open = false;
    for (const s of track.symbols) this.#openPerSymbol[s]--;
  }

  /** History replay up to `seq` arrived: the next live tick should follow it. */
  baseline(track: SocketTrack, symbol: number, seq: number): void {
    if (symbol < 0 || !Number.isFinite(seq)) return;
    const last = track.lastSeq[symbol];
    if (!(last >= seq)) track.lastSeq[symbol] = seq;
    // Window ticks that reached this socket as history are offered but can
    // never count as live deliveries: make that visible.
    const start = this.#startSeq?.[symbol] ?? NaN;
    if (this.#phase !== "warmup" && seq > start) {
      this.#replayedInWindow += seq - (last > start ? last : start);
    }
    this.#seeSeq(symbol, seq);
  }

  /**
   * True when every open socket has heard of each of its symbols (a history
   * batch or a first live tick), so a window started now is fair to all.
   */
  allStreaming(): boolean {
    for (const track of this.#tracks) {
      if (!track.open) continue;
      for (const s of track.symbols) {
        if (track.lastSeq[s] !== track.lastSeq[s]) return false;
      }
    }
    return true;
  }

  /**
   * One live tick: `latencyMicros` is receive time minus the frame's `ts`,
   * `bytes` the frame's length.
   */
  tick(
    track: SocketTrack,
    symbol: number,
    seq: number,
    latencyMicros: number,
    bytes: number,
  ): void {
    this.#liveTotal++;
    if (symbol < 0) return;
    const last = track.lastSeq[symbol];
    if (seq > last || last !== last) track.lastSeq[symbol] = seq;
    this.#seeSeq(symbol, seq);
    if (this.#phase === "warmup" || this.#phase === "done") return;
    const start = this.#startSeq![symbol];
    if (!(seq > start || start !== start)) return;
    if (this.#phase === "drain" && !(seq <= this.#endSeq![symbol])) return;
    const min = this.#minWindowSeq[symbol];
    if (seq < min || min !== min) this.#minWindowSeq[symbol] = seq;
    this.#delivered++;
    track.windowTicks++;
    this.#tickBytes += bytes;
    this.#histogram.record(latencyMicros);
    if (last === last) {
      if (seq > last + 1) {
        this.#gaps += seq - last - 1;
        this.#gapEvents++;
      } else if (seq <= last) {
        this.#outOfOrder++;
      }
    }
  }

  /** Starts the measurement window (all handshakes settled). */
  startWindow(): void {
    if (this.#phase !== "warmup") return;
    this.#phase = "window";
    this.#startSeq = this.#maxSeq.slice();
    this.#subscribersAtStart = this.#openPerSymbol.slice();
    for (const track of this.#tracks) track.openAtStart = track.open;
  }

  /** Ends the window after `windowMs`; stragglers count until {@linkcode finish}. */
  endWindow(windowMs: number): void {
    if (this.#phase !== "window") return;
    this.#phase = "drain";
    this.#windowMs = windowMs;
    this.#endSeq = this.#maxSeq.slice();
  }

  /**
   * True when every socket still open has caught up with the window's last
   * seq of each of its symbols, so the drain can stop early.
   */
  drained(): boolean {
    if (this.#phase !== "drain") return false;
    for (const track of this.#tracks) {
      if (!track.open) continue;
      for (const s of track.symbols) {
        const end = this.#endSeq![s];
        if (end === end && !(track.lastSeq[s] >= end)) return false;
      }
    }
    return true;
  }

  /** The delivery latencies' samples, to merge with other processes'. */
  latencyData(): HistogramData {
    return this.#histogram.toData();
  }

  /** Stops counting and summarises. */
  finish(): DeliverySummary {
    if (this.#phase === "window") this.endWindow(this.#windowMs);
    this.#phase = "done";
    const emitted: Record<string, number> = {};
    const subscribers: Record<string, number> = {};
    let offered = 0;
    this.#symbols.forEach((symbol, i) => {
      const start = this.#startSeq?.[i] ?? NaN;
      const end = this.#endSeq?.[i] ?? NaN;
      // A symbol first seen inside the window: count from its first seq there.
      const from = start === start ? start : this.#minWindowSeq[i] - 1;
      const count = end === end && from === from ? end - from : 0;
      const subs = this.#subscribersAtStart?.[i] ?? 0;
      emitted[symbol] = count;
      subscribers[symbol] = subs;
      offered += count * subs;
    });
    let starved = 0;
    for (const track of this.#tracks) {
      if (track.windowTicks === 0 && track.openAtStart) starved++;
    }
    const seconds = this.#windowMs / 1000;
    return {
      window_s: seconds,
      emitted_per_symbol: emitted,
      subscribers_per_symbol: subscribers,
      offered,
      delivered: this.#delivered,
      delivered_ratio: offered > 0 ? this.#delivered / offered : null,
      offered_per_s: seconds > 0 ? offered / seconds : 0,
      delivered_per_s: seconds > 0 ? this.#delivered / seconds : 0,
      live_ticks_total: this.#liveTotal,
      seq_gaps: this.#gaps,
      seq_gap_events: this.#gapEvents,
      seq_out_of_order: this.#outOfOrder,
      starved_sockets: starved,
      replayed_in_window: this.#replayedInWindow,
      avg_tick_bytes: this.#delivered > 0
        ? Math.round(this.#tickBytes / this.#delivered)
        : null,
      latency: this.#histogram.summary(),
    };
  }

  #seeSeq(symbol: number, seq: number): void {
    const max = this.#maxSeq[symbol];
    if (seq > max || max !== max) this.#maxSeq[symbol] = seq;
  }
}
