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
import { checkHitCount, StandingFault } from "./standing_fault.ts";

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
  #slot = new StandingFault<Fault>(faultName);
  #rate = 1;
  #dice: SeededRandom;

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
    checkHitCount(count);
    if (!(rate >= 0 && rate <= 1)) {
      throw new RangeError(`rate must be between 0 and 1, got ${rate}`);
    }
    this.#slot.set(fault, count);
    this.#rate = rate;
    return this.active!;
  }

  /** Removes the standing fault. */
  clear(): void {
    this.#slot.clear();
    this.#rate = 1;
  }

  /** The standing fault, or `null` when requests are answered normally. */
  get active(): ActiveFault | null {
    const fault = this.#slot.name;
    if (fault === null) return null;
    return { fault, remaining: this.#slot.remaining, rate: this.#rate };
  }

  /** How many requests each fault (by canonical name) has hit. */
  get applied(): Record<string, number> {
    return this.#slot.applied;
  }

  /**
   * The fault for one tickers request: `requested` (named on the request)
   * if given, else the standing fault when its dice say so; `null` for a
   * normal answer. Counts the fault and uses up one of a standing count.
   */
  take(requested?: Fault): Fault | null {
    const fault = requested ?? this.#standing();
    if (fault === null) return null;
    this.#slot.count(fault);
    return fault;
  }

  #standing(): Fault | null {
    const fault = this.#slot.fault;
    if (fault === null) return null;
    if (this.#rate < 1 && !(this.#dice.next() < this.#rate)) return null;
    if (this.#slot.spendOne()) this.clear();
    return fault;
  }
}
