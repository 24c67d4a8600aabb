/**
 * What the leader still has to backfill from the exchange's klines, and the
 * runs over it: every followed market (spot pair or perpetual, each from its
 * own category's klines) when this instance starts to lead, each new one as
 * it is listed. One run at a time; listings that arrive during a run are
 * taken by the next.
 */
import type { TrackedSymbol } from "../market/tracked_symbol.ts";

/** Options of {@linkcode BackfillQueue}. */
export interface BackfillQueueOptions {
  /** The symbols followed at start. */
  readonly followed: readonly TrackedSymbol[];
  /** Whether this instance leads now: only the leader backfills. */
  readonly leading: () => boolean;
  /**
   * One run over `symbols`, told the steps left after each
   * (two per symbol); never rejects. Undefined: no backfill at all.
   */
  readonly run?: (
    symbols: readonly TrackedSymbol[],
    signal: AbortSignal,
    onLeft: (steps: number) => void,
  ) => Promise<void>;
}

/** The backfill still to do, and the run doing it. */
export class BackfillQueue {
  #options: BackfillQueueOptions;
  #followed: Map<string, TrackedSymbol>;
  #unfilled = new Set<string>();
  #running: { stop: AbortController; done: Promise<void> } | undefined;
  /** Steps left in the run in progress. */
  #runLeft = 0;

  /** Nothing runs until {@linkcode BackfillQueue.fillAll} or a listing. */
  constructor(options: BackfillQueueOptions) {
    this.#options = options;
    this.#followed = new Map(options.followed.map((s) => [s.id, s]));
  }

  /** Steps still to run (two per market), 0 when filled or not leading. */
  get pending(): number {
    if (!this.#options.run || !this.#options.leading()) return 0;
    return this.#runLeft + 2 * this.#unfilled.size;
  }

  /** Queues every followed market (this instance leads now) and runs. */
  fillAll(): void {
    for (const id of this.#followed.keys()) this.#unfilled.add(id);
    this.#start();
  }

  /** Follows `symbols` too (new listings): queued, and run if leading. */
  track(symbols: readonly TrackedSymbol[]): void {
    for (const symbol of symbols) {
      this.#followed.set(symbol.id, symbol);
      this.#unfilled.add(symbol.id);
    }
    this.#start();
  }

  /** Stops following `ids` (delistings): no longer queued. */
  untrack(ids: readonly string[]): void {
    for (const id of ids) {
      this.#followed.delete(id);
      this.#unfilled.delete(id);
    }
  }

  /** Stops the run in progress; resolves once it has ended. */
  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    running?.stop.abort();
    await running?.done;
  }

  #start(): void {
    const run = this.#options.run;
    if (this.#running || !run || !this.#options.leading()) return;
    const stop = new AbortController();
    // Starts after `#running` is set.
    const done = Promise.resolve().then(async () => {
      while (this.#unfilled.size > 0 && !stop.signal.aborted) {
        const symbols = [...this.#unfilled].flatMap((id) =>
          this.#followed.get(id) ?? []
        );
        this.#unfilled.clear();
        this.#runLeft = 2 * symbols.length;
        await run(symbols, stop.signal, (left) => this.#runLeft = left);
        this.#runLeft = 0;
      }
      if (this.#running?.stop === stop) this.#running = undefined;
    });
    this.#running = { stop, done };
  }
}
