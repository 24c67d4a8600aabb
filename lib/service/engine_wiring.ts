/**
 * What this instance does as the stream engine's leader or follower: the
 * link's listeners (alerts to the cache and sockets, threshold and
 * price-alert changes, the leader's status, candles and the tape from the
 * leader) and what a change of role starts and stops — ingestion, building
 * bars, judging price levels — with the state handed from one leader to the
 * next. Also the leader's status announcements: on every change, and with a
 * shared engine every two seconds, so followers' diagnostics stay current.
 * The lifecycle file (`sentinel_service.ts`) creates the parts; this one
 * connects them to the engine.
 */
import type { AlertEngine } from "../alerts/alert_engine.ts";
import type { Clock } from "../clock/clock.ts";
import { repeatEvery } from "../clock/repeat.ts";
import { MemoryEngine } from "../engine/memory_engine.ts";
import type { StreamEngine } from "../engine/stream_engine.ts";
import type { RingBuffer } from "../hub/ring_buffer.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import type { UpstreamState } from "../ingestion/engines/engine_contract.ts";
import type { ThresholdStore } from "../ledger/threshold_store.ts";
import type { Logger } from "../observability/logger.ts";
import type { DiagnosticsResponse } from "../protocol/api_types.ts";
import type { AlertFrame } from "../protocol/frames.ts";
import type { CandleStage } from "./candle_stage.ts";
import type { MarketCategory } from "../market/tracked_symbol.ts";
import type { ListingChange } from "./market_catalog.ts";
import {
  type ListingAnnouncement,
  listingAnnouncements,
} from "./listing_announcement.ts";
import { statusFrame } from "./diagnostics.ts";
import { EngineLink } from "./engine_link.ts";
import type { LeaderIngestion } from "./leader_ingestion.ts";
import type { PriceAlerts } from "./price_alerts.ts";

/** How often a leader on a shared engine republishes its status, ms. */
const STATUS_REPUBLISH_MS = 2_000;

/** Options of {@linkcode EngineWiring}. */
export interface EngineWiringOptions {
  readonly engine: StreamEngine;
  readonly hub: StreamHub;
  /** Lease lifetime, ms. */
  readonly leaseMs: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly thresholds: ThresholdStore;
  readonly alertRules: AlertEngine;
  readonly ingestion: LeaderIngestion;
  readonly candleStage: CandleStage;
  readonly priceAlerts: PriceAlerts;
  /** Newest stored alerts, for server-rendered pages. */
  readonly recentAlerts: RingBuffer<AlertFrame>;
  /** Whether a channel id is tracked now (the listing changes at runtime). */
  readonly tracks: (symbol: string) => boolean;
  /**
   * The leader announced a listing change (every instance; the leader's own
   * is already applied, so applying it again changes nothing).
   */
  readonly onListing?: (announcement: ListingAnnouncement) => void;
  /** The service's diagnostics, which a status frame is made of. */
  readonly diagnostics: () => DiagnosticsResponse;
}

/** The link to the engine and the roles it gives this instance. */
export class EngineWiring {
  readonly link: EngineLink;
  #options: EngineWiringOptions;
  #shared: boolean;
  #upstream: UpstreamState | undefined;
  #leaderUpstream: UpstreamState | undefined;
  #lastStatus = "";
  #ledSince: number | undefined;
  #repeats: { stop(): void } | undefined;

  /** See {@linkcode EngineWiringOptions}; call {@linkcode start}. */
  constructor(options: EngineWiringOptions) {
    this.#options = options;
    this.#shared = !(options.engine instanceof MemoryEngine);
    const { engine, hub, logger, clock, candleStage, priceAlerts } = options;
    const { alertRules, ingestion, thresholds, tracks } = options;
    this.link = new EngineLink({
      engine,
      hub,
      leaseMs: options.leaseMs,
      logger,
      clock,
      onAlert: (alert) => {
        options.recentAlerts.push(alert);
        hub.publishAlert(alert);
        logger.info("Alert", {
          id: alert.id,
          symbol: alert.symbol,
          kind: alert.kind,
          notional: alert.notional,
          threshold: alert.threshold,
        });
      },
      onThresholds: ({ symbol, changes }) => {
        thresholds.adopt(symbol, changes);
        if (!tracks(symbol)) return;
        alertRules.setThresholds(symbol, changes);
        if (changes.whale !== undefined) {
          ingestion.setThreshold(symbol, changes.whale);
        }
      },
      onListing: options.onListing,
      onPriceAlerts: () =>
        void priceAlerts.refresh().catch((error) =>
          logger.warn("Price alerts could not be read again", { error })
        ),
      onStatus: (announcement) => {
        candleStage.statusChanged(announcement.frame);
        if (this.link.role === "follower") {
          this.#leaderUpstream = announcement.upstream as
            | UpstreamState
            | undefined;
        }
      },
      onDerived: (data) => candleStage.applyDerived(data),
      onDerivedGap: () => candleStage.derivedGap(),
      onRole: (role) => {
        this.#lastStatus = "";
        priceAlerts.leading = role === "leader";
        if (role === "leader") {
          this.#leaderUpstream = undefined;
          this.#ledSince = clock.now();
          void candleStage.lead();
          void ingestion.lead();
        } else {
          this.#upstream = undefined;
          void candleStage.follow();
          void ingestion.follow();
        }
      },
      handover: {
        save: (at) => ({
          ...alertRules.handover(at),
          priceLevels: priceAlerts.handover(),
        }),
        adopt: (state) => {
          alertRules.adopt(state);
          if (state.priceLevels) priceAlerts.adopt(state.priceLevels);
        },
      },
    });
  }

  /** This instance's ingestion state, while it leads. */
  get upstream(): UpstreamState | undefined {
    return this.#upstream;
  }

  /**
   * When this instance last became the leader: its ingestion warms up from
   * then, not from the process's start, so a new leader does not announce
   * the feed offline while its first connection is still being made.
   */
  get ledSince(): number | undefined {
    return this.#ledSince;
  }

  /** The upstream state to show: this instance's, else the leader's. */
  get shownUpstream(): UpstreamState | undefined {
    return this.#upstream ?? this.#leaderUpstream;
  }

  /** Ingestion reported a new state: announce it when it changed. */
  setUpstream(state: UpstreamState): void {
    this.#upstream = state;
    this.publishStatusIfChanged();
  }

  /** The leader tells every instance (this one too) when upstream changes. */
  publishStatusIfChanged(force = false): void {
    if (this.link.role !== "leader") return;
    const frame = statusFrame(this.#options.diagnostics());
    const key = `${frame.upstream}|${frame.simulated}|${frame.mode}`;
    if (key === this.#lastStatus && !force) return;
    this.#lastStatus = key;
    this.link.publishStatus(frame, this.#shared ? this.#upstream : undefined);
  }

  /**
   * The listing this instance read changed `market`: the leader of a shared
   * engine tells the followers, so they follow the same symbols at once.
   */
  announceListing(market: MarketCategory, change: ListingChange): void {
    if (!this.#shared || this.link.role !== "leader") return;
    for (const announcement of listingAnnouncements(market, change)) {
      this.link.announceListing(announcement).catch((error) =>
        this.#options.logger.warn("Listing change not announced", {
          market,
          error,
        })
      );
    }
  }

  /** Joins the stream and starts the periodic status of a shared engine. */
  async start(): Promise<void> {
    await this.link.start();
    if (!this.#shared) return;
    this.#repeats = repeatEvery(
      this.#options.clock,
      STATUS_REPUBLISH_MS,
      () => this.publishStatusIfChanged(true),
    );
  }

  /** Stops the periodic status (the link stops separately, later). */
  stopRepeats(): void {
    this.#repeats?.stop();
  }
}
