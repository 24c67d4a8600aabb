/**
 * Connects one instance to the shared stream: what the engine delivers goes
 * to the local hub (ticks), the alert cache and sockets (alerts), the
 * control listeners (threshold and price-alert changes, the leader's status)
 * and the derived-data listener (candles, the tape); what this instance's
 * ingestion produces goes to the engine — but only while this instance holds
 * the leader lease (`engine_leadership.ts`).
 *
 * Every instance, the leader included, fans out what the engine delivers, so
 * all of them send the same seq for the same tick. With the memory engine the
 * delivery is synchronous and unfenced: the path from ingestion to sockets is
 * a few calls, as in a single process it always was.
 */
import type { ThresholdKind } from "../alerts/symbol_thresholds.ts";
import { type Clock, systemClock } from "../clock/clock.ts";
import { LatencyWindow } from "../engine/latency_window.ts";
import type { EngineRole } from "../engine/lease_keeper.ts";
import { MemoryEngine } from "../engine/memory_engine.ts";
import { PublishQueue } from "../engine/publish_queue.ts";
import {
  ALERT_CHANNEL,
  CONTROL_CHANNEL,
  DERIVED_CHANNEL,
  type EngineDraft,
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
import {
  type ControlEvent,
  type ListingAnnouncement,
  parseControlEvent,
  type StatusAnnouncement,
  type ThresholdAnnouncement,
} from "./control_events.ts";
import { EngineLeadership, type HandoverState } from "./engine_leadership.ts";

export type {
  StatusAnnouncement,
  ThresholdAnnouncement,
} from "./control_events.ts";

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
  /** The stored price-level alerts changed (on every instance). */
  readonly onPriceAlerts?: () => void;
  /** The leader's listing changed (on every instance, the leader included). */
  readonly onListing?: (announcement: ListingAnnouncement) => void;
  /**
   * An entry of derived data (`data` as published) in order, on every
   * instance, the leader included — at start also every one still held.
   */
  readonly onDerived?: (data: string) => void;
  /**
   * Derived data was lost on the way (left history while this instance was
   * cut off, or the store lost its data): what was derived from it must be
   * read again from the shared store.
   */
  readonly onDerivedGap?: () => void;
  /**
   * This instance started or stopped leading: start or stop ingestion. Runs
   * after the handover state was adopted (when leading).
   */
  readonly onRole: (role: EngineRole) => void;
  /** The state to hand over (saved while leading). */
  readonly handover: HandoverState;
  /** Time, timers. Default the system clock. */
  readonly clock?: Clock;
}

/** The instance's side of the shared stream. */
export class EngineLink {
  readonly engine: StreamEngine;
  #options: EngineLinkOptions;
  #hub: StreamHub;
  #clock: Clock;
  #leadership: EngineLeadership;
  #memory: MemoryEngine | undefined;
  #queue: PublishQueue;
  #latency = new LatencyWindow();
  #unsubscribe: (() => void) | undefined;
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
    this.#leadership = new EngineLeadership({
      engine: options.engine,
      leaseMs: options.leaseMs,
      logger: options.logger,
      handover: options.handover,
      clock: this.#clock,
      onRole: (role) => {
        if (role === "follower") this.#queue.clear();
        options.onRole(role);
      },
    });
    this.#queue = new PublishQueue({
      engine: options.engine,
      // Ticks are snapshots: the newest says what the older ones did. Derived
      // data (closed bars, trades) is not: it is never conflated.
      conflate: options.engine.kind === "kv"
        ? (channel) => channel !== DERIVED_CHANNEL
        : false,
      onRefused: (result) => {
        options.logger.warn("Publish refused by the stream engine", {
          reason: result.reason,
        });
        if (result.reason === "fenced") this.#leadership.lose();
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
    return this.#leadership.role;
  }

  /** The lease while leading, for fenced writes (alerts, stores). */
  get lease(): Lease | undefined {
    return this.#leadership.lease;
  }

  /**
   * Seeds the hub with the shared history, hands the held derived data to
   * its listener, then follows the engine and starts competing for the
   * lease (the memory engine leads at once).
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
    const status = control.entries.map((e) => parseControlEvent(e.data))
      .findLast((e) => e?.kind === "status");
    if (status) this.#onControl(status);
    const derived = await this.engine.history(DERIVED_CHANNEL, 0);
    let derivedSeq = 0;
    if (this.#options.onDerived) {
      for (const entry of derived.entries) {
        this.#options.onDerived(entry.data);
        derivedSeq = entry.seq;
      }
    }
    seeding = false;
    // Duplicates of the seeded history are dropped by the hub (seq order).
    for (const event of early) {
      const seen = event.type === "entry" &&
        event.entry.channel === DERIVED_CHANNEL &&
        event.entry.seq <= derivedSeq;
      if (!seen) this.#onEvent(event);
    }
    await this.#leadership.start();
  }

  /** Stores the handover state for a next leader (no-op as follower). */
  saveHandover(): Promise<void> {
    return this.#leadership.saveHandover();
  }

  /**
   * Publishes ticks from this instance's ingestion (dropped unless leading).
   *
   * `ts` is the server's emit time: when the batch the tick came in began
   * to go out, one stamp for the whole batch on every engine. A tick whose
   * symbol is broadcast after others of its batch thus carries their
   * broadcasts in its latency, as its subscribers do (bench/README.md, "One
   * stamp per batch").
   */
  publishTicks(ticks: readonly AnalyzedTick[]): void {
    const now = this.#clock.now();
    this.#publish(ticks.map((tick) => ({
      channel: tick.symbol,
      data: tickData(tick, now),
    })));
  }

  /**
   * Publishes derived data for every instance (leader only, fenced, in
   * order, never conflated): each item one entry of the derived channel.
   */
  publishDerived(items: readonly string[]): void {
    this.#publish(items.map((data) => ({ channel: DERIVED_CHANNEL, data })));
  }

  /** Publishes `drafts` while leading (synchronously on the memory engine). */
  #publish(drafts: EngineDraft[]): void {
    const lease = this.lease;
    if (!lease || this.#stopped || drafts.length === 0) return;
    if (this.#memory) this.#memory.publishNow(drafts);
    else this.#queue.push(drafts, lease);
  }

  /**
   * Publishes the upstream status (leader only): on a change, and — with a
   * shared engine — periodically, so followers' diagnostics stay current.
   */
  publishStatus(frame: StatusFrame, upstream?: unknown): void {
    this.#publish([{
      channel: CONTROL_CHANNEL,
      data: JSON.stringify(
        { kind: "status", frame, upstream } satisfies ControlEvent,
      ),
    }]);
  }

  /** Tells every instance (this one included) about a threshold change. */
  announceThresholds(
    symbol: string,
    changes: Partial<Record<ThresholdKind, number>>,
  ): Promise<void> {
    return this.#announce({ kind: "thresholds", symbol, changes });
  }

  /** Tells every instance (this one included) the price alerts changed. */
  announcePriceAlerts(): Promise<void> {
    return this.#announce({ kind: "price_alerts" });
  }

  /** Tells every instance (this one included) a listing change. */
  announceListing(announcement: ListingAnnouncement): Promise<void> {
    return this.#announce(announcement);
  }

  /** Publishes a control event from any instance (unfenced). */
  async #announce(event: ControlEvent): Promise<void> {
    const result = await this.engine.publish([{
      channel: CONTROL_CHANNEL,
      data: JSON.stringify(event),
    }]);
    if (!result.ok) {
      throw new Error(`${event.kind} change not announced: ${result.reason}`);
    }
  }

  /**
   * Appends a stored alert for delivery to every instance, once per `key`,
   * under this leader's fence; false when the lease is gone.
   */
  async deliverAlert(key: string, alert: AlertFrame): Promise<boolean> {
    const lease = this.lease;
    if (!lease) return false;
    const result = await this.engine.appendAlert(
      key,
      JSON.stringify(alert),
      lease,
    );
    if (!result.ok && result.reason === "fenced") this.#leadership.lose();
    return result.ok;
  }

  #onEvent(event: EngineEvent): void {
    switch (event.type) {
      case "entry":
        this.#onEntry(event.entry);
        return;
      case "truncated":
        if (event.channel === DERIVED_CHANNEL) this.#options.onDerivedGap?.();
        else this.#hub.truncate(event.channel, event.seq);
        return;
      case "epoch":
        this.#options.logger.warn("The stream's shared store lost its data", {
          epoch: event.epoch,
        });
        this.#hub.resetEpoch(event.epoch);
        this.#options.onDerivedGap?.();
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
      const event = parseControlEvent(entry.data);
      if (event) this.#onControl(event);
      return;
    }
    if (entry.channel === DERIVED_CHANNEL) {
      this.#options.onDerived?.(entry.data);
      return;
    }
    if (!this.#memory) {
      const ts = tickDataTs(entry.data);
      if (ts !== undefined) this.#latency.add(this.#clock.now() - ts);
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
    } else if (event.kind === "price_alerts") {
      this.#options.onPriceAlerts?.();
    } else if (event.kind === "listing") {
      this.#options.onListing?.(event);
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
      leader: this.lease ? 1 : 0,
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
    await this.#queue.idle();
    await this.#leadership.stop();
    this.#unsubscribe?.();
  }
}
