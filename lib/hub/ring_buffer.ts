/**
 * A fixed-capacity FIFO that overwrites its oldest item: the bounded history
 * behind replay-on-join and `since` resume. Capacity never grows, so memory per
 * channel is fixed however long the service runs.
 */
export class RingBuffer<T> {
  #items: (T | undefined)[];
  #start = 0;
  #size = 0;

  /** `capacity`: the most items kept; must be a positive integer. */
  constructor(capacity: number) {
    checkRingCapacity("a ring buffer", capacity);
    this.#items = new Array(capacity);
  }

  /** Number of items currently held. */
  get size(): number {
    return this.#size;
  }

  /** The most items the buffer keeps. */
  get capacity(): number {
    return this.#items.length;
  }

  /** Appends `item`, dropping the oldest when full. */
  push(item: T): void {
    const capacity = this.#items.length;
    if (this.#size < capacity) {
      this.#items[(this.#start + this.#size) % capacity] = item;
      this.#size++;
    } else {
      this.#items[this.#start] = item;
      this.#start = (this.#start + 1) % capacity;
    }
  }

  /** The item `index` places from the oldest (0 = oldest), if present. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#items[(this.#start + index) % this.#items.length];
  }

  /** The newest item, if any. */
  newest(): T | undefined {
    return this.at(this.#size - 1);
  }

  /** Items from position `from` (0 = oldest) to the newest, oldest first. */
  slice(from = 0): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, from); i < this.#size; i++) out.push(this.at(i)!);
    return out;
  }
}

/**
 * Throws a `RangeError` unless `capacity` is a positive integer; `ring`
 * names what was being created (`a ring buffer`).
 */
export function checkRingCapacity(ring: string, capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(
      `Cannot create ${ring}: capacity must be a positive integer, got ${capacity}`,
    );
  }
}
