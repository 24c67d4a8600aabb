/**
 * The one interface both ingestion sources implement — REST polling
 * ({@linkcode IngestLoop}) and the WebSocket with REST fallback
 * ({@linkcode WsIngestLoop}) — and the factory that picks one from
 * `upstream.mode`. The worker and the inline host run whatever this returns,
 * so they never branch on the mode themselves.
 */
import type { WebSocketFactory } from "../bybit/web_socket_like.ts";
import type { Clock } from "../../clock/clock.ts";
import {
  type IngestCallbacks,
  type IngestConfig,
  IngestLoop,
  type UpstreamState,
} from "./rest_ingest_loop.ts";
import { WsIngestLoop } from "./ws_ingest_loop.ts";

/** A running source of ticks (and, on the WebSocket, trades). */
export interface IngestEngine {
  /** Starts ingesting. An engine starts only once. */
  start(): void;
  /** Replaces one symbol's whale threshold for the ticks that follow. */
  setThreshold(symbol: string, threshold: number): void;
  /** A snapshot of the current state. */
  state(): UpstreamState;
  /** Stops ingesting; resolves when nothing is in flight any more. */
  stop(): Promise<void>;
}

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
