/**
 * The factory that picks an ingestion engine from `upstream.mode` — REST
 * polling ({@linkcode IngestLoop}) or the WebSocket with REST fallback
 * ({@linkcode WsIngestLoop}); both keep the contract in `engine_contract.ts`.
 * The worker and the inline host run whatever this returns, so they never
 * branch on the mode themselves.
 */
import type { WebSocketFactory } from "../bybit/web_socket_like.ts";
import type { Clock } from "../../clock/clock.ts";
import type {
  IngestCallbacks,
  IngestConfig,
  IngestEngine,
} from "./engine_contract.ts";
import { IngestLoop } from "./rest_ingest_loop.ts";
import { WsIngestLoop } from "./ws_ingest_loop.ts";

/** Options of {@linkcode createIngestEngine}. */
export interface IngestEngineOptions extends IngestCallbacks {
  readonly config: IngestConfig;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Socket factory (WebSocket mode). Default: the runtime's `WebSocket`. */
  readonly connect?: WebSocketFactory;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * The engine for `config.upstream.mode`, not yet started. Throws a
 * `RangeError` for a bad option.
 */
export function createIngestEngine(options: IngestEngineOptions): IngestEngine {
  return options.config.upstream.mode === "ws"
    ? new WsIngestLoop(options)
    : new IngestLoop(options);
}
