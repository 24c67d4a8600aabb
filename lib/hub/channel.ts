/**
 * One symbol's stream: keeps its ticks' text in a bounded ring for replay
 * and resume (no object per tick: see `TextRing`). Ticks are
 * numbered here (`publish`, one process) or arrive numbered by a stream
 * engine (`append`, shared by several instances); either way each is
 * encoded exactly once per instance.
 */
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type { ResetFrame } from "../protocol/frames.ts";
import type { HistoryWindow, ResumePlan } from "./resume_plan.ts";
import { type TextBudget, TextRing } from "./text_ring.ts";
import {
  type ChannelEntry,
  entryData,
  tickData,
  tickEntry,
} from "./tick_codec.ts";

export type { ChannelEntry } from "./tick_codec.ts";

/** Sequence numbering and history for one symbol. */
export class Channel {
  /** Channel id, e.g. `BTC-USDT`. */
  readonly symbol: string;
  #seq = 0;
  /** Each held tick's fields (`tickData`'s text), numbered. */
  readonly #history: TextRing;
  readonly #budget: TextBudget | undefined;
  #latest: ChannelEntry | undefined;
  #fullBatch: { seq: number; encoded: string | undefined } | undefined;

  /**
   * `historySize`: ticks kept for replay; `startSeq`: last seq already
   * used; `budget`: characters of tick text shared with other channels.
   */
  constructor(
    symbol: string,
    historySize: number,
    startSeq = 0,
    budget?: TextBudget,
  ) {
    this.symbol = symbol;
    this.#history = new TextRing(historySize);
    this.#seq = startSeq;
    this.#budget = budget;
    budget?.join(this.#history);
  }

  /** Seq of the newest tick, 0 before the first. */
  get latestSeq(): number {
    return this.#seq;
  }

  /** The newest entry, if any. */
  get latest(): ChannelEntry | undefined {
    return this.#latest;
  }

  /** Stamps `tick` with the next seq and `ts = now`, encodes and stores it. */
  publish(tick: AnalyzedTick, now: number): ChannelEntry {
    const entry = tickEntry(this.symbol, this.#seq + 1, tickData(tick, now));
    this.append(entry);
    return entry;
  }

  /**
   * Stores an entry numbered elsewhere (a stream engine); false for one this
   * channel already has (a duplicate delivery).
   */
  append(entry: ChannelEntry): boolean {
    if (entry.seq <= this.#seq) return false;
    this.#history.push(entry.seq, entryData(entry));
    this.#latest = entry;
    this.#seq = entry.seq;
    return true;
  }

  /** Leaves the history budget (the channel is dropped). */
  close(): void {
    this.#budget?.leave(this.#history);
  }

  /** Forgets history and seq: the stream starts over (new epoch) or jumps. */
  clear(seq = 0): void {
    this.#history.clear();
    this.#latest = undefined;
    this.#seq = seq;
    this.#fullBatch = undefined;
  }

  /** Restores previously published entries (after a graceful restart). */
  restore(entries: readonly ChannelEntry[]): void {
    for (const entry of entries) this.append(entry);
  }

  /** The encoded `reset` frame for this channel at its newest seq. */
  resetFrame(epoch: string, reason: ResetFrame["reason"]): string {
    const frame: ResetFrame = {
      type: "reset",
      symbol: this.symbol,
      epoch,
      seq: this.#seq,
      reason,
    };
    return JSON.stringify(frame);
  }

  /** The history window `planResume` needs. */
  window(epoch: string): HistoryWindow {
    return {
      epoch,
      oldestSeq: this.#history.seqAt(0),
      latestSeq: this.#seq,
    };
  }

  /** Entries a plan asks for, oldest first (none for a reset). */
  entriesFor(plan: ResumePlan): ChannelEntry[] {
    if (plan.kind === "reset") return [];
    if (plan.kind === "full") return this.#held(0);
    const oldest = this.#history.seqAt(0);
    if (oldest === undefined) return [];
    return this.#held(plan.after + 1 - oldest);
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
          encoded: this.#encodeBatch(this.#held(0)),
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
    return this.#held(0);
  }

  /** Held entries from position `from` (0 = oldest), decoded. */
  #held(from: number): ChannelEntry[] {
    return this.#history.map(
      from,
      (seq, data) => tickEntry(this.symbol, seq, data),
    );
  }
}
