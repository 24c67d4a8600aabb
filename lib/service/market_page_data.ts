/**
 * What the screener page (`/markets`) renders on the server: the first rows
 * of the table in its default order (the `/ws/market` socket's first frame
 * brings every market a moment later), how many markets are tracked, and the
 * newest alerts of the whole market for the ledger. Never the history of any
 * symbol.
 */
import type { AlertFrame, MarketItem } from "../protocol/frames.ts";
import type { MarketCategory } from "../market/tracked_symbol.ts";
import { DEFAULT_SCREENER_QUERY, ScreenerModel } from "../client/screener.ts";
import { defaultWatchlist } from "../client/watchlist.ts";
import type { Services } from "./app_state.ts";

/** Rows rendered on the server: a screenful and some. */
export const SCREENER_FIRST_ROWS = 40;

/** Alerts rendered into the page's ledger, newest first. */
export const MARKET_PAGE_ALERTS = 30;

/** Data of the screener page. */
export interface MarketPageData {
  /** The first rows, in the default order. */
  readonly items: readonly MarketItem[];
  /** Markets tracked now. */
  readonly total: number;
  /** The markets followed (`MARKETS`). */
  readonly markets: readonly MarketCategory[];
  /** The first tracked pairs: the default watchlist. */
  readonly firstSymbols: readonly string[];
  readonly alerts: readonly AlertFrame[];
  readonly simulated: boolean;
}

/** Reads the screener page's data from the running service. */
export function marketPageData(services: Services): MarketPageData {
  const model = new ScreenerModel();
  model.seed(services.market());
  const tracked = [...services.symbolTable.values()];
  return {
    items: model.order(DEFAULT_SCREENER_QUERY).slice(0, SCREENER_FIRST_ROWS)
      .flatMap((symbol) => model.item(symbol) ?? []),
    total: tracked.length,
    markets: services.config.markets,
    firstSymbols: defaultWatchlist(tracked),
    alerts: services.alerts().alerts.slice(0, MARKET_PAGE_ALERTS),
    simulated: services.diagnostics().simulated,
  };
}
