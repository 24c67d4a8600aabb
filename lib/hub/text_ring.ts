/**
 * A bounded FIFO of numbered texts, the history behind replay and resume:
 * seqs in a typed array, texts in a plain one — no object per entry.
 *
 * With a whole market tracked every tick's text lives about 15 s (300 ticks
 * of history at 20 a second), so V8 promotes it, and each full collection
 * marks everything history holds. Held as one entry object per tick in the
 * hub and another in the memory engine, history was three objects per tick
 * (the two entries and the text they share); here it is the text alone:
 * `deno task bench:history` (1,000 channels of 300 ticks, the start task's
 * V8 flags) went from 7.5 to 5.1 µs of CPU per tick and from 291 to 224 MB
 * resident. An entry is built again only when it is read, and reads are
 * rare (a join's replay, a resume, the API).
 *
 * A ring may also be held to a number of characters (`limitChars`): rings
 * that join a {@linkcode TextBudget} share one between them, so history
 * for a thousand symbols takes what the budget allows, not a thousand
 * times a full ring.
 */

import { checkRingCapacity } from "./ring_buffer.ts";

/**
 * A fixed-count FIFO of `(seq, text)` pairs that drops its oldest, and also
 * its oldest past a number of characters when told one.
 */
export class TextRing {
  readonly #seqs: Float64Array;
  readonly #texts: (string | undefined)[];
  /** Slot of the oldest pair. */
  #first = 0;
  #size = 0;
  /** Characters of the texts held. */
  #chars = 0;
  #maxChars = Infinity;

  /** `capacity`: the most pairs kept; a positive integer. */
  constructor(capacity: number) {
    checkRingCapacity("a text ring", capacity);
    this.#seqs = new Float64Array(capacity);
    this.#texts = new Array<string | undefined>(capacity).fill(undefined);
  }

  /** The most pairs kept. */
  get capacity(): number {
    return this.#seqs.length;
  }

  /** Pairs held. */
  get size(): number {
    return this.#size;
  }

  /** Characters of the texts held. */
  get chars(): number {
    return this.#chars;
  }

  /**
   * Holds at most `maxChars` characters of text (Infinity: no limit),
   * dropping the oldest pairs now and on each push past it; the newest pair
   * always stays.
   */
  limitChars(maxChars: number): void {
    this.#maxChars = maxChars;
    this.#trim();
  }

  /** Appends `text` numbered `seq`, dropping the oldest when full. */
  push(seq: number, text: string): void {
    if (this.#size === this.#seqs.length) this.#dropOldest();
    const slot = (this.#first + this.#size) % this.#seqs.length;
    this.#size++;
    this.#seqs[slot] = seq;
    this.#texts[slot] = text;
    this.#chars += text.length;
    if (this.#chars > this.#maxChars) this.#trim();
  }

  /** The seq `index` places from the oldest (0 = oldest), if held. */
  seqAt(index: number): number | undefined {
    return this.#has(index) ? this.#seqs[this.#slot(index)] : undefined;
  }

  /** The text `index` places from the oldest (0 = oldest), if held. */
  textAt(index: number): string | undefined {
    return this.#has(index) ? this.#texts[this.#slot(index)] : undefined;
  }

  /**
   * The pairs from position `from` (0 = oldest; less is 0) to the newest,
   * each made into a `T` by `make`, oldest first: how history is read back.
   */
  map<T>(from: number, make: (seq: number, text: string) => T): T[] {
    const capacity = this.#seqs.length;
    const out: T[] = [];
    for (let index = Math.max(0, from); index < this.#size; index++) {
      const slot = (this.#first + index) % capacity;
      out.push(make(this.#seqs[slot], this.#texts[slot]!));
    }
    return out;
  }

  /** Forgets every pair (and lets go of the texts). */
  clear(): void {
    this.#first = 0;
    this.#size = 0;
    this.#chars = 0;
    this.#texts.fill(undefined);
  }

  #trim(): void {
    while (this.#chars > this.#maxChars && this.#size > 1) this.#dropOldest();
  }

  #dropOldest(): void {
    const slot = this.#first;
    this.#chars -= this.#texts[slot]!.length;
    this.#texts[slot] = undefined;
    this.#first = (slot + 1) % this.#seqs.length;
    this.#size--;
  }

  #has(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.#size;
  }

  #slot(index: number): number {
    return (this.#first + index) % this.#seqs.length;
  }
}

/**
 * A number of characters shared equally by the rings that join it: each
 * join or leave gives every ring its new share at once.
 */
export class TextBudget {
  readonly #chars: number;
  readonly #rings = new Set<TextRing>();

  /** `chars`: what every ring may hold together (Infinity: no limit). */
  constructor(chars = Infinity) {
    this.#chars = chars;
  }

  /** Holds `ring` to its share from now on. */
  join(ring: TextRing): void {
    this.#rings.add(ring);
    this.#share();
  }

  /** Lets `ring` go (its channel is dropped); the others share more. */
  leave(ring: TextRing): void {
    if (this.#rings.delete(ring)) this.#share();
  }

  #share(): void {
    const share = Math.floor(this.#chars / Math.max(1, this.#rings.size));
    for (const ring of this.#rings) ring.limitChars(share);
  }
}
