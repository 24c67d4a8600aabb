/**
 * The main thread's entry to ingestion: runs the loop in a Web Worker by
 * default, or inline in this isolate, and falls back to inline (with a
 * warning) where workers are unavailable. Both modes report through the same
 * callbacks with identical messages; see `worker_supervisor.ts` and
 * `inline_ingestion.ts`.
 */
import {
  InlineIngestion,
  type InlineIngestionOptions,
} from "./inline_ingestion.ts";
import type { IngestionHandle, IngestionMode } from "./ingestion_handle.ts";
import {
  WorkerIngestion,
  type WorkerIngestionOptions,
  WorkerUnavailableError,
} from "./worker_supervisor.ts";

/**
 * Options of {@linkcode startIngestion}: those of both modes, plus the mode.
 * `clock` drives the host's timers and, inline, the loop; `fetch` is used
 * inline only (a worker uses its own global `fetch`).
 */
export interface StartIngestionOptions
  extends InlineIngestionOptions, WorkerIngestionOptions {
  /** `worker` falls back to `inline` when workers are unavailable. */
  readonly mode: IngestionMode;
}

/**
 * Starts ingestion in the requested mode. Throws a `RangeError` for a bad
 * option; never throws because workers are missing.
 */
export function startIngestion(
  options: StartIngestionOptions,
): IngestionHandle {
  if (options.mode === "worker") {
    try {
      return new WorkerIngestion(options);
    } catch (error) {
      if (!(error instanceof WorkerUnavailableError)) throw error;
      options.onLog("warn", "Web Workers unavailable; ingesting inline", {
        reason: error.message,
      });
    }
  }
  return new InlineIngestion(options);
}
