/**
 * Which fault the next tickers request suffers, and how many did.
 *
 * One slot holds the standing fault, whoever set it: the start-up
 * configuration (`SIM_FAULT`, with a probability), the control endpoint or a
 * test through the API (for the next N requests, or until cleared). A fault
 * named on the request itself wins over the slot for that request only.
 * The dice for a probability come from their own seeded stream, so they are
 * reproducible and never disturb the market's.
 */
import { type Fault, faultName } from "./faults.ts";
import { SeededRandom } from "./prng.ts";

/** How a standing fault applies. */
export interface FaultOptions {
  /** Apply to the next `count` tickers requests it hits, then clear. Default: until cleared. */
  readonly count?: number;
  /** Probability in [0, 1] that a request is hit. Default 1. */
  readonly rate?: number;
}

/** The standing fault, as reported by `GET /__sim/state`. */
export interface ActiveFault {
  /** Canonical fault name, e.g. `latency:2000`. */
  readonly fault: string;
  /** Requests left to hit; `null` until cleared. */
  readonly remaining: number | null;
  readonly rate: number;
}

/** Holds the standing fault and counts the faults applied. */
export class FaultControl {
  #fault: Fault | null = null;
  #remaining: number | null = null;
  #rate = 1;
  #dice: SeededRandom;
  #applied = new Map<string, number>();

  /** `seed`: of the probability dice. */
  constructor(seed: number) {
    this.#dice = new SeededRandom(seed);
  }

  /**
   * Makes `fault` the standing fault. Throws a `RangeError` for a count that
   * is not a positive integer or a rate outside [0, 1].
   */
  set(fault: Fault, options: FaultOptions = {}): ActiveFault {
    const { count, rate = 1 } = options;
    if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
      throw new RangeError(`count must be a positive integer, got ${count}`);
    }
    if (!(rate >= 0 && rate <= 1)) {
      throw new RangeError(`rate must be between 0 and 1, got ${rate}`);
    }
    this.#fault = fault;
    this.#remaining = count ?? null;
    this.#rate = rate;
    return this.active!;
  }

  /** Removes the standing fault. */
  clear(): void {
    this.#fault = null;
    this.#remaining = null;
    this.#rate = 1;
  }

  /** The standing fault, or `null` when requests are answered normally. */
  get active(): ActiveFault | null {
    if (this.#fault === null) return null;
    return {
      fault: faultName(this.#fault),
      remaining: this.#remaining,
      rate: this.#rate,
    };
  }

  /** How many requests each fault (by canonical name) has hit. */
  get applied(): Record<string, number> {
    return Object.fromEntries(this.#applied);
  }

  /**
   * The fault for one tickers request: `requested` (named on the request)
   * if given, else the standing fault when its dice say so; `null` for a
   * normal answer. Counts the fault and uses up one of a standing count.
   */
  take(requested?: Fault): Fault | null {
    const fault = requested ?? this.#standing();
    if (fault === null) return null;
    const name = faultName(fault);
    this.#applied.set(name, (this.#applied.get(name) ?? 0) + 1);
    return fault;
  }

  #standing(): Fault | null {
    const fault = this.#fault;
    if (fault === null) return null;
    if (this.#rate < 1 && !(this.#dice.next() < this.#rate)) return null;
    if (this.#remaining !== null && --this.#remaining === 0) this.clear();
    return fault;
  }
}
