/**
 * Per-key token-bucket rate limiting (the key is the client IP). Each key may
 * burst up to `capacity` requests and refills at `capacity` per `windowMs`.
 * The table is bounded: past `maxKeys` the least recently seen key is evicted,
 * so a flood of distinct addresses cannot grow memory.
 */
import { type Clock, systemClock } from "../clock/clock.ts";

/** Options of {@linkcode TokenBucketLimiter}. */
export interface TokenBucketOptions {
  /** Requests allowed per window (and the burst size). */
  readonly capacity: number;
  /** Window length in ms. Default 60 000. */
  readonly windowMs?: number;
  /** Most keys tracked at once. Default 10 000. */
  readonly maxKeys?: number;
  /** Time buckets refill by. Default {@linkcode systemClock}. */
  readonly clock?: Clock;
}

/** The answer for one request. */
export type RateDecision =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Tokens are counted in units of 1/windowMs of a token, so that refill
 * (`capacity` units per ms) and Retry-After stay in integer arithmetic for
 * integer clocks: with fractional tokens, float rounding made Retry-After one
 * second longer than needed (e.g. capacity 10 per minute).
 */
interface Bucket {
  units: number;
  updatedAt: number;
}

/** A token bucket per key. */
export class TokenBucketLimiter {
  #buckets = new Map<string, Bucket>();
  #capacity: number;
  #windowMs: number;
  #maxKeys: number;
  #clock: Clock;

  /** Creates a limiter; rejects non-positive sizes with a RangeError. */
  constructor(options: TokenBucketOptions) {
    const {
      capacity,
      windowMs = 60_000,
      maxKeys = 10_000,
      clock = systemClock,
    } = options;
    if (!(capacity > 0) || !(windowMs > 0) || !(maxKeys > 0)) {
      throw new RangeError(
        `Cannot create a rate limiter: capacity, windowMs and maxKeys must be positive, got ${capacity}, ${windowMs}, ${maxKeys}`,
      );
    }
    this.#capacity = capacity;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
    this.#clock = clock;
  }

  /** Takes one token for `key` if there is one. */
  take(key: string): RateDecision {
    const now = this.#clock.now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key);
      bucket.units = Math.min(
        this.#capacity * this.#windowMs,
        bucket.units + (now - bucket.updatedAt) * this.#capacity,
      );
      bucket.updatedAt = now;
    } else {
      if (this.#buckets.size >= this.#maxKeys) {
        const oldest = this.#buckets.keys().next().value!;
        this.#buckets.delete(oldest);
      }
      bucket = { units: this.#capacity * this.#windowMs, updatedAt: now };
    }
    this.#buckets.set(key, bucket);
    if (bucket.units >= this.#windowMs) {
      bucket.units -= this.#windowMs;
      return {
        allowed: true,
        remaining: Math.floor(bucket.units / this.#windowMs),
      };
    }
    const waitMs = (this.#windowMs - bucket.units) / this.#capacity;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    };
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }
}
