/**
 * A bounded log of events with contiguous sequence numbers: whoever advances
 * the market (a REST request, a WebSocket push timer), every reader picks up
 * what it has not seen by sequence. The trades tape and the liquidations
 * tape are both one.
 */
import { RingBuffer } from "../hub/ring_buffer.ts";

/** A bounded, sequenced log of `T`s (numbered from 1, without gaps). */
export class SequencedTape<T extends { readonly seq: number }> {
  #ring: RingBuffer<T>;
  #lastSeq = 0;

  /** `capacity`: events kept before the oldest is dropped. */
  constructor(capacity: number) {
    this.#ring = new RingBuffer(capacity);
  }

  /** Sequence of the newest event, 0 before the first. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Appends an event, numbering it; returns the numbered event. */
  append(event: Omit<T, "seq">): T {
    const numbered = { seq: ++this.#lastSeq, ...event } as T;
    this.#ring.push(numbered);
    return numbered;
  }

  /**
   * Events with a sequence above `seq`, oldest first. When some were dropped
   * already the list starts later than `seq + 1`: the reader sees the gap.
   */
  since(seq: number): T[] {
    const oldest = this.#ring.at(0);
    if (oldest === undefined) return [];
    return this.#ring.slice(seq + 1 - oldest.seq);
  }
}
