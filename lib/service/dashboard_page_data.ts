/**
 * What the dashboard page renders on the server: the latest snapshot of every
 * symbol, the selected symbol's candles and recent trades, recent alerts,
 * price alerts, thresholds and the service's numbers, read from the running
 * service (never from upstream), so the first paint already shows live data.
 *
 * The page streams only the pairs it shows: every tracked pair while they
 * fit one `/ws/stream` socket (32), else the first four (the default
 * watchlist) and the selected one — never the history of a whole market.
 * The viewer's own watchlist is the browser's to add (`lib/client`).
 */
import type { AlertFrame, TickFrame } from "../protocol/frames.ts";
import type {
  DiagnosticsResponse,
  MetricsResponse,
  RoomsResponse,
  ThresholdsResponse,
} from "../protocol/api_types.ts";
import {
  CANDLE_INTERVAL_MS,
  type CandlesResponse,
} from "../protocol/candles.ts";
import type { PriceAlertsResponse } from "../protocol/price_alerts.ts";
import type { TapeTrade } from "../protocol/trades.ts";
import type { Services } from "./app_state.ts";
import { MAX_STREAM_SYMBOLS } from "../http/stream_request.ts";
import { defaultWatchlist, pageSymbols } from "../client/watchlist.ts";
import {
  CHART_WINDOWS,
  DEFAULT_CHART_WINDOW,
} from "../client/chart_windows.ts";

/** Alerts rendered into the page (the ledger shows the newest first). */
export const PAGE_ALERTS = 20;

/** Data of the dashboard page. */
export interface DashboardPageData {
  /** The pairs the page streams (see the module comment). */
  readonly symbols: readonly string[];
  /** The first tracked pairs: the default watchlist. */
  readonly firstSymbols: readonly string[];
  /** How many pairs are tracked. */
  readonly tracked: number;
  readonly selected: string;
  /** Opened as `/s/:symbol` (the URL follows the selection). */
  readonly deepLinked: boolean;
  readonly epoch: string;
  readonly simulated: boolean;
  /** Server time of rendering, epoch ms. */
  readonly renderedAt: number;
  /** Latest tick per symbol, in `symbols` order (null before the first). */
  readonly ticks: readonly (TickFrame | null)[];
  /** The selected symbol's bars for the default chart window. */
  readonly candles: CandlesResponse;
  /** The selected symbol's recent trades, oldest first. */
  readonly trades: {
    readonly symbol: string;
    readonly trades: readonly TapeTrade[];
  };
  readonly priceAlerts: PriceAlertsResponse;
  readonly alerts: readonly AlertFrame[];
  readonly thresholds: ThresholdsResponse;
  readonly diagnostics: DiagnosticsResponse;
  readonly rooms: RoomsResponse;
  readonly metrics: MetricsResponse;
}

/**
 * Reads the page data; `selected` must be a tracked symbol id. `now`
 * (default: the service's clock) stamps the page for client freshness.
 */
export function dashboardPageData(
  services: Services,
  selected: string | undefined,
  now: number = services.clock.now(),
): DashboardPageData {
  const tracked = [...services.symbolTable.values()];
  const chosen = selected ?? tracked[0];
  const firstSymbols = defaultWatchlist(tracked);
  const snapshots = services.symbols(
    tracked.length <= MAX_STREAM_SYMBOLS
      ? tracked
      : pageSymbols(firstSymbols, chosen),
  ).symbols;
  const symbols = snapshots.map((s) => s.symbol);
  // Per-symbol figures only for the pairs shown (a whole market's would be
  // most of the page): a watchlist the browser adds gets its pairs'
  // thresholds from `/api/symbols?ids=`.
  const diagnostics = services.diagnostics(symbols);
  const chart = CHART_WINDOWS[DEFAULT_CHART_WINDOW];
  return {
    symbols,
    firstSymbols,
    tracked: tracked.length,
    selected: chosen,
    deepLinked: selected !== undefined,
    epoch: services.health().epoch,
    simulated: diagnostics.simulated,
    renderedAt: now,
    ticks: snapshots.map((s) => s.tick),
    candles: services.recentCandles(
      chosen,
      chart.interval,
      Math.ceil(chart.spanMs / CANDLE_INTERVAL_MS[chart.interval]) + 1,
    ),
    trades: { symbol: chosen, trades: services.recentTrades(chosen) },
    priceAlerts: services.priceAlerts(),
    alerts: services.alerts().alerts.slice(0, PAGE_ALERTS),
    thresholds: services.thresholds(symbols),
    diagnostics,
    rooms: services.rooms(symbols),
    metrics: services.metrics(symbols),
  };
}
