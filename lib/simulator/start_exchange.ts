/**
 * Serves a {@linkcode SimExchange} over HTTP with `Deno.serve`: what the CLI,
 * the demo script and integration tests start. Port 0 picks a free port; the
 * returned URLs carry the one chosen.
 */
import {
  SimExchange,
  type SimExchangeOptions,
  TICKERS_PATH,
} from "./sim_exchange.ts";
import { LINEAR_WS_PATH, SPOT_WS_PATH } from "./ws_messages.ts";
import { INSTRUMENTS_PATH } from "./instruments_endpoint.ts";

/** Options of {@linkcode startExchange}; the rest are the exchange's own. */
export interface StartExchangeOptions extends SimExchangeOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  readonly hostname?: string;
  /** Port to bind; 0 picks a free one. Default 0. */
  readonly port?: number;
  /** Aborting it shuts the server down, as {@linkcode RunningExchange.shutdown}. */
  readonly signal?: AbortSignal;
}

/** A simulator listening on a port. */
export interface RunningExchange {
  /** Base URL, e.g. `http://127.0.0.1:9010` (no trailing slash). */
  readonly url: string;
  /** `{url}/v5/market/tickers`: the value for the service's `BYBIT_API_URL`. */
  readonly tickersUrl: string;
  /** `ws://…/v5/public/spot`: the value for the service's `BYBIT_WS_URL`. */
  readonly wsUrl: string;
  /** `ws://…/v5/public/linear`: the perpetuals' stream. */
  readonly wsLinearUrl: string;
  /** `{url}/v5/market/instruments-info`. */
  readonly instrumentsUrl: string;
  /** The exchange behind the server: faults, state and market, in-process. */
  readonly exchange: SimExchange;
  /** Releases held requests, stops listening and waits for open requests. */
  shutdown(): Promise<void>;
  /** Settles once the server has stopped, however it was stopped. */
  readonly finished: Promise<void>;
  /** `await using sim = await startExchange()` shuts down at scope end. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts the simulator. Rejects with a `RangeError` for a bad option and the
 * runtime's error when the address cannot be bound (e.g. `AddrInUse`).
 */
export async function startExchange(
  options: StartExchangeOptions = {},
): Promise<RunningExchange> {
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(
      `port must be an integer from 0 to 65535, got ${port}`,
    );
  }
  const exchange = new SimExchange(options);
  const server = Deno.serve(
    { hostname, port, onListen: () => {} },
    exchange.handle,
  );
  let stopping: Promise<void> | undefined;
  const onAbort = () => void shutdown();
  const shutdown = () => {
    stopping ??= (async () => {
      options.signal?.removeEventListener("abort", onAbort);
      exchange.close();
      await server.shutdown();
    })();
    return stopping;
  };
  if (options.signal?.aborted) void shutdown();
  else options.signal?.addEventListener("abort", onAbort);
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${server.addr.port}`;
  // Nothing to wait for yet; async so a bad option rejects, never throws.
  await Promise.resolve();
  return {
    url,
    tickersUrl: `${url}${TICKERS_PATH}`,
    wsUrl: `${url.replace(/^http/, "ws")}${SPOT_WS_PATH}`,
    wsLinearUrl: `${url.replace(/^http/, "ws")}${LINEAR_WS_PATH}`,
    instrumentsUrl: `${url}${INSTRUMENTS_PATH}`,
    exchange,
    shutdown,
    finished: server.finished,
    [Symbol.asyncDispose]: shutdown,
  };
}
