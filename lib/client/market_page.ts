/**
 * The screener page's shared client: one `/ws/market` socket (kept alive by
 * {@linkcode StreamConnection}, as the dashboard's is), the
 * {@linkcode ScreenerModel} its market frames feed, the market-wide ledger of
 * the alerts it carries, and the viewer's watchlist. Frames are applied in
 * batches (at most four a second: market frames come once a second, alerts
 * whenever they are raised).
 *
 * With a whole market every row changes every second, so the table must not
 * re-render as a whole per frame: each market has a row signal that only its
 * row reads, and the table reads an order signal that changes only when the
 * order does (a frame that moves no row past another re-renders no table).
 *
 * Islands get it from `useMarketPage` (`use_market_page.ts`), which starts it
 * once the page's islands have hydrated and stops it with the last one. On
 * the server each island gets a throwaway instance that never starts.
 */
import {
  batch,
  computed,
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
import {
  sameOrder,
  ScreenerModel,
  type ScreenerQuery,
  type ScreenerRow,
} from "./screener.ts";
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
  /** Markets known (the model's size, as a signal). */
  readonly size: Signal<number> = signal(0);
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
  /** Row signals of the markets some row has asked for. */
  #rows = new Map<string, Signal<ScreenerRow | undefined>>();
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

  /**
   * `symbol`'s row as a signal (made on first use), set whenever a frame or
   * an alert changes it: a row that reads it re-renders alone.
   */
  row(symbol: string): ReadonlySignal<ScreenerRow | undefined> {
    let row = this.#rows.get(symbol);
    if (!row) {
      row = signal(this.model.row(symbol));
      this.#rows.set(symbol, row);
    }
    return row;
  }

  /**
   * The ids `query` selects, in its order, as a signal: recomputed when the
   * model or the query changes, and a new array only when the order differs
   * from the last one (so the table re-renders only then).
   */
  order(query: ReadonlySignal<ScreenerQuery>): ReadonlySignal<
    readonly string[]
  > {
    let last: readonly string[] = [];
    return computed(() => {
      this.version.value;
      const next = this.model.order(query.value);
      return sameOrder(last, next) ? last : (last = next);
    });
  }

  /** Takes in server-rendered data; live frames always win. */
  seed(seed: MarketPageSeed): void {
    if (seed.items) {
      this.model.seed(seed.items);
      this.#refresh(seed.items.map((item) => item.symbol));
      this.version.value++;
    }
    if (seed.alerts && this.#addAlerts(seed.alerts, true)) this.version.value++;
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
          if (this.model.apply(frame)) {
            changed = true;
            this.#refresh(frame.items.map((item) => item.symbol));
            this.#refresh(frame.removed ?? []);
          }
          this.live.value = true;
        } else if (frame.type === "alert") alerts.push(frame);
      }
      if (alerts.length > 0 && this.#addAlerts(alerts.reverse(), false)) {
        changed = true;
      }
      if (changed) this.version.value++;
    });
  }

  /** Sets the row signals of `symbols` from the model; drops removed ones. */
  #refresh(symbols: Iterable<string>): void {
    this.size.value = this.model.size;
    for (const symbol of symbols) {
      const row = this.#rows.get(symbol);
      if (!row) continue;
      row.value = this.model.row(symbol);
      // A row still showing it reads the map again when it re-renders.
      if (row.value === undefined) this.#rows.delete(symbol);
    }
  }

  /** Adds alerts (newest first) the ledger has not seen; true if any. */
  #addAlerts(alerts: readonly AlertFrame[], seeded: boolean): boolean {
    const fresh = alerts.filter((a) => !this.#seenAlerts.has(a.id));
    if (fresh.length === 0) return false;
    for (const alert of fresh) {
      this.#seenAlerts.add(alert.id);
      this.model.noteAlert(alert);
    }
    this.#refresh(new Set(fresh.map((alert) => alert.symbol)));
    const merged = seeded
      ? [...this.ledger.peek(), ...fresh]
      : [...fresh, ...this.ledger.peek()];
    merged.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const kept = merged.slice(0, LEDGER_SIZE);
    if (merged.length > LEDGER_SIZE) {
      this.#seenAlerts = new Set(kept.map((a) => a.id));
    }
    this.ledger.value = kept;
    return true;
  }
}
