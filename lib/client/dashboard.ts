/**
 * The dashboard's shared client: one per page, shared by every island. It
 * wires the socket to the store (frames batched per animation frame), reloads
 * history after a `reset`, rings the chime on live alerts, polls the few
 * numbers the socket does not carry (diagnostics, rooms, metrics: every 10 s,
 * only while the tab is visible), keeps a 1 s clock for freshness and
 * countdowns, and remembers preferences.
 *
 * Islands get it from `useDashboard` (see `use_dashboard.ts`), which also
 * counts them: the client starts when the first island mounts and stops —
 * socket closed, every timer cleared — when the last one unmounts. On the
 * server each island gets a throwaway instance that never starts, so no state
 * is shared between requests.
 */
import {
  effect,
  type ReadonlySignal,
  type Signal,
  signal,
} from "@preact/signals";
import { type Clock, systemClock, type TimerId } from "../clock/clock.ts";
import type { AlertFrame, ServerFrame, TickFrame } from "../protocol/frames.ts";
import type {
  DiagnosticsResponse,
  MetricsResponse,
  RoomsResponse,
} from "../protocol/api_types.ts";
import { type Fetch, getJson } from "./api_client.ts";
import { FrameBatcher, type Schedule } from "./frame_batcher.ts";
import { MarketStore } from "./market_store.ts";
import {
  type ChartWindow,
  type Preferences,
  readPreferences,
  writePreferences,
} from "./preferences.ts";
import { streamUrl } from "./reconnect_policy.ts";
import { severityOf } from "./severity.ts";
import {
  type BrowserEvents,
  type ConnectionState,
  StreamConnection,
} from "./stream_connection.ts";
import type { SeriesPoint } from "./tick_series.ts";
import { WhaleChime } from "./whale_chime.ts";

/** Server-rendered data an island hands to the client (all optional but symbols). */
export interface DashboardSeed {
  readonly symbols: readonly string[];
  readonly epoch?: string;
  readonly simulated?: boolean;
  readonly ticks?: readonly (TickFrame | null)[];
  readonly history?: {
    readonly symbol: string;
    readonly points: readonly SeriesPoint[];
  };
  readonly alerts?: readonly AlertFrame[];
  readonly thresholds?: Readonly<Record<string, number>>;
  readonly diagnostics?: DiagnosticsResponse;
  readonly rooms?: RoomsResponse;
  readonly metrics?: MetricsResponse;
  /** Server time the page was rendered, epoch ms. */
  readonly renderedAt?: number;
}

/** A value polled from the API, with the client time it arrived. */
export interface Polled<T> {
  readonly value: T;
  readonly at: number;
}

/** Browser facilities the dashboard uses (injected for tests). */
export interface DashboardEnvironment {
  readonly pageUrl: () => string;
  readonly fetch: Fetch;
  readonly createSocket: (url: string) => WebSocket;
  readonly clock: Clock;
  readonly events: BrowserEvents;
  readonly localStorage?: Storage;
  readonly random?: () => number;
  /** How frame flushes are scheduled. Default: animation frames. */
  readonly schedule?: Schedule;
}

/** Least time between two renders of live data, ms (10 updates a second). */
export const RENDER_INTERVAL_MS = 100;

/** How often diagnostics, rooms and metrics are polled, ms. */
export const POLL_INTERVAL_MS = 10_000;
/** First poll after start: late enough to count this page's own socket. */
export const FIRST_POLL_MS = 1_500;

/** The page's client state and connection. */
export class Dashboard {
  readonly store: MarketStore;
  /** Client clock, updated every second while running. */
  readonly now: Signal<number>;
  readonly diagnostics: Signal<Polled<DiagnosticsResponse> | null> = signal(
    null,
  );
  readonly rooms: Signal<Polled<RoomsResponse> | null> = signal(null);
  readonly metrics: Signal<Polled<MetricsResponse> | null> = signal(null);
  readonly chartWindow: Signal<ChartWindow> = signal("5m");
  readonly chimeOn: Signal<boolean> = signal(false);
  readonly chime = new WhaleChime();
  readonly #environment: DashboardEnvironment | undefined;
  readonly #connection: StreamConnection | undefined;
  readonly #idle = signal<ConnectionState>({ phase: "connecting", attempt: 0 });
  readonly #batcher: FrameBatcher<ServerFrame>;
  #timers: TimerId[] = [];
  #stopEffects: (() => void)[] = [];
  #running = false;
  #preferences: Preferences;

  /** A dashboard; without `environment` (the server) it never connects. */
  constructor(symbols: readonly string[], environment?: DashboardEnvironment) {
    this.#environment = environment;
    const clock = environment?.clock ?? systemClock;
    this.store = new MarketStore(symbols, clock);
    this.now = signal(clock.now());
    this.#preferences = readPreferences(environment?.localStorage, symbols);
    this.#batcher = new FrameBatcher((frames) => this.#applyFrames(frames), {
      minIntervalMs: RENDER_INTERVAL_MS,
      schedule: environment?.schedule,
      clock,
    });
    if (environment) {
      this.#connection = new StreamConnection({
        url: () => {
          // Apply queued frames first: the resume point must be the newest.
          this.#batcher.flushNow();
          return streamUrl(
            environment.pageUrl(),
            this.store.symbols.peek(),
            this.store.resumePoints(),
            this.store.session.peek()?.epoch,
          );
        },
        onFrame: (frame) => this.#batcher.push(frame),
        createSocket: environment.createSocket,
        fetch: (url) => environment.fetch(url, { cache: "no-store" }),
        clock: environment.clock,
        random: environment.random,
        events: environment.events,
      });
    }
  }

  /** The connection state (always "connecting" on the server). */
  get connectionState(): ReadonlySignal<ConnectionState> {
    return this.#connection?.state ?? this.#idle;
  }

  /** The viewer's saved preferences (applied by `start`). */
  get preferences(): Preferences {
    return this.#preferences;
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
    if (seed.ticks) store.seedTicks(seed.ticks);
    if (seed.history) {
      store.seedHistory(seed.history.symbol, seed.history.points);
    }
    if (seed.alerts) store.seedAlerts(seed.alerts);
    if (seed.thresholds) store.seedThresholds(seed.thresholds);
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
   * symbol is restored; every change is saved, and on a deep link the URL
   * follows the selection.
   */
  adoptSelection(selected: Signal<string>, deepLinked: boolean): void {
    const saved = this.#preferences.symbol;
    if (!deepLinked && saved && saved !== selected.peek()) {
      selected.value = saved;
    }
    this.#stopEffects.push(effect(() => {
      const symbol = selected.value;
      this.#savePreferences({ symbol });
      if (deepLinked && typeof history !== "undefined") {
        const path = `/s/${encodeURIComponent(symbol)}`;
        if (location.pathname !== path) history.replaceState(null, "", path);
      }
    }));
  }

  /** Turns the chime on (from a click) or off, and remembers it. */
  setChime(on: boolean): void {
    this.chime.setEnabled(on);
    this.chimeOn.value = on;
    this.#savePreferences({ chime: on });
  }

  /** Chooses the chart window, and remembers it. */
  setChartWindow(window: ChartWindow): void {
    this.chartWindow.value = window;
    this.#savePreferences({ window });
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
    this.#connection?.start();
  }

  /** Stops everything `start` began. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#connection?.dispose();
    this.#batcher.dispose();
    for (const id of this.#timers) this.#environment?.clock.clearTimer(id);
    this.#timers = [];
    for (const stop of this.#stopEffects) stop();
    this.#stopEffects = [];
  }

  #applyFrames(frames: ServerFrame[]): void {
    const outcome = this.store.apply(frames);
    if (outcome.resetSymbols.length > 0) this.#connection?.reloadHistory();
    const loudest = outcome.newAlerts.reduce<AlertFrame | undefined>(
      (top, alert) => (!top || alert.notional > top.notional ? alert : top),
      undefined,
    );
    if (loudest) this.chime.play(severityOf(loudest.notional).level);
  }

  async #poll(environment: DashboardEnvironment): Promise<void> {
    const [diagnostics, rooms, metrics] = await Promise.all([
      getJson<DiagnosticsResponse>(environment.fetch, "/api/diagnostics"),
      getJson<RoomsResponse>(environment.fetch, "/api/rooms"),
      getJson<MetricsResponse>(environment.fetch, "/api/metrics"),
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

/** The browser's facilities. */
export function browserEnvironment(): DashboardEnvironment {
  return {
    pageUrl: () => location.href,
    fetch: (input, init) => fetch(input, init),
    createSocket: (url) => new WebSocket(url),
    clock: systemClock,
    events: {
      addEventListener: (type, listener) =>
        (type === "visibilitychange" ? document : window).addEventListener(
          type,
          listener,
        ),
      removeEventListener: (type, listener) =>
        (type === "visibilitychange" ? document : window).removeEventListener(
          type,
          listener,
        ),
      isOnline: () => navigator.onLine,
      isVisible: () => document.visibilityState === "visible",
    },
    localStorage: safeStorage(() => localStorage),
  };
}

/** Storage access throws in some privacy modes: treat that as no storage. */
export function safeStorage(get: () => Storage): Storage | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
