/**
 * Ingestion in the main isolate: the same engine the worker runs (see
 * `ingest_engine.ts`), for runtimes without Web Workers or when
 * `INGEST_IN_WORKER=false`.
 * Its callbacks go through {@linkcode deliverWorkerMessage}, as the worker's
 * messages do, so the service cannot tell the modes apart.
 */
import type { WebSocketFactory } from "../bybit/web_socket_like.ts";
import type { Clock } from "../../clock/clock.ts";
import { createIngestEngine } from "../engines/ingest_engine.ts";
import type {
  IngestCallbacks,
  IngestConfig,
  IngestEngine,
} from "../engines/engine_contract.ts";
import type { TrackedSymbol } from "../../market/tracked_symbol.ts";
import { deliverWorkerMessage } from "./worker_messages.ts";
import {
  checkThreshold,
  type IngestionHandle,
  type IngestionStatus,
} from "./ingestion_handle.ts";

/** Options of {@linkcode InlineIngestion}. */
export interface InlineIngestionOptions extends IngestCallbacks {
  /** A `ServiceConfig` will do; only upstream, markets, symbols and thresholds are used. */
  readonly config: IngestConfig;
  /** Clock of the loop. Default: the system clock. */
  readonly clock?: Clock;
  /** `fetch` of the loop. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Socket factory in WebSocket mode. Default: the runtime's `WebSocket`. */
  readonly connect?: WebSocketFactory;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/** The loop in this isolate; starts on construction. */
export class InlineIngestion implements IngestionHandle {
  #symbols: readonly TrackedSymbol[];
  #loop: IngestEngine;
  #stopping: Promise<void> | undefined;

  /** Throws a `RangeError` for a bad interval, timeout or URL. */
  constructor(options: InlineIngestionOptions) {
    this.#symbols = options.config.symbols;
    const callbacks: IngestCallbacks = {
      onTicks: options.onTicks,
      onTrades: options.onTrades,
      onLiquidations: options.onLiquidations,
      onState: options.onState,
      onLog: options.onLog,
    };
    this.#loop = createIngestEngine({
      config: options.config,
      fetch: options.fetch,
      connect: options.connect,
      clock: options.clock,
      random: options.random,
      onTicks: (ticks) =>
        deliverWorkerMessage(
          { type: "batch", ticks, trades: [], liquidations: [] },
          callbacks,
        ),
      onTrades: (trades) =>
        deliverWorkerMessage(
          { type: "batch", ticks: [], trades, liquidations: [] },
          callbacks,
        ),
      onLiquidations: (liquidations) =>
        deliverWorkerMessage(
          { type: "batch", ticks: [], trades: [], liquidations },
          callbacks,
        ),
      onState: (state) =>
        deliverWorkerMessage({ type: "state", state }, callbacks),
      onLog: (level, message, fields) =>
        deliverWorkerMessage(
          { type: "log", level, message, fields },
          callbacks,
        ),
    });
    this.#loop.start();
  }

  setThreshold(symbol: string, value: number): void {
    checkThreshold(this.#symbols, symbol, value);
    this.#loop.setThreshold(symbol, value);
  }

  setSymbols(
    symbols: readonly TrackedSymbol[],
    thresholds: Readonly<Record<string, number>>,
  ): void {
    this.#symbols = symbols;
    this.#loop.setSymbols(symbols, thresholds);
  }

  status(): IngestionStatus {
    return {
      mode: "inline",
      running: this.#stopping === undefined,
      restarts: 0,
      lastRestartReason: null,
      workerHeap: null,
    };
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#loop.stop();
    return this.#stopping;
  }
}
