/**
 * A small seeded pseudo-random generator (mulberry32) and the distributions
 * the market model draws from. `Math.random` cannot be seeded, and the
 * simulator must replay exactly: the same seed gives the same market.
 */

/** Seeded uniform, Gaussian and Poisson draws; one instance per stream. */
export class SeededRandom {
  #state: number;

  /** `seed`: any integer; it is reduced to 32 bits. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new RangeError(`seed must be an integer, got ${seed}`);
    }
    this.#state = seed >>> 0;
  }

  /** A uniform draw in [0, 1) (mulberry32: 32-bit state, period 2^32). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform draw in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /**
   * A standard normal draw (Box–Muller). One uniform pair per call, with no
   * cached second value, so the stream position depends only on call count.
   */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * A Poisson draw with mean `lambda` (Knuth's method: fine for the small
   * means of one 50 ms step; cost grows with `lambda`).
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    const limit = Math.exp(-lambda);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count++;
      product *= this.next();
    }
    return count;
  }

  /** A draw whose logarithm is uniform between those of `min` and `max`. */
  logUniform(min: number, max: number): number {
    return min * Math.exp(Math.log(max / min) * this.next());
  }

  /**
   * A new generator seeded from this one: independent streams (e.g. fault
   * dice versus market walk) that stay reproducible from one seed.
   */
  fork(): SeededRandom {
    return new SeededRandom(Math.floor(this.next() * 4294967296));
  }
}
