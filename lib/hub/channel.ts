/**
 * One symbol's stream: assigns `seq`, encodes each tick exactly once and keeps
 * the encoded frames in a bounded ring for replay and resume.
 */
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type { TickFrame } from "../protocol/frames.ts";
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
  #fullBatch: { seq: number; encoded: string | undefined } | undefined;

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

  /**
   * The `batch` frame a plan asks for, or undefined when there is nothing to
   * replay. A fresh join without a limit gets the whole history; that frame is
   * built once per published tick and shared by every joiner meanwhile, since
   * joins come in bursts (a deploy, a network blip) and each is ~100 KB.
   */
  batchFor(plan: ResumePlan, limit?: number): string | undefined {
    if (plan.kind === "full" && limit === undefined) {
      if (this.#fullBatch?.seq !== this.#seq) {
        this.#fullBatch = {
          seq: this.#seq,
          encoded: this.#encodeBatch(this.#history.slice()),
        };
      }
      return this.#fullBatch.encoded;
    }
    let entries = this.entriesFor(plan);
    if (plan.kind === "full" && limit !== undefined) {
      entries = limit === 0 ? [] : entries.slice(-limit);
    }
    return this.#encodeBatch(entries);
  }

  #encodeBatch(entries: readonly ChannelEntry[]): string | undefined {
    if (entries.length === 0) return undefined;
    return `{"type":"batch","symbol":${JSON.stringify(this.symbol)},"frames":[${
      entries.map((e) => e.encoded).join(",")
    }]}`;
  }

  /** All held entries, oldest first. */
  entries(): ChannelEntry[] {
    return this.#history.slice();
  }
}
