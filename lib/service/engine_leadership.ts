/**
 * This instance's part in the leader election, and what a change of leader
 * hands over: the lease keeper competes for the lease (the memory engine
 * leads at once and for good); a new leader first adopts the state the last
 * one saved — the alert rules', the price levels' — and only then is told to
 * lead, so it never raises again what was raised before it; while leading,
 * the state is saved every third of the lease (and after each alert batch),
 * fenced, so a stale leader cannot overwrite its successor's.
 */
import type { AlertHandover } from "../alerts/alert_handover.ts";
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import { type EngineRole, LeaseKeeper } from "../engine/lease_keeper.ts";
import { MemoryEngine } from "../engine/memory_engine.ts";
import type { Lease, StreamEngine } from "../engine/stream_engine.ts";
import type { Logger } from "../observability/logger.ts";

/** The state a leader hands to the next one. */
export interface HandoverState {
  /** This instance's state now, to save. */
  save(now: number): AlertHandover;
  /** Takes over what the last leader saved. */
  adopt(state: AlertHandover): void;
}

/** Options of {@linkcode EngineLeadership}. */
export interface EngineLeadershipOptions {
  readonly engine: StreamEngine;
  /** Lease lifetime, ms (ignored by the memory engine, which always leads). */
  readonly leaseMs: number;
  readonly logger: Logger;
  readonly handover: HandoverState;
  /** Called once a role change took effect (after the handover was adopted). */
  readonly onRole: (role: EngineRole) => void;
  /** Time, timers. Default the system clock. */
  readonly clock?: Clock;
}

/** The lease, the role and the handover of one instance. */
export class EngineLeadership {
  #options: EngineLeadershipOptions;
  #clock: Clock;
  #memory: boolean;
  #keeper: LeaseKeeper | undefined;
  #lease: Lease | undefined;
  #handoverTimer: TimerId | undefined;
  #stopped = false;

  /** See {@linkcode EngineLeadershipOptions}; call {@linkcode start}. */
  constructor(options: EngineLeadershipOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#memory = options.engine instanceof MemoryEngine;
  }

  /** The lease while leading, for fenced writes. */
  get lease(): Lease | undefined {
    return this.#lease;
  }

  /** Whether this instance leads. */
  get role(): EngineRole {
    return this.#lease ? "leader" : "follower";
  }

  /** Starts competing for the lease (the memory engine leads at once). */
  async start(): Promise<void> {
    const { engine, leaseMs, logger } = this.#options;
    if (this.#memory) {
      const lease = await engine.acquireLease(Number.MAX_SAFE_INTEGER);
      if (lease) await this.#onRole("leader", lease);
      return;
    }
    this.#keeper = new LeaseKeeper({
      engine,
      ttlMs: leaseMs,
      clock: this.#clock,
      onRole: (role, lease) => void this.#onRole(role, lease),
      onError: (error) => logger.warn("Leader lease attempt failed", { error }),
    });
    this.#keeper.start();
  }

  /** Steps down now: a fenced write said another instance leads. */
  lose(): void {
    this.#keeper?.lose();
  }

  /** Stores the handover state for a next leader (no-op as follower). */
  async saveHandover(): Promise<void> {
    const lease = this.#lease;
    if (!lease || this.#memory) return;
    try {
      const state = this.#options.handover.save(this.#clock.now());
      await this.#options.engine.saveHandover(state, lease);
    } catch (error) {
      this.#options.logger.warn("Could not save the alert handover state", {
        error,
      });
    }
  }

  /** Stops competing; a leader saves its state and releases the lease. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    if (this.#lease && !this.#memory) await this.saveHandover();
    await this.#keeper?.stop();
    this.#lease = undefined;
  }

  async #onRole(role: EngineRole, lease: Lease | undefined): Promise<void> {
    if (this.#stopped) return;
    const { engine, logger, handover, onRole } = this.#options;
    if (role === "leader" && lease) {
      try {
        const state = await engine.loadHandover();
        if (state) handover.adopt(state);
      } catch (error) {
        logger.warn("Could not load the alert handover state", { error });
      }
      // The lease may have been lost while the state loaded.
      if (this.#keeper && this.#keeper.lease !== lease) return;
      this.#lease = lease;
      logger.info("Leading the stream", {
        instance: engine.instance,
        lease_term: lease.token,
      });
      this.#scheduleHandover();
    } else {
      if (!this.#lease) return;
      this.#lease = undefined;
      this.#clearTimer();
      logger.warn("Following the stream: the lease is held elsewhere", {
        instance: engine.instance,
      });
    }
    onRole(role);
  }

  /** Saves the handover state every third of the lease while leading. */
  #scheduleHandover(): void {
    if (this.#memory) return;
    this.#handoverTimer = this.#clock.setTimer(() => {
      this.#handoverTimer = undefined;
      void this.saveHandover().finally(() => {
        if (this.#lease && !this.#stopped) this.#scheduleHandover();
      });
    }, this.#options.leaseMs / 3);
  }

  #clearTimer(): void {
    if (this.#handoverTimer === undefined) return;
    this.#clock.clearTimer(this.#handoverTimer);
    this.#handoverTimer = undefined;
  }
}
