/**
 * The Bybit-compatible exchange simulator: public surface.
 *
 * - {@linkcode startExchange}: serve it over HTTP (tests, demo, CLI).
 * - {@linkcode SimExchange}: the in-process object (faults, state, handler).
 * - {@linkcode SimMarket}: the deterministic market alone, for tests that
 *   need no HTTP.
 * - {@linkcode SimWsFeed}: the public WebSocket's sessions and pushes, served
 *   by `SimExchange` at `/v5/public/spot`.
 */
export {
  type RunningExchange,
  startExchange,
  type StartExchangeOptions,
} from "./start_exchange.ts";
export {
  FAULT_HEADER,
  SimExchange,
  type SimExchangeOptions,
  type SimState,
  TICKERS_PATH,
} from "./sim_exchange.ts";
export { FAULT_PATH, STATE_PATH, WS_FAULT_PATH } from "./control_endpoint.ts";
export type { ActiveFault, FaultOptions } from "./fault_control.ts";
export {
  type Fault,
  FAULT_NAMES_HELP,
  faultName,
  parseFault,
  PLAIN_FAULTS,
  type PlainFaultName,
} from "./faults.ts";
export { SimMarket, type SimMarketOptions } from "./market_model.ts";
export { DEFAULT_SYMBOL_SPECS, type SymbolSpec } from "./symbol_specs.ts";
export type { SpotTickerItem } from "./spot_ticker.ts";
export type { SimTrade, TickDirection, TradeSide } from "./trade_tape.ts";
export { type ExchangeEnv, parseExchangeEnv } from "./exchange_env.ts";
export {
  DEFAULT_PUSH_INTERVAL_MS,
  SimWsFeed,
  type SimWsFeedOptions,
  type SimWsState,
} from "./sim_ws_feed.ts";
export type { ActiveWsFault, WsFaultOptions } from "./ws_fault_control.ts";
export {
  parseWsFault,
  PLAIN_WS_FAULTS,
  WS_FAULT_NAMES_HELP,
  type WsFault,
  wsFaultName,
} from "./ws_faults.ts";
export { MAX_ARGS_PER_REQUEST, SPOT_WS_PATH } from "./ws_messages.ts";
