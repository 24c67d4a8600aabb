/**
 * Ingestion that runs only while this instance leads the stream: one upstream
 * connection for the whole cluster. The slot starts the worker (or the inline
 * loop) when the lease is won and stops it the moment it is lost; starts and
 * stops are serialised, so a lease that flaps never leaves two loops running.
 * Threshold changes made while following are kept and handed to the next
 * loop, as a restarted worker gets them.
 */
import type {
  IngestionHandle,
  IngestionMode,
  IngestionStatus,
} from "../ingestion/hosting/ingestion_handle.ts";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";

/** Options of {@linkcode LeaderIngestion}. */
export interface LeaderIngestionOptions {
  /**
   * Starts ingestion with the whale lines changed since the service started
   * (by symbol), and returns its handle.
   */
  readonly start: (whaleLines: ReadonlyMap<string, number>) => IngestionHandle;
  /** The mode shown while nothing runs. */
  readonly mode: IngestionMode;
}

/** An {@linkcode IngestionHandle} whose loop runs only while leading. */
export class LeaderIngestion implements IngestionHandle {
  #options: LeaderIngestionOptions;
  #handle: IngestionHandle | undefined;
  #whaleLines = new Map<string, number>();
  #restarts = 0;
  #lastReason: string | null = null;
  #chain: Promise<void> = Promise.resolve();
  #wanted = false;

  /** See {@linkcode LeaderIngestionOptions}; nothing runs until `lead()`. */
  constructor(options: LeaderIngestionOptions) {
    this.#options = options;
  }

  /** Whether a loop runs now. */
  get running(): boolean {
    return this.#handle !== undefined;
  }

  /** Starts the loop (this instance won the lease). */
  lead(): Promise<void> {
    this.#wanted = true;
    return this.#enqueue(() => {
      if (!this.#wanted || this.#handle) return;
      this.#handle = this.#options.start(this.#whaleLines);
    });
  }

  /** Stops the loop at once (the lease is lost or the service stops). */
  follow(): Promise<void> {
    this.#wanted = false;
    return this.#enqueue(async () => {
      const handle = this.#handle;
      if (!handle) return;
      this.#handle = undefined;
      this.#restarts += handle.status().restarts;
      await handle.stop();
    });
  }

  setThreshold(symbol: string, value: number): void {
    this.#handle?.setThreshold(symbol, value);
    this.#whaleLines.set(symbol, value);
  }

  /** Forwarded to a running loop; the next loop starts with the caller's symbols. */
  setSymbols(
    symbols: readonly TrackedSymbol[],
    thresholds: Readonly<Record<string, number>>,
  ): void {
    this.#handle?.setSymbols(symbols, thresholds);
  }

  status(): IngestionStatus {
    const status = this.#handle?.status();
    if (status) {
      return { ...status, restarts: this.#restarts + status.restarts };
    }
    return {
      mode: this.#options.mode,
      running: false,
      restarts: this.#restarts,
      lastRestartReason: this.#lastReason,
      workerHeap: null,
    };
  }

  stop(): Promise<void> {
    return this.follow();
  }

  #enqueue(task: () => void | Promise<void>): Promise<void> {
    const run = this.#chain.then(task).catch((error) => {
      this.#lastReason = String((error as Error)?.message ?? error);
    });
    this.#chain = run;
    return run;
  }
}
