/**
 * The screener page's shared client: one `/ws/market` socket (kept alive by
 * {@linkcode StreamConnection}, as the dashboard's is), the
 * {@linkcode ScreenerModel} its market frames feed, the market-wide ledger of
 * the alerts it carries, and the viewer's watchlist. Frames are applied in
 * batches (at most four renders a second: market frames come once a second,
 * alerts whenever they are raised); islands re-render on `version`.
 *
 * Islands get it from `useMarketPage` (`use_market_page.ts`), which starts it
 * once the page's islands have hydrated and stops it with the last one. On
 * the server each island gets a throwaway instance that never starts.
 */
import {
  batch,
  type ReadonlySignal,
  type Signal,
  signal,
} from "@preact/signals";
import { systemClock, type TimerId } from "../clock/clock.ts";
import type {
  AlertFrame,
  MarketItem,
  ServerFrame,
} from "../protocol/frames.ts";
import type { DashboardEnvironment } from "./dashboard_inputs.ts";
import { FrameBatcher } from "./frame_batcher.ts";
import { ScreenerModel } from "./screener.ts";
import {
  type ConnectionState,
  pageConnection,
  type StreamConnection,
} from "./stream_connection.ts";
import {
  defaultWatchlist,
  readWatchlist,
  toggleWatch,
  writeWatchlist,
} from "./watchlist.ts";

/** Least time between two renders of the screener, ms. */
export const SCREENER_RENDER_MS = 250;

/** Alerts the market ledger keeps, newest first. */
export const LEDGER_SIZE = 100;

/** What the server rendered into the screener page. */
export interface MarketPageSeed {
  /** The rows rendered on the server (the socket's first frame brings all). */
  readonly items?: readonly MarketItem[];
  /** Recent alerts, newest first. */
  readonly alerts?: readonly AlertFrame[];
  /** Every tracked id, in configuration order (the default watchlist). */
  readonly firstSymbols?: readonly string[];
}

/** The `/ws/market` URL for a page at `base`. */
export function marketStreamUrl(base: string): string {
  const url = new URL("/ws/market", base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/** The screener page's state and connection. */
export class MarketPage {
  readonly model: ScreenerModel = new ScreenerModel();
  /** Bumped when the model changes. */
  readonly version: Signal<number> = signal(0);
  /** Whether a market frame has arrived (the seeded rows are only the first). */
  readonly live: Signal<boolean> = signal(false);
  /** Market-wide alerts, newest first. */
  readonly ledger: Signal<readonly AlertFrame[]> = signal([]);
  /** The viewer's watchlist (the ticker strip's pairs). */
  readonly watchlist: Signal<readonly string[]> = signal([]);
  /** Client clock, updated every second while running. */
  readonly now: Signal<number>;
  readonly #environment: DashboardEnvironment | undefined;
  readonly #connection: StreamConnection | undefined;
  readonly #idle = signal<ConnectionState>({ phase: "connecting", attempt: 0 });
  readonly #batcher: FrameBatcher<ServerFrame>;
  #timer: TimerId | undefined;
  #running = false;
  #seenAlerts = new Set<string>();
  #defaultWatchlist: readonly string[] = [];

  /** A page client; without `environment` (the server) it never connects. */
  constructor(environment?: DashboardEnvironment) {
    this.#environment = environment;
    const clock = environment?.clock ?? systemClock;
    this.now = signal(clock.now());
    this.#batcher = new FrameBatcher((frames) => this.#apply(frames), {
      minIntervalMs: SCREENER_RENDER_MS,
      schedule: environment?.schedule,
      clock,
    });
    if (environment) {
      this.#connection = pageConnection(
        environment,
        () => marketStreamUrl(environment.pageUrl()),
        (frame) => this.#batcher.push(frame),
      );
    }
  }

  /** The connection state (always "connecting" on the server). */
  get connectionState(): ReadonlySignal<ConnectionState> {
    return this.#connection?.state ?? this.#idle;
  }

  /** Takes in server-rendered data; live frames always win. */
  seed(seed: MarketPageSeed): void {
    if (seed.items) {
      this.model.seed(seed.items);
      this.version.value++;
    }
    if (seed.alerts) this.#addAlerts(seed.alerts, true);
    if (seed.firstSymbols) {
      this.#defaultWatchlist = defaultWatchlist(seed.firstSymbols);
      if (!this.#running) this.watchlist.value = this.#defaultWatchlist;
    }
  }

  /** Adds `symbol` to the watchlist or takes it off, and remembers it. */
  toggleWatch(symbol: string): void {
    this.watchlist.value = toggleWatch(this.watchlist.peek(), symbol);
    writeWatchlist(this.#environment?.localStorage, this.watchlist.peek());
  }

  /** Reconnects now, dropping any backoff. */
  retryNow(): void {
    this.#connection?.retryNow();
  }

  /** Starts the socket and the clock (browser only). */
  start(): void {
    const environment = this.#environment;
    if (this.#running || !environment) return;
    this.#running = true;
    this.watchlist.value = readWatchlist(environment.localStorage) ??
      this.#defaultWatchlist;
    const tick = () => {
      this.now.value = environment.clock.now();
      this.#timer = environment.clock.setTimer(tick, 1_000);
    };
    tick();
    this.#connection?.start();
  }

  /** Stops everything `start` began. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#connection?.dispose();
    this.#batcher.dispose();
    if (this.#timer !== undefined) {
      this.#environment?.clock.clearTimer(this.#timer);
    }
  }

  #apply(frames: ServerFrame[]): void {
    batch(() => {
      let changed = false;
      const alerts: AlertFrame[] = [];
      for (const frame of frames) {
        if (frame.type === "market") {
          changed = this.model.apply(frame) || changed;
          this.live.value = true;
        } else if (frame.type === "alert") alerts.push(frame);
      }
      if (alerts.length > 0) {
        this.#addAlerts(alerts.reverse(), false);
        changed = true;
      }
      if (changed) this.version.value++;
    });
  }

  /** Adds alerts (newest first) the ledger has not seen. */
  #addAlerts(alerts: readonly AlertFrame[], seeded: boolean): void {
    const fresh = alerts.filter((a) => !this.#seenAlerts.has(a.id));
    if (fresh.length === 0) return;
    for (const alert of fresh) {
      this.#seenAlerts.add(alert.id);
      this.model.noteAlert(alert);
    }
    const merged = seeded
      ? [...this.ledger.peek(), ...fresh]
      : [...fresh, ...this.ledger.peek()];
    merged.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const kept = merged.slice(0, LEDGER_SIZE);
    if (merged.length > LEDGER_SIZE) {
      this.#seenAlerts = new Set(kept.map((a) => a.id));
    }
    this.ledger.value = kept;
  }
}
