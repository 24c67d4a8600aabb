/**
 * The dashboard's shared client: one per page, shared by every island. It
 * wires the socket to the stores (frames batched per animation frame): ticks
 * and alerts to the market store, candles and ticks to the candle store,
 * trades to the tape, status frames and its own connection to the outage
 * log. It loads the candles the chart shows (again after every reconnect:
 * candle frames are not replayed), rings the chime on live alerts, polls the
 * few numbers the socket does not carry (diagnostics, rooms, metrics: every
 * 10 s, only while the tab is visible), keeps a 1 s clock for freshness and
 * countdowns, and remembers preferences and the watchlist (the ticker
 * strip's pairs: a saved one naming pairs the page does not stream is
 * checked with `/api/symbols?ids=` before the socket opens, and what is still
 * tracked joins the page's stream).
 *
 * Islands get it from `useDashboard` (see `use_dashboard.ts`), which also
 * counts them: the client starts when the first island mounts and stops —
 * socket closed, every timer cleared — when the last one unmounts. On the
 * server each island gets a throwaway instance that never starts, so no state
 * is shared between requests.
 */
import {
  batch,
  effect,
  type ReadonlySignal,
  type Signal,
  signal,
} from "@preact/signals";
import { systemClock, type TimerId } from "../clock/clock.ts";
import type {
  AlertFrame,
  ServerFrame,
  StatusFrame,
} from "../protocol/frames.ts";
import type {
  DiagnosticsResponse,
  MetricsResponse,
  RoomsResponse,
} from "../protocol/api_types.ts";
import type { CandleFrame } from "../protocol/candles.ts";
import type { PriceAlert } from "../protocol/price_alerts.ts";
import type { TradesFrame } from "../protocol/trades.ts";
import { readAdminToken, writeAdminToken } from "./admin_token.ts";
import { getJson } from "./api_client.ts";
import { CandleStore } from "./candle_store.ts";
import { ChartFeed } from "./chart_feed.ts";
import {
  type ChartWindow,
  DEFAULT_CHART_WINDOW,
  STREAM_INTERVAL,
} from "./chart_windows.ts";
import { FrameBatcher } from "./frame_batcher.ts";
import { ageMs } from "./freshness.ts";
import { type LiveStatus, liveStatus } from "./live_status.ts";
import { MarketStore } from "./market_store.ts";
import { noteConnection, noteStatus } from "./outage_tracker.ts";
import { OutageLog } from "./outages.ts";
import {
  type ChartStyle,
  type Preferences,
  readPreferences,
  writePreferences,
} from "./preferences.ts";
import { streamUrl } from "./reconnect_policy.ts";
import { type SeverityLevel, severityOf } from "./severity.ts";
import {
  type ConnectionState,
  pageConnection,
  type StreamConnection,
} from "./stream_connection.ts";
import { TradeTape } from "./trade_tape.ts";
import {
  defaultWatchlist,
  readWatchlist,
  toggleWatch,
  writeWatchlist,
} from "./watchlist.ts";
import type { SymbolsResponse } from "../protocol/api_types.ts";
import { type ChimeState, WhaleChime } from "./whale_chime.ts";
import type {
  DashboardEnvironment,
  DashboardSeed,
  Polled,
} from "./dashboard_inputs.ts";

/** Least time between two renders of live data, ms (10 updates a second). */
export const RENDER_INTERVAL_MS = 100;

/** How often diagnostics, rooms and metrics are polled, ms. */
export const POLL_INTERVAL_MS = 10_000;
/** First poll after start: late enough to count this page's own socket. */
export const FIRST_POLL_MS = 1_500;

const LOUDNESS: readonly SeverityLevel[] = [
  "notable",
  "level",
  "large",
  "extreme",
];

/** The page's client state and connection. */
export class Dashboard {
  readonly store: MarketStore;
  readonly candles: CandleStore;
  readonly tape = new TradeTape();
  /** The page's own outages (feed down, service unreachable). */
  readonly outages = new OutageLog();
  /** Bumped when {@linkcode outages} changes. */
  readonly outageVersion: Signal<number> = signal(0);
  /** Client clock, updated every second while running. */
  readonly now: Signal<number>;
  readonly diagnostics: Signal<Polled<DiagnosticsResponse> | null> = signal(
    null,
  );
  readonly rooms: Signal<Polled<RoomsResponse> | null> = signal(null);
  readonly metrics: Signal<Polled<MetricsResponse> | null> = signal(null);
  readonly chartWindow: Signal<ChartWindow> = signal(DEFAULT_CHART_WINDOW);
  readonly chartStyle: Signal<ChartStyle> = signal("candles");
  readonly chimeState: Signal<ChimeState> = signal("off");
  /** Pairs whose alerts the ledger hides and the chime ignores. */
  readonly muted: Signal<readonly string[]> = signal([]);
  readonly priceAlerts: Signal<readonly PriceAlert[]> = signal([]);
  /** Per-pair single-trade alert lines (the tape highlights trades by them). */
  readonly tradeThresholds: Signal<Readonly<Record<string, number>>> = signal(
    {},
  );
  /** The viewer's watchlist: the ticker strip's pairs. */
  readonly watchlist: Signal<readonly string[]>;
  /** The admin token typed in this tab (sessionStorage), or "". */
  readonly adminToken: Signal<string> = signal("");
  readonly chime: WhaleChime;
  readonly #environment: DashboardEnvironment | undefined;
  readonly #connection: StreamConnection | undefined;
  readonly #idle = signal<ConnectionState>({ phase: "connecting", attempt: 0 });
  readonly #batcher: FrameBatcher<ServerFrame>;
  #timers: TimerId[] = [];
  #selected: Signal<string> | undefined;
  #stopEffects: (() => void)[] = [];
  #running = false;
  #preferences: Preferences;
  #defaultWatchlist: readonly string[];
  readonly #chart: ChartFeed;

  /** A dashboard; without `environment` (the server) it never connects. */
  constructor(symbols: readonly string[], environment?: DashboardEnvironment) {
    this.#environment = environment;
    const clock = environment?.clock ?? systemClock;
    const clockNow = () => clock.now();
    this.store = new MarketStore(symbols, clock);
    this.#defaultWatchlist = defaultWatchlist(symbols);
    this.watchlist = signal(this.#defaultWatchlist);
    this.candles = new CandleStore({
      fetch: environment?.fetch ?? (() => Promise.reject(new Error("server"))),
      now: clockNow,
      clockOffset: () => this.store.session.peek()?.clockOffsetMs ?? 0,
    });
    this.now = signal(clockNow());
    this.chime = new WhaleChime(
      undefined,
      (state) => (this.chimeState.value = state),
    );
    this.#preferences = readPreferences(environment?.localStorage, symbols);
    this.#chart = new ChartFeed({
      candles: this.candles,
      window: this.chartWindow,
      clock,
      random: environment?.random,
    });
    this.#batcher = new FrameBatcher((frames) => this.#applyFrames(frames), {
      minIntervalMs: RENDER_INTERVAL_MS,
      schedule: environment?.schedule,
      clock,
    });
    if (environment) {
      this.#connection = pageConnection(
        environment,
        () => {
          // Apply queued frames first: the resume point must be the newest.
          this.#batcher.flushNow();
          return streamUrl(
            environment.pageUrl(),
            this.store.symbols.peek(),
            this.store.resumePoints(),
            this.store.session.peek()?.epoch,
            { history: "1", candles: STREAM_INTERVAL, trades: "1" },
          );
        },
        (frame) => this.#batcher.push(frame),
      );
    }
  }

  /** The connection state (always "connecting" on the server). */
  get connectionState(): ReadonlySignal<ConnectionState> {
    return this.#connection?.state ?? this.#idle;
  }

  /**
   * Whether the prices on screen are live, for the pill and the banner
   * (reading it subscribes to what it depends on).
   */
  liveStatus(): LiveStatus {
    const newest = this.store.newestTick();
    const now = this.now.value;
    const offset = this.store.session.value?.clockOffsetMs ?? 0;
    return liveStatus({
      connection: this.connectionState.value,
      upstream: this.store.upstream.value,
      ticksSinceStatus: this.store.ticksSinceStatus(),
      tickAgeMs: newest ? ageMs(newest.ts, now, offset) : null,
      now,
    });
  }

  /** The viewer's saved preferences (applied by `start`). */
  get preferences(): Preferences {
    return this.#preferences;
  }

  /** The server's clock now, as far as the page knows it, epoch ms. */
  serverNow(): number {
    return this.now.peek() + (this.store.session.peek()?.clockOffsetMs ?? 0);
  }

  /** Takes in server-rendered data; newer live data always wins. */
  seed(seed: DashboardSeed): void {
    const { store } = this;
    const at = this.now.peek();
    if (seed.epoch) {
      store.seedSession({
        epoch: seed.epoch,
        simulated: seed.simulated ?? false,
        clockOffsetMs: seed.renderedAt ? seed.renderedAt - at : 0,
      });
    }
    if (seed.firstSymbols) {
      this.#defaultWatchlist = defaultWatchlist(seed.firstSymbols);
      if (!this.#running) this.watchlist.value = this.#defaultWatchlist;
    }
    if (seed.ticks) store.seedTicks(seed.ticks);
    if (seed.alerts) store.seedAlerts(seed.alerts);
    if (seed.thresholds) store.seedThresholds(seed.thresholds);
    if (seed.tradeThresholds) {
      this.tradeThresholds.value = {
        ...seed.tradeThresholds,
        ...this.tradeThresholds.peek(),
      };
    }
    if (seed.candles) {
      const { symbol, interval } = seed.candles;
      if (this.candles.series(symbol, interval).bars.length === 0) {
        this.candles.seed(seed.candles);
      }
      this.#chart.seeded(symbol, DEFAULT_CHART_WINDOW);
    }
    if (seed.trades) this.tape.add(seed.trades.symbol, seed.trades.trades);
    if (seed.priceAlerts && this.priceAlerts.peek().length === 0) {
      this.priceAlerts.value = seed.priceAlerts;
    }
    if (seed.diagnostics && !this.diagnostics.peek()) {
      this.diagnostics.value = { value: seed.diagnostics, at };
    }
    if (seed.rooms && !this.rooms.peek()) {
      this.rooms.value = { value: seed.rooms, at };
    }
    if (seed.metrics && !this.metrics.peek()) {
      this.metrics.value = { value: seed.metrics, at };
    }
  }

  /**
   * Ties the page's selected-symbol signal to preferences: on `/` the saved
   * symbol is restored; every change is saved, the title names it, and on a
   * deep link the URL follows the selection.
   */
  adoptSelection(selected: Signal<string>, deepLinked: boolean): void {
    const saved = this.#preferences.symbol;
    if (!deepLinked && saved && saved !== selected.peek()) {
      selected.value = saved;
    }
    this.#stopEffects.push(effect(() => {
      const symbol = selected.value;
      this.#savePreferences({ symbol });
      this.#environment?.setTitle?.(
        `${symbol.replace("-", "/")} · SATS Sentinel`,
      );
      if (deepLinked && typeof history !== "undefined") {
        const path = `/s/${encodeURIComponent(symbol)}`;
        if (location.pathname !== path) history.replaceState(null, "", path);
      }
    }));
    this.#selected = selected;
    if (this.#running) this.#chart.watch(selected);
  }

  /** Turns the chime on (from a click) or off, and remembers it. */
  setChime(on: boolean): void {
    this.chime.setEnabled(on);
    this.#savePreferences({ chime: on });
  }

  /** Chooses the chart window, and remembers it. */
  setChartWindow(window: ChartWindow): void {
    this.chartWindow.value = window;
    this.#savePreferences({ window });
  }

  /** Chooses candles or a line, and remembers it. */
  setChartStyle(style: ChartStyle): void {
    this.chartStyle.value = style;
    this.#savePreferences({ style });
  }

  /** Mutes or unmutes a pair's alerts, and remembers it. */
  setMuted(symbol: string, muted: boolean): void {
    const others = this.muted.peek().filter((s) => s !== symbol);
    this.muted.value = muted ? [...others, symbol] : others;
    this.#savePreferences({ muted: this.muted.peek() });
  }

  /** Adds `symbol` to the watchlist or takes it off, and remembers it. */
  toggleWatch(symbol: string): void {
    this.watchlist.value = toggleWatch(this.watchlist.peek(), symbol);
    writeWatchlist(this.#environment?.localStorage, this.watchlist.peek());
  }

  /** Keeps the admin token the operator typed, for this tab only. */
  rememberAdminToken(token: string): void {
    this.adminToken.value = token;
    writeAdminToken(this.#environment?.sessionStorage, token);
  }

  /** Reloads the price-alert list. */
  async refreshPriceAlerts(): Promise<void> {
    const environment = this.#environment;
    if (!environment) return;
    const result = await getJson<{ price_alerts: PriceAlert[] }>(
      environment.fetch,
      "/api/price-alerts",
    );
    if (result.ok && Array.isArray(result.data.price_alerts)) {
      this.priceAlerts.value = result.data.price_alerts;
    }
  }

  /** Reconnects now, dropping any backoff (the banner's button). */
  retryNow(): void {
    this.#connection?.retryNow();
  }

  /** Starts the socket, polling and the clock (browser only). */
  start(): void {
    const environment = this.#environment;
    if (this.#running || !environment) return;
    this.#running = true;
    // Saved preferences apply only now: the server rendered the defaults.
    this.chartWindow.value = this.#preferences.window;
    this.chartStyle.value = this.#preferences.style;
    this.muted.value = this.#preferences.muted;
    if (this.#preferences.chime) {
      this.chime.setEnabled(true, environment.audioAllowed?.() ?? false);
    }
    const { clock } = environment;
    const tickClock = () => {
      this.now.value = clock.now();
      this.#timers[0] = clock.setTimer(tickClock, 1_000);
    };
    tickClock();
    const poll = () => {
      if (environment.events.isVisible()) this.#poll(environment);
      this.#timers[1] = clock.setTimer(poll, POLL_INTERVAL_MS);
    };
    this.#timers[1] = clock.setTimer(poll, FIRST_POLL_MS);
    this.adminToken.value = readAdminToken(environment.sessionStorage);
    let wasOpen = false;
    this.#stopEffects.push(effect(() => {
      const open = this.connectionState.value.phase === "open";
      // Only a socket that was open and closed is an outage of this page.
      if (open !== wasOpen) {
        noteConnection(this.outages, open, this.serverNow());
        this.outageVersion.value++;
      }
      wasOpen = open;
    }));
    const saved = readWatchlist(environment.localStorage);
    const streamed = this.store.symbols.peek();
    if (saved === undefined || saved.every((s) => streamed.includes(s))) {
      if (saved !== undefined) this.watchlist.value = saved;
      this.#connection?.start();
    } else {
      // Pairs the page does not stream: ask which are still tracked first.
      this.#adoptWatchlist(environment, saved).finally(() => {
        if (this.#running) this.#connection?.start();
      });
    }
    if (this.#selected) this.#chart.watch(this.#selected);
  }

  /**
   * Takes a saved watchlist naming pairs the page does not stream: those
   * still tracked join the page's stream (with their latest tick and their
   * thresholds, which the page carries for its own pairs only); the rest
   * are dropped. On failure only the streamed ones are kept.
   */
  async #adoptWatchlist(
    environment: DashboardEnvironment,
    saved: readonly string[],
  ): Promise<void> {
    const streamed = this.store.symbols.peek();
    const result = await getJson<SymbolsResponse>(
      environment.fetch,
      `/api/symbols?ids=${encodeURIComponent(saved.join(","))}`,
    );
    const found = result.ok && Array.isArray(result.data.symbols)
      ? result.data.symbols
      : [];
    const tracked = new Set([
      ...streamed,
      ...found.map((s) => s.symbol),
    ]);
    batch(() => {
      this.watchlist.value = saved.filter((s) => tracked.has(s));
      this.store.symbols.value = [
        ...streamed,
        ...found.map((s) => s.symbol).filter((s) => !streamed.includes(s)),
      ];
      this.store.seedTicks(found.map((s) => s.tick));
      this.store.seedThresholds(
        Object.fromEntries(found.map((s) => [s.symbol, s.threshold])),
      );
      this.tradeThresholds.value = {
        ...this.tradeThresholds.peek(),
        ...Object.fromEntries(found.map((s) => [s.symbol, s.trade_threshold])),
      };
    });
  }

  /** Stops everything `start` began. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#connection?.dispose();
    this.#batcher.dispose();
    for (const id of this.#timers) this.#environment?.clock.clearTimer(id);
    this.#chart.stop();
    this.#timers = [];
    for (const stop of this.#stopEffects) stop();
    this.#stopEffects = [];
  }

  #applyFrames(frames: ServerFrame[]): void {
    batch(() => {
      const outcome = this.store.apply(frames);
      const candles: CandleFrame[] = [];
      const trades: TradesFrame[] = [];
      for (const frame of frames) {
        if (frame.type === "candle") candles.push(frame);
        else if (frame.type === "trades") trades.push(frame);
        else if (frame.type === "status") this.#noteStatus(frame);
      }
      this.candles.applyCandles(candles);
      this.candles.applyTicks(outcome.ticks);
      this.tape.apply(trades);
      if (outcome.connected) {
        // Candle frames are not replayed: reload what the chart shows.
        this.#chart.reload();
        this.refreshPriceAlerts();
      } else if (
        outcome.newAlerts.some((a) => severityOf(a).level === "level")
      ) {
        this.refreshPriceAlerts();
      }
      this.#chart.framesApplied();
      this.#ring(outcome.newAlerts);
    });
  }

  #noteStatus(frame: StatusFrame): void {
    noteStatus(this.outages, frame, this.serverNow());
    this.outageVersion.value++;
  }

  #ring(alerts: readonly AlertFrame[]): void {
    const muted = this.muted.peek();
    let loudest = -1;
    for (const alert of alerts) {
      if (muted.includes(alert.symbol)) continue;
      loudest = Math.max(loudest, LOUDNESS.indexOf(severityOf(alert).level));
    }
    if (loudest >= 0) this.chime.play(LOUDNESS[loudest]);
  }

  async #poll(environment: DashboardEnvironment): Promise<void> {
    // Per-symbol figures of the pairs this page streams only.
    const ids = `?ids=${
      encodeURIComponent(this.store.symbols.peek().join(","))
    }`;
    const [diagnostics, rooms, metrics] = await Promise.all([
      getJson<DiagnosticsResponse>(environment.fetch, `/api/diagnostics${ids}`),
      getJson<RoomsResponse>(environment.fetch, `/api/rooms${ids}`),
      getJson<MetricsResponse>(environment.fetch, `/api/metrics${ids}`),
    ]);
    if (!this.#running) return;
    const at = environment.clock.now();
    if (diagnostics.ok) {
      this.diagnostics.value = { value: diagnostics.data, at };
    }
    if (rooms.ok) this.rooms.value = { value: rooms.data, at };
    if (metrics.ok) this.metrics.value = { value: metrics.data, at };
  }

  #savePreferences(change: Partial<Preferences>): void {
    this.#preferences = { ...this.#preferences, ...change };
    writePreferences(this.#environment?.localStorage, this.#preferences);
  }
}
