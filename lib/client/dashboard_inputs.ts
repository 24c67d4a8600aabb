/**
 * What the dashboard takes in: the data the server rendered into the page
 * (each island hands over its part), and the browser facilities it runs on,
 * injected so the dashboard runs in unit tests with fakes.
 */
import type { Clock } from "../clock/clock.ts";
import type {
  DiagnosticsResponse,
  MetricsResponse,
  RoomsResponse,
} from "../protocol/api_types.ts";
import type { CandlesResponse } from "../protocol/candles.ts";
import type { AlertFrame, TickFrame } from "../protocol/frames.ts";
import type { PriceAlert } from "../protocol/price_alerts.ts";
import type { TapeTrade } from "../protocol/trades.ts";
import type { Fetch } from "./api_client.ts";
import type { Schedule } from "./frame_batcher.ts";
import type { BrowserEvents } from "./stream_connection.ts";

/** Server-rendered data an island hands to the client (all optional but symbols). */
export interface DashboardSeed {
  readonly symbols: readonly string[];
  /** The first tracked pairs: the default watchlist. Default `symbols`. */
  readonly firstSymbols?: readonly string[];
  readonly epoch?: string;
  readonly simulated?: boolean;
  readonly ticks?: readonly (TickFrame | null)[];
  readonly alerts?: readonly AlertFrame[];
  readonly thresholds?: Readonly<Record<string, number>>;
  readonly tradeThresholds?: Readonly<Record<string, number>>;
  readonly diagnostics?: DiagnosticsResponse;
  readonly rooms?: RoomsResponse;
  readonly metrics?: MetricsResponse;
  /** Server time the page was rendered, epoch ms. */
  readonly renderedAt?: number;
  /** The selected pair's candles for the default window. */
  readonly candles?: CandlesResponse;
  /** The selected pair's recent trades. */
  readonly trades?: {
    readonly symbol: string;
    readonly trades: readonly TapeTrade[];
  };
  readonly priceAlerts?: readonly PriceAlert[];
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
  /** Where the admin token lives (gone with the tab). */
  readonly sessionStorage?: Storage;
  readonly random?: () => number;
  /** How frame flushes are scheduled. Default: animation frames. */
  readonly schedule?: Schedule;
  /**
   * Whether the browser lets audio start without a gesture (its autoplay
   * policy, where it tells). Default: it does not.
   */
  readonly audioAllowed?: () => boolean;
  /** Sets the document title. Default: none. */
  readonly setTitle?: (title: string) => void;
}
