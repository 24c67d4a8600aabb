/**
 * The standing WebSocket fault and how many times it applied.
 *
 * One slot (`standing_fault.ts`), like the REST side's `FaultControl`, but
 * kept apart from it: a test that silences the socket while REST answers
 * normally (the fallback path) needs both at once. A fault applies to whatever its kind acts on —
 * `close` and `silence` to connections, `refuse` and `ack-delay` to subscribe
 * requests, `malformed` to push cycles — and `count` limits how many of those
 * it hits before clearing itself.
 */
import { StandingFault } from "./standing_fault.ts";
import { type WsFault, wsFaultName } from "./ws_faults.ts";

/** How a standing WebSocket fault applies. */
export interface WsFaultOptions {
  /** Hit this many connections, requests or push cycles, then clear. Default: until cleared. */
  readonly count?: number;
}

/** The standing WebSocket fault, as `GET /__sim/state` reports it. */
export interface ActiveWsFault {
  /** Canonical name, e.g. `ack-delay:500`. */
  readonly fault: string;
  /** Hits left; `null` until cleared. */
  readonly remaining: number | null;
}

/** Holds the standing WebSocket fault and counts its hits. */
export class WsFaultControl {
  #slot = new StandingFault<WsFault>(wsFaultName);

  /** Makes `fault` the standing one. Throws a `RangeError` for a bad count. */
  set(fault: WsFault, options: WsFaultOptions = {}): ActiveWsFault {
    this.#slot.set(fault, options.count);
    return this.active!;
  }

  /** Removes the standing fault. */
  clear(): void {
    this.#slot.clear();
  }

  /** The standing fault, or `null`. */
  get active(): ActiveWsFault | null {
    const fault = this.#slot.name;
    return fault === null ? null : { fault, remaining: this.#slot.remaining };
  }

  /** Hits per canonical fault name. */
  get applied(): Record<string, number> {
    return this.#slot.applied;
  }

  /**
   * The standing fault when it is of `kind`, counted as one hit (which may
   * use it up); `null` otherwise.
   */
  take<K extends WsFault["kind"]>(
    kind: K,
  ): Extract<WsFault, { readonly kind: K }> | null {
    const fault = this.#slot.fault;
    if (fault === null || fault.kind !== kind) return null;
    this.#slot.count(fault);
    this.#slot.spendOne();
    return fault as Extract<WsFault, { readonly kind: K }>;
  }
}
