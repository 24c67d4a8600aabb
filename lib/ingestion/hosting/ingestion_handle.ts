/**
 * The control surface of a running ingestion, the same whichever mode runs the
 * loop (`inline_ingestion.ts`, `worker_supervisor.ts`), and the threshold check
 * both modes apply before a change reaches the analyzer.
 */
import type { TrackedSymbol } from "../../market/tracked_symbol.ts";
import { type HeapFigures, thresholdSchema } from "./worker_messages.ts";

/** Where the loop runs. */
export type IngestionMode = "worker" | "inline";

/** What diagnostics show about the ingestion runtime. */
export interface IngestionStatus {
  /** The mode actually running (inline after a fallback). */
  readonly mode: IngestionMode;
  /** A loop is running now (false while a dead worker awaits restart). */
  readonly running: boolean;
  /** Worker restarts since start. */
  readonly restarts: number;
  readonly lastRestartReason: string | null;
  /**
   * The worker isolate's heap as it last reported it (every
   * {@linkcode HEAP_REPORT_MS}); null inline (the main heap holds it) or
   * before the first report.
   */
  readonly workerHeap: HeapFigures | null;
}

/** How often the ingestion worker reports its heap, ms. */
export const HEAP_REPORT_MS = 5_000;

/** Control of a running ingestion. */
export interface IngestionHandle {
  /**
   * Sets a tracked symbol's whale threshold; kept across worker restarts.
   * Throws a `RangeError` for an unknown symbol or a non-positive or
   * non-finite value.
   */
  setThreshold(symbol: string, value: number): void;
  /**
   * Follows `symbols` from now on (a listing changed), with `thresholds`
   * the whale line of each; kept across worker restarts. Nothing restarts.
   */
  setSymbols(
    symbols: readonly TrackedSymbol[],
    thresholds: Readonly<Record<string, number>>,
  ): void;
  status(): IngestionStatus;
  /** Stops polling; resolves when the loop (and worker) have ended. */
  stop(): Promise<void>;
}

/**
 * Throws a `RangeError` naming the field unless `symbol` is one of `symbols`
 * and `value` is a positive finite number.
 */
export function checkThreshold(
  symbols: readonly TrackedSymbol[],
  symbol: string,
  value: number,
): void {
  if (!symbols.some((s) => s.id === symbol)) {
    throw new RangeError(`symbol must be a tracked symbol, got "${symbol}"`);
  }
  if (!thresholdSchema.safeParse(value).success) {
    throw new RangeError(
      `value must be a positive finite number, got ${value}`,
    );
  }
}
