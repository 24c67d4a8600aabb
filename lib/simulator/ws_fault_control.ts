/**
 * The standing WebSocket fault and how many times it applied.
 *
 * One slot, like the REST side's `FaultControl`, but kept apart from it: a
 * test that silences the socket while REST answers normally (the fallback
 * path) needs both at once. A fault applies to whatever its kind acts on —
 * `close` and `silence` to connections, `refuse` and `ack-delay` to subscribe
 * requests, `malformed` to push cycles — and `count` limits how many of those
 * it hits before clearing itself.
 */
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
  #fault: WsFault | null = null;
  #remaining: number | null = null;
  #applied = new Map<string, number>();

  /** Makes `fault` the standing one. Throws a `RangeError` for a bad count. */
  set(fault: WsFault, options: WsFaultOptions = {}): ActiveWsFault {
    const { count } = options;
    if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
      throw new RangeError(`count must be a positive integer, got ${count}`);
    }
    this.#fault = fault;
    this.#remaining = count ?? null;
    return this.active!;
  }

  /** Removes the standing fault. */
  clear(): void {
    this.#fault = null;
    this.#remaining = null;
  }

  /** The standing fault, or `null`. */
  get active(): ActiveWsFault | null {
    if (this.#fault === null) return null;
    return { fault: wsFaultName(this.#fault), remaining: this.#remaining };
  }

  /** Hits per canonical fault name. */
  get applied(): Record<string, number> {
    return Object.fromEntries(this.#applied);
  }

  /**
   * The standing fault when it is of `kind`, counted as one hit (which may
   * use it up); `null` otherwise.
   */
  take<K extends WsFault["kind"]>(
    kind: K,
  ): Extract<WsFault, { readonly kind: K }> | null {
    const fault = this.#fault;
    if (fault === null || fault.kind !== kind) return null;
    const name = wsFaultName(fault);
    this.#applied.set(name, (this.#applied.get(name) ?? 0) + 1);
    if (this.#remaining !== null && --this.#remaining === 0) this.clear();
    return fault as Extract<WsFault, { readonly kind: K }>;
  }
}
