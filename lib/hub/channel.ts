/**
 * One symbol's stream: assigns `seq`, encodes each tick exactly once and keeps
 * the encoded frames in a bounded ring for replay and resume.
 */
import type { AnalyzedTick } from "../analytics/tick_analyzer.ts";
import type { TickFrame } from "./frames.ts";
import { RingBuffer } from "./ring_buffer.ts";
import type { HistoryWindow, ResumePlan } from "./resume_plan.ts";

/** A published tick with its wire encoding, shared by every subscriber. */
export interface ChannelEntry {
  readonly seq: number;
  readonly frame: TickFrame;
  /** The JSON text frame, encoded once at publish time. */
  readonly encoded: string;
}

/** Sequence numbering and history for one symbol. */
export class Channel {
  /** Channel id, e.g. `BTC-USDT`. */
  readonly symbol: string;
  #seq = 0;
  #history: RingBuffer<ChannelEntry>;

  /** `historySize`: ticks kept for replay; `startSeq`: last seq already used. */
  constructor(symbol: string, historySize: number, startSeq = 0) {
    this.symbol = symbol;
    this.#history = new RingBuffer(historySize);
    this.#seq = startSeq;
  }

  /** Seq of the newest tick, 0 before the first. */
  get latestSeq(): number {
    return this.#seq;
  }

  /** The newest entry, if any. */
  get latest(): ChannelEntry | undefined {
    return this.#history.newest();
  }

  /** Stamps `tick` with the next seq and `ts = now`, encodes and stores it. */
  publish(tick: AnalyzedTick, now: number): ChannelEntry {
    const frame: TickFrame = {
      type: "tick",
      symbol: this.symbol,
      seq: ++this.#seq,
      ts: now,
      price: tick.price,
      high: tick.high,
      low: tick.low,
      volume: tick.volume,
      change: tick.change,
      spread: tick.spread,
      is_whale: tick.is_whale,
      whale_alert: tick.whale_alert,
      whale_threshold: tick.whale_threshold,
      tier: tick.tier,
      range_position: tick.range_position,
      velocity: tick.velocity,
      upstream_ts: tick.upstream_ts,
      source: tick.source,
    };
    const entry = { seq: frame.seq, frame, encoded: JSON.stringify(frame) };
    this.#history.push(entry);
    return entry;
  }

  /** Restores previously published entries (after a graceful restart). */
  restore(entries: readonly ChannelEntry[]): void {
    for (const entry of entries) {
      if (entry.seq <= this.#seq) continue;
      this.#history.push(entry);
      this.#seq = entry.seq;
    }
  }

  /** The history window `planResume` needs. */
  window(epoch: string): HistoryWindow {
    return {
      epoch,
      oldestSeq: this.#history.at(0)?.seq,
      latestSeq: this.#seq,
    };
  }

  /** Entries a plan asks for, oldest first (none for a reset). */
  entriesFor(plan: ResumePlan): ChannelEntry[] {
    if (plan.kind === "reset") return [];
    if (plan.kind === "full") return this.#history.slice();
    const oldest = this.#history.at(0)?.seq;
    if (oldest === undefined) return [];
    return this.#history.slice(plan.after + 1 - oldest);
  }

  /** All held entries, oldest first. */
  entries(): ChannelEntry[] {
    return this.#history.slice();
  }
}
