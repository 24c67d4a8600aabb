/**
 * Connects one instance to the shared stream: what the engine delivers goes
 * to the local hub (ticks), the alert cache and sockets (alerts) and the
 * threshold caches (control events); what this instance's ingestion produces
 * goes to the engine — but only while this instance holds the leader lease.
 *
 * Every instance, the leader included, fans out what the engine delivers, so
 * all of them send the same seq for the same tick. With the memory engine the
 * delivery is synchronous and unfenced: the path from ingestion to sockets is
 * a few calls, as in a single process it always was.
 */
import type { AlertHandover } from "../alerts/alert_handover.ts";
import type { ThresholdKind } from "../alerts/symbol_thresholds.ts";
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import { LatencyWindow } from "../engine/latency_window.ts";
import { type EngineRole, LeaseKeeper } from "../engine/lease_keeper.ts";
import { MemoryEngine } from "../engine/memory_engine.ts";
import { PublishQueue } from "../engine/publish_queue.ts";
import {
  ALERT_CHANNEL,
  CONTROL_CHANNEL,
  type EngineEntry,
  type EngineEvent,
  type Lease,
  type StreamEngine,
} from "../engine/stream_engine.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import { tickData, tickDataTs } from "../hub/tick_codec.ts";
import type { Logger } from "../observability/logger.ts";
import type { AnalyzedTick } from "../protocol/analyzed_tick.ts";
import type {
  EngineDiagnostics,
  EngineMetrics,
} from "../protocol/api_types.ts";
import type { AlertFrame, StatusFrame } from "../protocol/frames.ts";

/** A threshold change announced on the control channel. */
export interface ThresholdAnnouncement {
  readonly kind: "thresholds";
  readonly symbol: string;
  readonly changes: Partial<Record<ThresholdKind, number>>;
}

/** The leader's upstream status, with its ingestion state for diagnostics. */
export interface StatusAnnouncement {
  readonly kind: "status";
  readonly frame: StatusFrame;
  /** The leader's last ingestion state (JSON), shown by followers. */
  readonly upstream?: unknown;
}

/** Every control event. */
type ControlEvent = ThresholdAnnouncement | StatusAnnouncement;

/** Options of {@linkcode EngineLink}. */
export interface EngineLinkOptions {
  readonly engine: StreamEngine;
  readonly hub: StreamHub;
  /** Lease lifetime, ms (ignored by the memory engine, which always leads). */
  readonly leaseMs: number;
  readonly logger: Logger;
  /** An alert the engine delivered (stored, on any instance's leader). */
  readonly onAlert: (alert: AlertFrame) => void;
  /** A threshold change made on any instance (this one included). */
  readonly onThresholds: (announcement: ThresholdAnnouncement) => void;
  /** The leader's status (on every instance, the leader included). */
  readonly onStatus?: (announcement: StatusAnnouncement) => void;
  /**
   * This instance started or stopped leading: start or stop ingestion. Runs
   * after the handover state was adopted (when leading).
   */
  readonly onRole: (role: EngineRole) => void;
  /** The alert rules' state to hand over (saved while leading). */
  readonly handover: {
    save(now: number): AlertHandover;
    adopt(state: AlertHandover): void;
  };
  /** Time, timers. Default the system clock. */
  readonly clock?: Clock;
}

/** The instance's side of the shared stream. */
export class EngineLink {
  readonly engine: StreamEngine;
  #options: EngineLinkOptions;
  #hub: StreamHub;
  #clock: Clock;
  #keeper: LeaseKeeper | undefined;
  #lease: Lease | undefined;
  #memory: MemoryEngine | undefined;
  #queue: PublishQueue;
  #latency = new LatencyWindow();
  #unsubscribe: (() => void) | undefined;
  #handoverTimer: TimerId | undefined;
  #stopped = false;

  /** See {@linkcode EngineLinkOptions}; call {@linkcode start}. */
  constructor(options: EngineLinkOptions) {
    this.#options = options;
    this.engine = options.engine;
    this.#hub = options.hub;
    this.#clock = options.clock ?? systemClock;
    this.#memory = options.engine instanceof MemoryEngine
      ? options.engine
      : undefined;
    this.#queue = new PublishQueue({
      engine: options.engine,
      conflate: options.engine.kind === "kv",
      onRefused: (result) => {
        options.logger.warn("Publish refused by the stream engine", {
          reason: result.reason,
        });
        if (result.reason === "fenced") this.#keeper?.lose();
      },
      onError: (error, drafts) =>
        options.logger.warn("Publish to the stream engine failed", {
          error,
          drafts,
        }),
    });
  }

  /** Whether this instance leads (runs ingestion and publishes). */
  get role(): EngineRole {
    return this.#lease ? "leader" : "follower";
  }

  /** The lease while leading, for fenced writes (alerts). */
  get lease(): Lease | undefined {
    return this.#lease;
  }

  /**
   * Seeds the hub with the shared history, then follows the engine and
   * starts competing for the lease (the memory engine leads at once).
   */
  async start(): Promise<void> {
    const early: EngineEvent[] = [];
    let seeding = true;
    this.#unsubscribe = this.engine.subscribe((event) => {
      if (seeding) early.push(event);
      else this.#onEvent(event);
    });
    if (this.#hub.epoch !== this.engine.epoch) {
      this.#hub.resetEpoch(this.engine.epoch);
    }
    for (const symbol of this.#hub.symbols) {
      const read = await this.engine.history(symbol, 0);
      this.#hub.seed(symbol, read.entries);
    }
    // A joining follower shows the leader's latest status at once.
    const control = await this.engine.history(CONTROL_CHANNEL, 0);
    const status = control.entries.map((e) =>
      JSON.parse(e.data) as ControlEvent
    )
      .findLast((e) => e.kind === "status");
    if (status) this.#onControl(status);
    seeding = false;
    // Duplicates of the seeded history are dropped by the hub (seq order).
    for (const event of early) this.#onEvent(event);
    if (this.#memory) {
      const lease = await this.engine.acquireLease(Number.MAX_SAFE_INTEGER);
      if (lease) await this.#onRole("leader", lease);
      return;
    }
    this.#keeper = new LeaseKeeper({
      engine: this.engine,
      ttlMs: this.#options.leaseMs,
      clock: this.#clock,
      onRole: (role, lease) => void this.#onRole(role, lease),
      onError: (error) =>
        this.#options.logger.warn("Leader lease attempt failed", { error }),
    });
    this.#keeper.start();
  }

  async #onRole(role: EngineRole, lease: Lease | undefined): Promise<void> {
    if (this.#stopped) return;
    const { logger, handover, onRole } = this.#options;
    if (role === "leader" && lease) {
      try {
        const state = await this.engine.loadHandover();
        if (state) handover.adopt(state);
      } catch (error) {
        logger.warn("Could not load the alert handover state", { error });
      }
      // The lease may have been lost while the state loaded.
      if (this.#keeper && this.#keeper.lease !== lease) return;
      this.#lease = lease;
      logger.info("Leading the stream", {
        instance: this.engine.instance,
        lease_term: lease.token,
      });
      this.#scheduleHandover();
    } else {
      if (!this.#lease) return;
      this.#lease = undefined;
      this.#queue.clear();
      if (this.#handoverTimer !== undefined) {
        this.#clock.clearTimer(this.#handoverTimer);
        this.#handoverTimer = undefined;
      }
      logger.warn("Following the stream: the lease is held elsewhere", {
        instance: this.engine.instance,
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

  /** Stores the alert rules' state for a next leader (no-op as follower). */
  async saveHandover(): Promise<void> {
    const lease = this.#lease;
    if (!lease || this.#memory) return;
    try {
      const state = this.#options.handover.save(this.#clock.now());
      await this.engine.saveHandover(state, lease);
    } catch (error) {
      this.#options.logger.warn("Could not save the alert handover state", {
        error,
      });
    }
  }

  /** Publishes ticks from this instance's ingestion (dropped unless leading). */
  publishTicks(ticks: readonly AnalyzedTick[]): void {
    if (!this.#lease || this.#stopped) return;
    const now = this.#clock.now();
    const drafts = ticks.map((tick) => ({
      channel: tick.symbol,
      data: tickData(tick, now),
    }));
    if (this.#memory) this.#memory.publishNow(drafts);
    else this.#queue.push(drafts, this.#lease);
  }

  /**
   * Publishes the upstream status (leader only): on a change, and — with a
   * shared engine — periodically, so followers' diagnostics stay current.
   */
  publishStatus(frame: StatusFrame, upstream?: unknown): void {
    if (!this.#lease || this.#stopped) return;
    const draft = {
      channel: CONTROL_CHANNEL,
      data: JSON.stringify(
        { kind: "status", frame, upstream } satisfies ControlEvent,
      ),
    };
    if (this.#memory) this.#memory.publishNow([draft]);
    else this.#queue.push([draft], this.#lease);
  }

  /** Tells every instance (this one included) about a threshold change. */
  async announceThresholds(
    symbol: string,
    changes: Partial<Record<ThresholdKind, number>>,
  ): Promise<void> {
    const event: ThresholdAnnouncement = {
      kind: "thresholds",
      symbol,
      changes,
    };
    const result = await this.engine.publish([{
      channel: CONTROL_CHANNEL,
      data: JSON.stringify(event),
    }]);
    if (!result.ok) {
      throw new Error(`Threshold change not announced: ${result.reason}`);
    }
  }

  /**
   * Appends a stored alert for delivery to every instance, once per `key`,
   * under this leader's fence; false when the lease is gone.
   */
  async deliverAlert(key: string, alert: AlertFrame): Promise<boolean> {
    const lease = this.#lease;
    if (!lease) return false;
    const result = await this.engine.appendAlert(
      key,
      JSON.stringify(alert),
      lease,
    );
    if (!result.ok && result.reason === "fenced") this.#keeper?.lose();
    return result.ok;
  }

  #onEvent(event: EngineEvent): void {
    switch (event.type) {
      case "entry":
        this.#onEntry(event.entry);
        return;
      case "truncated":
        this.#hub.truncate(event.channel, event.seq);
        return;
      case "epoch":
        this.#options.logger.warn("The stream's shared store lost its data", {
          epoch: event.epoch,
        });
        this.#hub.resetEpoch(event.epoch);
        return;
      case "connection":
        this.#options.logger[event.connected ? "info" : "warn"](
          event.connected
            ? "Stream engine reconnected"
            : "Stream engine disconnected",
          { kind: this.engine.kind },
        );
        return;
    }
  }

  #onEntry(entry: EngineEntry): void {
    if (entry.channel === ALERT_CHANNEL) {
      this.#options.onAlert(JSON.parse(entry.data) as AlertFrame);
      return;
    }
    if (entry.channel === CONTROL_CHANNEL) {
      this.#onControl(JSON.parse(entry.data) as ControlEvent);
      return;
    }
    const ts = tickDataTs(entry.data);
    if (ts !== undefined && !this.#memory) {
      this.#latency.add(this.#clock.now() - ts);
    }
    this.#hub.applyTick(entry.channel, entry.seq, entry.data);
  }

  #onControl(event: ControlEvent): void {
    if (event.kind === "status") {
      this.#hub.simulated = event.frame.simulated;
      this.#hub.publishStatus(event.frame);
      this.#options.onStatus?.(event);
    } else if (event.kind === "thresholds") {
      this.#options.onThresholds(event);
    }
  }

  /** What `/api/diagnostics` shows about the engine. */
  diagnostics(): EngineDiagnostics {
    return {
      kind: this.engine.kind,
      role: this.role,
      instance: this.engine.instance,
      connected: this.engine.connected,
      epoch: this.engine.epoch,
      lag_ms: this.#latency.last,
    };
  }

  /** What `/metrics` shows about the engine. */
  metrics(): EngineMetrics {
    const stats = this.engine.stats();
    const queue = this.#queue.stats();
    const latency = this.#latency.quantiles();
    return {
      kind: this.engine.kind,
      leader: this.#lease ? 1 : 0,
      connected: this.engine.connected ? 1 : 0,
      publishes_total: stats.publishes,
      gap_backfills_total: stats.gapBackfills,
      lease_acquisitions_total: stats.leaseAcquisitions,
      lease_losses_total: stats.leaseLosses,
      reconnects_total: stats.reconnects,
      publish_failures_total: queue.failed,
      publish_conflated_total: queue.conflated,
      publish_dropped_total: queue.dropped,
      delivery_latency_ms: {
        p50: latency.p50,
        p99: latency.p99,
        max: latency.max,
      },
    };
  }

  /** Stops leading (releasing the lease at once) and following. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#handoverTimer !== undefined) {
      this.#clock.clearTimer(this.#handoverTimer);
    }
    await this.#queue.idle();
    if (this.#lease && !this.#memory) {
      await this.saveHandover();
    }
    await this.#keeper?.stop();
    this.#lease = undefined;
    this.#unsubscribe?.();
  }
}
