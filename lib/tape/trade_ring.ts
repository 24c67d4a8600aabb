/**
 * One symbol's newest trades, oldest first, in a fixed-capacity ring stored
 * by column: times, prices, sizes and notionals in one `Float64Array`, the
 * side in a byte, the exchange's id as its string. With a whole market
 * tracked the tape holds about 100,000 trades; as one object per trade
 * (each with its numbers boxed and its side a string of its own) that was
 * about 9 MB of heap the collector walked and promoted, here it is the ids
 * and 33 bytes a trade outside the heap. A trade object is built again only
 * when the tape is read (a page's first paint).
 *
 * The columns are allocated at the first trade, so a market that never
 * trades costs nothing but the ring itself.
 */
import { checkRingCapacity } from "../hub/ring_buffer.ts";
import type { TapeTrade } from "../protocol/trades.ts";

/** Float64 columns per trade: time, price, size, notional. */
const NUMBERS = 4;

/** A ring's columns, slot by slot. */
interface Columns {
  readonly ids: (string | undefined)[];
  /** `NUMBERS` per slot. */
  readonly numbers: Float64Array;
  /** 1 for a sell, 0 for a buy. */
  readonly sells: Uint8Array;
}

/** A bounded FIFO of one symbol's trades that drops its oldest. */
export class TradeRing {
  /** The most trades kept. */
  readonly capacity: number;
  /** Allocated at the first trade. */
  #columns: Columns | undefined;
  #start = 0;
  #size = 0;

  /** `capacity`: the most trades kept; a positive integer. */
  constructor(capacity: number) {
    checkRingCapacity("a trade ring", capacity);
    this.capacity = capacity;
  }

  /** Trades held. */
  get size(): number {
    return this.#size;
  }

  /** Appends `trade`, dropping the oldest when full. */
  push(trade: TapeTrade): void {
    const capacity = this.capacity;
    const { ids, numbers, sells } = this.#columns ??= {
      ids: new Array<string | undefined>(capacity).fill(undefined),
      numbers: new Float64Array(capacity * NUMBERS),
      sells: new Uint8Array(capacity),
    };
    let slot: number;
    if (this.#size < capacity) {
      slot = (this.#start + this.#size) % capacity;
      this.#size++;
    } else {
      slot = this.#start;
      this.#start = (slot + 1) % capacity;
    }
    ids[slot] = trade.id;
    sells[slot] = trade.side === "Sell" ? 1 : 0;
    const at = slot * NUMBERS;
    numbers[at] = trade.ts;
    numbers[at + 1] = trade.price;
    numbers[at + 2] = trade.size;
    numbers[at + 3] = trade.notional;
  }

  /** The trades held, oldest first, as new objects. */
  slice(): TapeTrade[] {
    const out: TapeTrade[] = [];
    if (this.#columns === undefined) return out;
    const { ids, numbers, sells } = this.#columns;
    for (let index = 0; index < this.#size; index++) {
      const slot = (this.#start + index) % this.capacity;
      const at = slot * NUMBERS;
      out.push({
        id: ids[slot]!,
        ts: numbers[at],
        side: sells[slot] === 1 ? "Sell" : "Buy",
        price: numbers[at + 1],
        size: numbers[at + 2],
        notional: numbers[at + 3],
      });
    }
    return out;
  }
}
