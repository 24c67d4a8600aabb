/**
 * Keeps this instance's place in the leader election: a follower tries to take
 * the lease every `retryMs`; a leader renews it every third of its lifetime,
 * so two renewals can fail before it would expire. A leader steps down at
 * once when a renewal says the lease is gone, and also — without waiting for
 * an answer — when its own deadline passes (the store is unreachable or slow:
 * another instance may be taking over right now, so it must stop publishing
 * before the lease could have expired anywhere). The deadline runs on the
 * monotonic clock, measured from when the acquiring request was sent.
 */
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import type { Lease, StreamEngine } from "./stream_engine.ts";

/** This instance's part. */
export type EngineRole = "leader" | "follower";

/** Options of {@linkcode LeaseKeeper}. */
export interface LeaseKeeperOptions {
  readonly engine: Pick<
    StreamEngine,
    "acquireLease" | "renewLease" | "releaseLease"
  >;
  /** Lease lifetime, ms (`LEADER_LEASE_SECONDS`). */
  readonly ttlMs: number;
  /** Pause between a follower's attempts, ms. Default min(1 000, ttl / 3). */
  readonly retryMs?: number;
  /** Margin kept before the deadline, ms. Default ttl / 10. */
  readonly marginMs?: number;
  /** Called on every role change, with the lease when leading. */
  readonly onRole: (role: EngineRole, lease: Lease | undefined) => void;
  /** Told about failed attempts (the store is unreachable). */
  readonly onError?: (error: unknown) => void;
  /** Timers and the monotonic clock. Default the system clock. */
  readonly clock?: Clock;
}

/** The election loop of one instance. */
export class LeaseKeeper {
  #options: LeaseKeeperOptions;
  #clock: Clock;
  #retryMs: number;
  #marginMs: number;
  #lease: Lease | undefined;
  /** Monotonic ms after which the lease must be taken as lost. */
  #deadline = 0;
  #timer: TimerId | undefined;
  #deadlineTimer: TimerId | undefined;
  #stopped = false;
  #busy: Promise<void> | undefined;

  /** Throws a `RangeError` naming the option for a bad value. */
  constructor(options: LeaseKeeperOptions) {
    const { ttlMs } = options;
    if (!Number.isFinite(ttlMs) || ttlMs < 30) {
      throw new RangeError(`ttlMs must be at least 30, got ${ttlMs}`);
    }
    this.#retryMs = options.retryMs ?? Math.min(1_000, ttlMs / 3);
    this.#marginMs = options.marginMs ?? ttlMs / 10;
    if (!(this.#retryMs > 0)) {
      throw new RangeError(`retryMs must be positive, got ${this.#retryMs}`);
    }
    if (!(this.#marginMs >= 0 && this.#marginMs < ttlMs / 2)) {
      throw new RangeError(
        `marginMs must be from 0 to half of ttlMs, got ${this.#marginMs}`,
      );
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** The lease while leading. */
  get lease(): Lease | undefined {
    return this.#lease;
  }

  /** The current role. */
  get role(): EngineRole {
    return this.#lease ? "leader" : "follower";
  }

  /** Starts with an attempt right away. */
  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#schedule(0);
  }

  /** Resolves once the attempt in flight (if any) has finished. */
  async idle(): Promise<void> {
    while (this.#busy) await this.#busy;
  }

  /**
   * Stops the loop; a leader releases the lease so a follower takes over at
   * once instead of after the lease expires.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    await this.idle();
    const lease = this.#lease;
    if (lease) {
      this.#step(undefined);
      await this.#options.engine.releaseLease(lease).catch((error) =>
        this.#options.onError?.(error)
      );
    }
  }

  /** Steps down now (e.g. a fenced write said another instance leads). */
  lose(): void {
    if (this.#lease) this.#step(undefined);
  }

  #schedule(ms: number): void {
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = undefined;
      const run = this.#attempt().finally(() => {
        if (this.#busy === run) this.#busy = undefined;
      });
      this.#busy = run;
    }, ms);
  }

  async #attempt(): Promise<void> {
    const { engine, ttlMs } = this.#options;
    const sentAt = this.#clock.monotonic();
    try {
      const held = this.#lease;
      const next = held
        ? await engine.renewLease(held, ttlMs)
        : await engine.acquireLease(ttlMs);
      if (this.#stopped) {
        if (next && !held) await engine.releaseLease(next);
        return;
      }
      if (held && this.#lease !== held) return; // stepped down meanwhile
      if (next) {
        this.#deadline = sentAt + ttlMs - this.#marginMs;
        this.#armDeadline();
        if (!held) this.#step(next);
        else this.#lease = next;
      } else if (held) {
        this.#step(undefined);
      }
    } catch (error) {
      this.#options.onError?.(error);
    } finally {
      if (!this.#stopped) {
        this.#schedule(this.#lease ? ttlMs / 3 : this.#retryMs);
      }
    }
  }

  #armDeadline(): void {
    if (this.#deadlineTimer !== undefined) {
      this.#clock.clearTimer(this.#deadlineTimer);
    }
    const wait = Math.max(0, this.#deadline - this.#clock.monotonic());
    this.#deadlineTimer = this.#clock.setTimer(() => {
      this.#deadlineTimer = undefined;
      if (this.#lease && this.#clock.monotonic() >= this.#deadline) {
        this.#step(undefined);
      }
    }, wait);
  }

  #step(lease: Lease | undefined): void {
    this.#lease = lease;
    if (!lease && this.#deadlineTimer !== undefined) {
      this.#clock.clearTimer(this.#deadlineTimer);
      this.#deadlineTimer = undefined;
    }
    this.#options.onRole(lease ? "leader" : "follower", lease);
  }
}
