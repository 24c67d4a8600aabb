/**
 * The slot both fault controls keep (`fault_control.ts` for tickers requests,
 * `ws_fault_control.ts` for the WebSocket): one standing fault, whoever set
 * it, with an optional budget of hits after which it clears itself, and a
 * count of hits per canonical fault name for the state report.
 */

/**
 * Throws a `RangeError` unless `count` (a hit budget) is undefined or a
 * positive integer.
 */
export function checkHitCount(count: number | undefined): void {
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
    throw new RangeError(`count must be a positive integer, got ${count}`);
  }
}

/** One standing fault of type `F`, its budget, and hits by name. */
export class StandingFault<F> {
  readonly #name: (fault: F) => string;
  #fault: F | null = null;
  #remaining: number | null = null;
  #applied = new Map<string, number>();

  /** `name` gives a fault's canonical name, the key hits are counted by. */
  constructor(name: (fault: F) => string) {
    this.#name = name;
  }

  /**
   * Makes `fault` the standing one, for `count` hits (checked with
   * {@linkcode checkHitCount} first) or until cleared.
   */
  set(fault: F, count?: number): void {
    checkHitCount(count);
    this.#fault = fault;
    this.#remaining = count ?? null;
  }

  /** Removes the standing fault. */
  clear(): void {
    this.#fault = null;
    this.#remaining = null;
  }

  /** The standing fault, or `null`. */
  get fault(): F | null {
    return this.#fault;
  }

  /** Canonical name of the standing fault, or `null`. */
  get name(): string | null {
    return this.#fault === null ? null : this.#name(this.#fault);
  }

  /** Hits left; `null` until cleared. */
  get remaining(): number | null {
    return this.#remaining;
  }

  /** Hits per canonical fault name. */
  get applied(): Record<string, number> {
    return Object.fromEntries(this.#applied);
  }

  /** Counts one hit of `fault` (standing or named on a request). */
  count(fault: F): void {
    const name = this.#name(fault);
    this.#applied.set(name, (this.#applied.get(name) ?? 0) + 1);
  }

  /**
   * Spends one hit of the standing fault's budget; returns true when that
   * used it up (the slot is then clear).
   */
  spendOne(): boolean {
    if (this.#remaining === null || --this.#remaining > 0) return false;
    this.clear();
    return true;
  }
}
